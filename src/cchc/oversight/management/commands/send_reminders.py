from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cchc.lib.dates import format_day
from cchc.oversight import services


class Command(BaseCommand):
    help = (
        "Gửi nhắc việc của một ngày (--date YYYY-MM-DD), hoặc của mọi ngày từ lần chạy trước "
        "đến hôm nay. Chạy lại một ngày không gửi trùng."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Ngày cần chạy, dạng YYYY-MM-DD (mặc định: hôm nay).")

    def handle(self, *args, date=None, **options):
        if date:
            try:
                day = timezone.datetime.strptime(date, "%Y-%m-%d").date()
            except ValueError as exc:
                raise CommandError(f"Ngày không hợp lệ: {date!r} (cần dạng YYYY-MM-DD).") from exc
            runs = [(day, services.reminders_run(day=day))]
        else:
            runs = services.reminders_catch_up(today=timezone.localdate())
        for day, sent in runs:
            self.stdout.write(f"Ngày {format_day(day)}: đã gửi {sent} thông báo nhắc việc.")
