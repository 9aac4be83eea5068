"""Background work: django-tasks functions take ids and call one service."""

from django_tasks import task

from . import generation


@task()
def generate_report_file(export_id: int) -> int:
    """Build the consolidated report's file of one export request."""
    export = generation.export_run(export_id=export_id)
    return export.pk
