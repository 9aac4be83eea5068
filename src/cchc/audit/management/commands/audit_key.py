from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from cchc.audit import keys


class Command(BaseCommand):
    help = "Show the audit chain's current key id, or --rotate to start signing with a new key."

    def add_arguments(self, parser):
        parser.add_argument("--rotate", action="store_true", help="append a new key and use it")

    def handle(self, *args, rotate=False, **options):
        if rotate:
            self.stdout.write(
                _("Khóa ký nhật ký mới: %(key)s (hãy giữ an toàn tệp khóa).")
                % {"key": keys.rotate()}
            )
        else:
            self.stdout.write(
                _("Khóa ký nhật ký hiện dùng: %(key)s") % {"key": keys.keyring().current_id}
            )
