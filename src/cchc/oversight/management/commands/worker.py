from django.core.management import call_command
from django.core.management.base import BaseCommand

from cchc.notifications.tasks import schedule_requeue
from cchc.oversight.tasks import schedule


class Command(BaseCommand):
    help = (
        "Máy chạy nền: tạo tệp báo cáo, gửi thư (gửi lại thư bị bỏ dở khi máy chạy nền "
        "dừng giữa chừng) và chạy nhắc việc hằng ngày (tự chạy bù những ngày bị lỡ). "
        "Các tham số được chuyển cho db_worker."
    )

    def add_arguments(self, parser):
        parser.add_argument("worker_args", nargs="*", help="Tham số của db_worker.")

    def handle(self, *args, worker_args=(), **options):
        if schedule():
            self.stdout.write("Đã xếp lịch chạy nhắc việc hằng ngày.")
        if schedule_requeue():
            self.stdout.write("Đã xếp lịch gửi lại thư bị bỏ dở (15 phút một lần).")
        call_command("db_worker", *worker_args)
