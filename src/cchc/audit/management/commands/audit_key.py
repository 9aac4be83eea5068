from django.core.management.base import BaseCommand

from cchc.audit import keys


class Command(BaseCommand):
    help = "Show the audit chain's current key id, or --rotate to start signing with a new key."

    def add_arguments(self, parser):
        parser.add_argument("--rotate", action="store_true", help="append a new key and use it")

    def handle(self, *args, rotate=False, **options):
        if rotate:
            self.stdout.write(f"New audit key: {keys.rotate()} (keep the key file safe).")
        else:
            self.stdout.write(f"Current audit key: {keys.keyring().current_id}")
