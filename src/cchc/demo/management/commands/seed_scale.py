from django.core.management.base import BaseCommand, CommandError

from cchc.demo.scale import BENCH_FOCAL, BENCH_OFFICE, BENCH_PASSWORD, BENCH_VIEWER, seed_scale
from cchc.orgs.models import Unit


class Command(BaseCommand):
    help = (
        "Build a large organisation with bulk inserts for benchmarks (unit codes start with "
        "'S-'; previous scale data is cleared first)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, default=1500, help="units in all (default 1500)")
        parser.add_argument("--tasks", type=int, default=60000, help="tasks a year (default 60000)")
        parser.add_argument(
            "--years",
            type=int,
            default=1,
            help="yearly plans, this year's and the ones before (default 1)",
        )
        parser.add_argument(
            "--add-years",
            action="store_true",
            help="keep the scale data there is and add the years it lacks",
        )
        parser.add_argument(
            "--year", type=int, default=None, help="latest plan's year (default: this year)"
        )
        parser.add_argument("--seed", type=int, default=2026, help="random seed")

    def handle(self, *args, **options):
        if options["units"] < 1 or options["tasks"] < 0 or options["years"] < 1:
            raise CommandError("--units and --years must be at least 1 and --tasks at least 0.")
        try:
            result = seed_scale(
                units=options["units"],
                tasks=options["tasks"],
                years=options["years"],
                year=options["year"],
                seed=options["seed"],
                add_years=options["add_years"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if result.cleared:
            cleared = ", ".join(f"{n} {what}" for what, n in result.cleared.items())
            self.stdout.write(f"Cleared the previous scale data: {cleared}.")
        spread = ", ".join(f"{k} {v}" for k, v in sorted(result.categories.items()))
        focal_unit = Unit.objects.get(pk=result.focal_unit_id)
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {result.units} units and, for {len(result.years)} years "
                f"({', '.join(map(str, result.years)) or 'none missing'}), {result.tasks} tasks, "
                f"{result.supporting} supporting-unit links, {result.updates} updates, "
                f"{result.reviews} reviews and {result.reports} unit reports in "
                f"{result.seconds:.1f} s (this year's plan id {result.plan_id})."
            )
        )
        self.stdout.write(f"Timeliness: {spread}.")
        self.stdout.write(
            f"Logins (password {BENCH_PASSWORD}): {BENCH_OFFICE} (office at the root, unit id "
            f"{result.root_id}); {BENCH_VIEWER} (viewer at the root); {BENCH_FOCAL} (focal "
            f"officer at {focal_unit.name}, unit id {focal_unit.pk})."
        )
