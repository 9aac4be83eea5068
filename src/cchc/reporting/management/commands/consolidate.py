"""`cchc consolidate --period ID --format docx|xlsx|pdf -o FILE`: the consolidated report of a
period, built at once (no worker needed). An approved report gives its approved document."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.documents import consolidated as documents
from cchc.lib import dates
from cchc.reporting import generation
from cchc.reporting.models import ReportingPeriod


class Command(BaseCommand):
    help = "Build a period's consolidated report (DOCX, XLSX or PDF)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--period", type=int, required=True, help="the period's id")
        parser.add_argument("--format", choices=["docx", "xlsx", "pdf"], default="docx")
        parser.add_argument("-o", "--output", required=True, help="file to write ('-': stdout)")
        parser.add_argument(
            "--date",
            help="reference date dd/mm/yyyy for the figures (default: today; a period's "
            "figures stop at its window's end anyway)",
        )

    def handle(self, *args, **options) -> None:
        period = ReportingPeriod.objects.filter(pk=options["period"]).first()
        if period is None:
            raise CommandError(_("Không có kỳ báo cáo #%(id)s.") % {"id": options["period"]})
        today = timezone.localdate()
        if options["date"]:
            try:
                today = dates.parse_day(options["date"])
            except ValueError as exc:
                raise CommandError(_("--date phải có dạng dd/mm/yyyy.")) from exc
        built = generation.inputs(period, options["format"], today=today)
        try:
            content = generation.render(built)
        except documents.PdfUnavailable as exc:
            raise CommandError(str(exc)) from exc
        if options["output"] == "-":
            sys.stdout.buffer.write(content)
            return
        Path(options["output"]).write_bytes(content)
        payload = built.payload
        missing = payload["missing_units"]
        line = _("%(file)s: %(size)s byte; %(sent)d/%(total)d đơn vị đã báo cáo") % {
            "file": options["output"],
            "size": f"{len(content):,}".replace(",", "."),
            "sent": len(payload["reports"]) - len(missing),
            "total": len(payload["reports"]),
        }
        if missing:
            line += _("; chưa báo cáo: %(units)s") % {"units": ", ".join(missing[:10])}
            line += "…" if len(missing) > 10 else ""
        self.stdout.write(line)
