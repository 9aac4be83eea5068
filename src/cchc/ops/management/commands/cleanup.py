import datetime

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from cchc.ops.cleanup import find, run


class Command(BaseCommand):
    help = (
        "Remove what a crash left among the files: waiting copies and spilled uploads, and "
        "files in the media folder that no row names; and the API's expired Idempotency-Key "
        "answers and past minutes' call counts (run it daily)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=60,
            metavar="MINUTES",
            help="touch only files older than this (default 60)",
        )
        parser.add_argument("--dry-run", action="store_true", help="list, change nothing")

    def handle(self, *args, older_than: int, dry_run: bool, **options):
        age = datetime.timedelta(minutes=max(older_than, 0))
        done = find(older_than=age) if dry_run else run(older_than=age)
        verb = (_("sẽ gắn lại"), _("sẽ xóa")) if dry_run else (_("đã gắn lại"), _("đã xóa"))
        for path in done.linked:
            self.stdout.write(f"{verb[0]} {path}")
        for path in done.removed:
            self.stdout.write(f"{verb[1]} {path}")
        summary = _("%(linked)d tệp %(link)s, %(removed)d tệp %(remove)s") % {
            "linked": len(done.linked),
            "link": verb[0],
            "removed": len(done.removed),
            "remove": verb[1],
        }
        keys = _("%(n)d khoá Idempotency-Key hết hạn %(verb)s") % {
            "n": done.expired_keys,
            "verb": verb[1],
        }
        rates = _("%(n)d số đếm lượt gọi API của những phút đã qua %(verb)s") % {
            "n": done.expired_rates,
            "verb": verb[1],
        }
        suffix = _(" (chạy thử: không thay đổi gì).") if dry_run else "."
        self.stdout.write(summary + suffix)
        self.stdout.write(keys + suffix)
        self.stdout.write(rates + suffix)
