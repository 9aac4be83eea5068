from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from cchc.audit import anchors


class Command(BaseCommand):
    help = "Write a signed checkpoint of the audit chain's head outside the database."

    def handle(self, *args, **options):
        path = anchors.write()
        self.stdout.write(
            _("Đã ghi mốc kiểm chứng: %(path)s") % {"path": path}
            if path
            else _("Nhật ký hệ thống đang trống.")
        )
