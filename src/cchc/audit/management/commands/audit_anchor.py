from django.core.management.base import BaseCommand

from cchc.audit import anchors


class Command(BaseCommand):
    help = "Write a signed checkpoint of the audit chain's head outside the database."

    def handle(self, *args, **options):
        path = anchors.write()
        self.stdout.write(f"Anchor written: {path}" if path else "The audit log is empty.")
