from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cchc.audit import anchors
from cchc.audit.services import verify_chain


class Command(BaseCommand):
    help = (
        "Walk the keyed audit chain and check it against the anchors kept outside the "
        "database; fail on the first changed or removed event."
    )

    def handle(self, *args, **options):
        count, problem = verify_chain()
        if problem:
            raise CommandError(_("Nhật ký hệ thống bị hỏng: %(problem)s.") % {"problem": problem})
        anchored, problem = anchors.check()
        if problem:
            raise CommandError(
                _("Nhật ký hệ thống không khớp với mốc kiểm chứng (anchor): %(problem)s.")
                % {"problem": problem}
            )
        self.stdout.write(
            _(
                "Nhật ký hệ thống toàn vẹn: đã kiểm tra %(count)d sự kiện, "
                "%(anchored)d mốc kiểm chứng khớp."
            )
            % {"count": count, "anchored": anchored}
        )
