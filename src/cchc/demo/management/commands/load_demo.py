from django.core.management.base import BaseCommand
from django.utils import timezone

from cchc.demo.data import DemoLoader, logins
from cchc.demo.reporting import load_reporting_demo


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
        if created:
            summary = ", ".join(f"{n} {what}" for what, n in sorted(created.items()))
            self.stdout.write(self.style.SUCCESS(f"Demo loaded: {summary}."))
        else:
            self.stdout.write("Demo already loaded: nothing changed.")
        if options["no_logins"]:
            return
        rows = [[r.username, r.full_name, r.role, r.unit, r.password] for r in logins()]
        self.stdout.write("\nDemo logins (demo data only):")
        self.stdout.write(
            table(["Tên đăng nhập", "Họ và tên", "Vai trò", "Đơn vị", "Mật khẩu"], rows)
        )
