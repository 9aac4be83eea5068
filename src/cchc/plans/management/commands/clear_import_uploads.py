import datetime

from django.core.management.base import BaseCommand

from cchc.plans.imports.staging import STAGING_DAYS, staged_clear


class Command(BaseCommand):
    help = "Remove uploaded plan files whose import was never confirmed (run it daily)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=STAGING_DAYS, help="older than this many days"
        )

    def handle(self, *args, **options):
        removed = staged_clear(older_than=datetime.timedelta(days=options["days"]))
        self.stdout.write(f"Đã xóa {removed} tệp kế hoạch tải lên nhưng chưa xác nhận.")
