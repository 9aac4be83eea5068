import datetime

from django.core.management.base import BaseCommand

from cchc.ops.cleanup import find, run


class Command(BaseCommand):
    help = (
        "Remove what a crash left among the files: waiting copies and spilled uploads, and "
        "files in the media folder that no row names (run it daily)."
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
        verb = ("would link", "would remove") if dry_run else ("linked", "removed")
        for path in done.linked:
            self.stdout.write(f"{verb[0]} {path}")
        for path in done.removed:
            self.stdout.write(f"{verb[1]} {path}")
        self.stdout.write(
            f"{len(done.linked)} file(s) {verb[0]}, {len(done.removed)} file(s) {verb[1]}"
            + (" (dry run: nothing changed)." if dry_run else ".")
        )
