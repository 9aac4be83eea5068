from django.core.management.base import BaseCommand, CommandError

from cchc.demo.scale import BENCH_FOCAL, BENCH_OFFICE, BENCH_PASSWORD, seed_scale
from cchc.orgs.models import Unit


class Command(BaseCommand):
    help = (
        "Build a large organisation with bulk inserts for benchmarks (unit codes start with "
        "'S-'; previous scale data is cleared first)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, default=1500, help="units in all (default 1500)")
        parser.add_argument("--tasks", type=int, default=60000, help="tasks (default 60000)")
        parser.add_argument("--year", type=int, default=None, help="plan year (default: this year)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed")

    def handle(self, *args, **options):
        if options["units"] < 1 or options["tasks"] < 0:
            raise CommandError("--units must be at least 1 and --tasks at least 0.")
        result = seed_scale(
            units=options["units"],
            tasks=options["tasks"],
            year=options["year"],
            seed=options["seed"],
        )
        if result.cleared:
            cleared = ", ".join(f"{n} {what}" for what, n in result.cleared.items())
            self.stdout.write(f"Cleared the previous scale data: {cleared}.")
        spread = ", ".join(f"{k} {v}" for k, v in sorted(result.categories.items()))
        focal_unit = Unit.objects.get(pk=result.focal_unit_id)
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {result.units} units, {result.tasks} tasks and {result.supporting} "
                f"supporting-unit links in {result.seconds:.1f} s (plan id {result.plan_id})."
            )
        )
        self.stdout.write(f"Timeliness: {spread}.")
        self.stdout.write(
            f"Logins (password {BENCH_PASSWORD}): {BENCH_OFFICE} (office at the root, unit id "
            f"{result.root_id}); {BENCH_FOCAL} (focal officer at {focal_unit.name}, unit id "
            f"{focal_unit.pk})."
        )
