from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cchc.ops.backup import BackupError, create


class Command(BaseCommand):
    help = "Write a consistent backup (database, uploaded files, audit anchors) to FILE."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            manifest = create(file.resolve())
        except (BackupError, OSError) as exc:
            raise CommandError(f"Backup failed: {exc}") from exc
        self.stdout.write(
            f"Backup written to {file}: {len(manifest['files'])} files, "
            f"{manifest['audit_events']} audit events."
        )
