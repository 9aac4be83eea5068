from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cchc.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup archive into this empty installation, then verify the audit log."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            manifest = restore(file)
        except (BackupError, OSError) as exc:
            raise CommandError(_("Khôi phục không thành công: %(error)s") % {"error": exc}) from exc
        self.stdout.write(
            _("Đã khôi phục %(files)d tệp từ %(file)s.")
            % {"files": len(manifest["files"]), "file": file}
        )
        call_command("verify_audit", stdout=self.stdout)
