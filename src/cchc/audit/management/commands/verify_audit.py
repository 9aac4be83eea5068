from django.core.management.base import BaseCommand, CommandError

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
            raise CommandError(f"Audit log broken: {problem}.")
        anchored, problem = anchors.check()
        if problem:
            raise CommandError(f"Audit log disagrees with an anchor: {problem}.")
        self.stdout.write(f"Audit log intact: {count} events verified, {anchored} anchors agree.")
