from django.core.management.base import BaseCommand, CommandError

from cchc.audit.services import verify_chain


class Command(BaseCommand):
    help = "Walk the hash-chained audit log and fail on the first changed or removed event."

    def handle(self, *args, **options):
        count, problem = verify_chain()
        if problem:
            raise CommandError(f"Audit log broken: {problem}.")
        self.stdout.write(f"Audit log intact: {count} events verified.")
