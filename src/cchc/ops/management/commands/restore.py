from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from cchc.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup archive into this empty installation, then verify the audit log."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            manifest = restore(file)
        except (BackupError, OSError) as exc:
            raise CommandError(f"Restore failed: {exc}") from exc
        self.stdout.write(f"Restored {len(manifest['files'])} files from {file}.")
        call_command("verify_audit", stdout=self.stdout)
