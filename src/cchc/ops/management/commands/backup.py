from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cchc.ops.backup import BackupError, create


class Command(BaseCommand):
    help = "Write a consistent backup (database, uploaded files, audit anchors) to FILE."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            manifest = create(file.resolve())
        except (BackupError, OSError) as exc:
            raise CommandError(_("Sao lưu không thành công: %(error)s") % {"error": exc}) from exc
        self.stdout.write(
            _("Đã ghi bản sao lưu vào %(file)s: %(files)d tệp, %(events)d sự kiện nhật ký.")
            % {"file": file, "files": len(manifest["files"]), "events": manifest["audit_events"]}
        )
