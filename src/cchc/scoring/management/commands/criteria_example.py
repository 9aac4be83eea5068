from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cchc.orgs.models import Unit
from cchc.scoring import services


class Command(BaseCommand):
    help = (
        "Tạo bộ tiêu chí mẫu (bảy lĩnh vực, 100 điểm) của một đơn vị ban hành cho một năm, "
        "như nút “Tạo bộ tiêu chí mẫu” của Văn phòng."
    )

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="Mã đơn vị ban hành, ví dụ TCCT.")
        parser.add_argument("--year", required=True, type=int, help="Năm, ví dụ 2026.")

    def handle(self, *args, unit, year, **options):
        issuing = Unit.objects.filter(code=unit, is_active=True).first()
        if issuing is None:
            raise CommandError(f"Không có đơn vị mã {unit!r}.")
        try:
            made = services.criteria_set_create_example(actor=None, unit=issuing, year=year)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"Đã tạo “{made.title}” ({made.criteria.count()} tiêu chí).")
