"""cchc import_plan FILE --year Y --unit CODE: read a plan file, list it, and write it.
A heading whose area the file leaves undecided is listed with its number; `--area N=CODE`
picks the area for it, as the web preview's choice does."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from cchc.lib.dates import format_day
from cchc.orgs.models import Unit
from cchc.plans.imports.files import parse_plan_file
from cchc.plans.imports.preview import import_preview
from cchc.plans.imports.services import ImportRefused, plan_import
from cchc.plans.models import Area, Plan

# Exit code when the file cannot be imported as it is (the problems are listed).
REFUSED = 2


def _number(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


class Command(BaseCommand):
    help = (
        "Nhập kế hoạch từ tệp Excel (.xlsx) hoặc Word (.docx). Thoát với mã 0 khi thành "
        "công, 2 khi tệp chưa nhập được (kèm danh sách vấn đề)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp .xlsx hoặc .docx")
        parser.add_argument("--year", type=int, required=True, help="năm của kế hoạch")
        parser.add_argument("--unit", required=True, help="mã cơ quan ban hành")
        parser.add_argument("--title", help="tên kế hoạch (mặc định: đọc từ tệp)")
        parser.add_argument("--parent-plan", type=int, help="số (id) của kế hoạch cấp trên")
        parser.add_argument(
            "--update", type=int, metavar="PLAN_ID", help="cập nhật kế hoạch dự thảo này"
        )
        parser.add_argument("--dry-run", action="store_true", help="chỉ đọc và liệt kê, không ghi")
        parser.add_argument("--as", dest="username", help="thực hiện với quyền của người dùng này")
        parser.add_argument(
            "--area",
            action="append",
            default=[],
            metavar="N=MÃ",
            help="lĩnh vực (mã 1–7) cho tiêu đề chưa rõ lĩnh vực số N; lặp lại cho mỗi tiêu đề",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {path}.", returncode=REFUSED)
        unit = Unit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"Không có đơn vị mã “{options['unit']}”.", returncode=REFUSED)
        actor = None
        if options["username"]:
            actor = get_user_model().objects.filter(username=options["username"]).first()
            if actor is None:
                raise CommandError(f"Không có người dùng “{options['username']}”.")
        kwargs = {
            "actor": actor,
            "year": options["year"],
            "unit": unit,
            "title": options["title"],
            "parent_plan": self._plan(options["parent_plan"]),
            "update_plan": self._plan(options["update"]),
        }
        parsed = parse_plan_file(path.read_bytes(), path.name)
        kwargs["heading_areas"] = self._areas(options["area"], parsed)
        try:
            preview = import_preview(parsed=parsed, **kwargs)
        except PermissionDenied as exc:
            raise CommandError(str(exc), returncode=REFUSED) from exc
        self._list(preview)
        if preview.errors:
            self._problems(preview.errors)
            raise CommandError(
                f"Chưa nhập được: {len(preview.errors)} vấn đề cần sửa.", returncode=REFUSED
            )
        if options["dry_run"]:
            self.stdout.write("Chạy thử (--dry-run): không ghi gì.")
            return
        try:
            result = plan_import(parsed=parsed, **kwargs)
        except ImportRefused as exc:
            self._problems(exc.problems)
            raise CommandError("Chưa nhập được.", returncode=REFUSED) from exc
        if result.created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Đã tạo kế hoạch #{result.plan.pk} “{result.plan.title}” với "
                    f"{len(preview.rows)} nhiệm vụ."
                )
            )
        elif result.listed_changes:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Đã cập nhật kế hoạch “{result.plan.title}” (#{result.plan.pk}): "
                    f"{len(result.listed_changes)} thay đổi."
                )
            )
        else:
            self.stdout.write(
                f"Kế hoạch “{result.plan.title}” (#{result.plan.pk}) đã đúng như tệp: "
                "không thay đổi gì."
            )

    def _plan(self, pk):
        if pk is None:
            return None
        plan = Plan.objects.select_related("issuing_unit").filter(pk=pk).first()
        if plan is None:
            raise CommandError(f"Không có kế hoạch #{pk}.", returncode=REFUSED)
        return plan

    def _areas(self, picks: list[str], parsed) -> dict[int, int]:
        """`--area N=CODE` as {heading number: area code}, each checked against the file's
        undecided headings and the seven areas."""
        headings = {h.number for h in parsed.open_headings()}
        codes = set(Area.objects.values_list("code", flat=True))
        picked = {}
        for pick in picks:
            number, _sep, code = (part.strip() for part in pick.partition("="))
            # What the message repeats of a pick: enough to recognise it.
            said = number[:20], code[:20]
            if _number(number) not in headings:
                listed = ", ".join(map(str, sorted(headings))) or "không có"
                raise CommandError(
                    f"--area {said[0]}={said[1]}: tệp không có tiêu đề chưa rõ lĩnh vực số "
                    f"“{said[0]}” (các số có: {listed}).",
                    returncode=REFUSED,
                )
            if _number(code) not in codes:
                raise CommandError(
                    f"--area {said[0]}={said[1]}: “{said[1]}” không phải mã lĩnh vực (1–7).",
                    returncode=REFUSED,
                )
            picked[int(number)] = int(code)
        return picked

    def _list(self, preview) -> None:
        parsed = preview.parsed
        out = self.stdout
        out.write(f"Tệp: {parsed.filename} ({parsed.format or 'không đọc được'})")
        out.write(f"Kế hoạch: {preview.title} – năm {preview.year} – {preview.unit.name}")
        if parsed.document_number or parsed.issued_on:
            date = format_day(parsed.issued_on) if parsed.issued_on else "—"
            out.write(f"Số: {parsed.document_number or '—'}, ngày {date}")
        area = None
        for row in preview.rows:
            if row.area and row.area.code != area:
                area = row.area.code
                out.write(f"\n{row.area}")
            p = row.parsed
            lead = row.lead_unit.code if row.lead_unit else "?"
            support = ", ".join(u.code for u in row.supporting_units) or "—"
            due = (
                format_day(row.due_date)
                if row.due_date
                else ("thường xuyên" if row.is_recurring else "không có ngày")
            )
            title = " ".join(p.title.split())
            out.write(f"  {p.code or '·':>5} {title[:70]}")
            out.write(
                f"        chủ trì {lead}; phối hợp {support}; hạn “{p.due_text}” ({due})"
                f"  [{p.sheet}, dòng {p.row}]"
            )
        out.write(f"\n{len(preview.rows)} nhiệm vụ.")
        for choice in preview.headings:
            self._heading(choice)
        warnings = [p for p in preview.problems if not p.is_error]
        for problem in warnings:
            out.write(self.style.WARNING(f"Lưu ý – {problem}"))
        changes = [c for c in preview.changes if c.kind != "move"]
        if preview.target is not None and not preview.errors:
            if changes:
                out.write(
                    f"Thay đổi so với kế hoạch “{preview.target.title}” (#{preview.target.pk}):"
                )
                for change in changes:
                    out.write(f"  {change}")
            else:
                out.write(
                    f"Kế hoạch “{preview.target.title}” (#{preview.target.pk}) đã đúng như tệp."
                )

    def _heading(self, choice) -> None:
        heading = choice.heading
        if choice.area is not None:
            self.stdout.write(
                f"Tiêu đề số {heading.number} “{heading.text}”: lĩnh vực {choice.area}."
            )
            return
        self.stdout.write(
            self.style.WARNING(
                f"Tiêu đề số {heading.number} “{heading.text}” ({heading.where()}, "
                f"{choice.tasks} nhiệm vụ) chưa rõ lĩnh vực: chọn bằng "
                f"--area {heading.number}=MÃ, MÃ là một trong:"
            )
        )
        for area in [*choice.candidates, *choice.others]:
            self.stdout.write(f"    {area}")

    def _problems(self, problems) -> None:
        self.stderr.write(f"Vấn đề cần sửa ({len(problems)}):")
        for problem in problems:
            self.stderr.write(f"  - {problem}")
