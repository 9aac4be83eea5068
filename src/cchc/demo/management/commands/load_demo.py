from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.demo.data import DemoLoader, logins
from cchc.demo.reporting import load_reporting_demo
from cchc.demo.scoring import load_scoring_demo
from cchc.lib.dbstats import statistics_refresh

# What the loaders count, in the words the office uses.
KINDS = {
    "assessments": gettext_lazy("bản tự đánh giá, chấm điểm"),
    "completion reviews": gettext_lazy("xác nhận hoàn thành"),
    "consolidated reports": gettext_lazy("báo cáo tổng hợp"),
    "criteria sets": gettext_lazy("bộ tiêu chí"),
    "finalised assessments": gettext_lazy("kết quả chấm điểm đã chốt"),
    "evidence": gettext_lazy("tài liệu kiểm chứng"),
    "memberships": gettext_lazy("phân công vai trò"),
    "plans": gettext_lazy("kế hoạch"),
    "reporting periods": gettext_lazy("kỳ báo cáo"),
    "tasks": gettext_lazy("nhiệm vụ"),
    "unit reports": gettext_lazy("báo cáo của đơn vị"),
    "unit signers": gettext_lazy("người ký của đơn vị"),
    "units": gettext_lazy("cơ quan, đơn vị"),
    "updates": gettext_lazy("lần cập nhật tiến độ"),
    "users": gettext_lazy("người dùng"),
}


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(c)) for c in column) for column in zip(headers, *rows, strict=True)]
    lines = [" | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    rule = "-+-".join("-" * w for w in widths)
    head = " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    return "\n".join([head, rule, *lines])


class Command(BaseCommand):
    help = (
        "Load the demo organisation, plans, progress and users (idempotent: only what is "
        "missing is created) and print the demo logins."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-logins", action="store_true", help="do not print the table of logins"
        )

    def handle(self, *args, **options):
        today = timezone.localdate()
        created = DemoLoader(today=today).run()
        created += load_reporting_demo(today=today)
        created += load_scoring_demo(today=today)
        if created:
            # The pages that follow plan their queries on statistics of the loaded data.
            statistics_refresh()
            summary = ", ".join(
                f"{n} {KINDS.get(what, what)}" for what, n in sorted(created.items())
            )
            self.stdout.write(
                self.style.SUCCESS(_("Đã nạp dữ liệu mẫu: %(summary)s.") % {"summary": summary})
            )
        else:
            self.stdout.write(_("Dữ liệu mẫu đã có sẵn: không thay đổi gì."))
        if options["no_logins"]:
            return
        rows = [[r.username, r.full_name, r.role, r.unit, r.password] for r in logins()]
        self.stdout.write("\n" + _("Tài khoản mẫu (chỉ dùng với dữ liệu mẫu):"))
        self.stdout.write(
            table(
                [_("Tên đăng nhập"), _("Họ và tên"), _("Vai trò"), _("Đơn vị"), _("Mật khẩu")], rows
            )
        )
