"""The files a user downloads from plans, as selectors: the data they hold, read and
scoped to the user, handed to the pure builders of cchc.documents.

`plan_file` gives a plan as DOCX (Decree 30 layout) or XLSX; `task_workbook` streams the
filtered task list into an XLSX workbook.
"""

import datetime
import tempfile
from typing import IO

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from cchc.documents.plan import (
    ExportArea,
    ExportTask,
    PlanExport,
    plan_docx,
    plan_number,
    plan_xlsx,
)
from cchc.documents.tasks import tasks_xlsx
from cchc.lib.dates import format_day
from cchc.lib.roman import to_roman
from cchc.orgs.models import Unit
from cchc.orgs.selectors import agency_symbol

from . import selectors
from .models import Plan, ReviewState, Task, TaskStatus
from .timeliness import Timeliness, timeliness_expression

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PLAN_FILES = {"docx": (plan_docx, DOCX_TYPE), "xlsx": (plan_xlsx, XLSX_TYPE)}


def export_task(task: Task) -> ExportTask:
    supporting = list(task.supporting_units.all())
    due = task.due_text or (format_day(task.due_date) if task.due_date else "")
    timeliness = getattr(task, "timeliness", "")
    return ExportTask(
        code=task.code,
        title=task.title,
        # The unit columns as the plan wrote them, when it was imported; else the names.
        lead=task.lead_unit_text or task.lead_unit.name,
        supporting=task.supporting_units_text
        if task.lead_unit_text
        else ", ".join(u.name for u in supporting),
        due=due,
        deliverable=task.deliverable,
        notes=task.notes,
        status=str(TaskStatus(task.status).label),
        timeliness=str(Timeliness.labels.get(timeliness, "")),
        progress=task.progress,
    )


def group_by_area(tasks: list[Task]) -> list[ExportArea]:
    """Areas in the plan's order, each with its tasks: first those under no sub-heading,
    then each sub-heading with its tasks (so a task never lands under the wrong one)."""
    areas: list[ExportArea] = []
    by_area: dict[int, tuple[ExportArea, list, dict]] = {}
    for task in tasks:
        if task.area_id not in by_area:
            area = ExportArea(number="", name=task.area.name)
            by_area[task.area_id] = (area, [], {})
            areas.append(area)
        _, loose, sections = by_area[task.area_id]
        if task.section is not None:
            sections.setdefault(task.section.title, []).append(task)
        else:
            loose.append(task)
    for number, area in enumerate(areas, start=1):
        area.number = to_roman(number)
    for area, loose, sections in by_area.values():
        area.items = [export_task(t) for t in loose]
        for title, tasks_ in sections.items():
            area.items.append(title)
            area.items += [export_task(t) for t in tasks_]
    for area in areas:
        counter = 0
        for item in area.items:
            if isinstance(item, ExportTask):
                counter += 1
                # A row without STT would read back as more lines of the task above.
                item.code = item.code or str(counter)
    return areas


def plan_export_data(*, user, plan: Plan, today: datetime.date) -> PlanExport:
    """The plan and the tasks `user` may read (every task for `user=None`, the system)."""
    found: QuerySet[Task]
    if user is None:
        found = Task.objects.filter(plan=plan).annotate(timeliness=timeliness_expression(today))
        plan = Plan.objects.select_related("issuing_unit__parent").get(pk=plan.pk)
    else:
        plan = selectors.plan_get(user=user, pk=plan.pk)
        found = selectors.task_list(
            user=user, filters=selectors.TaskFilters(plan=plan.pk), today=today
        )
    tasks = list(
        found.select_related("area", "section", "lead_unit")
        .prefetch_related(Prefetch("supporting_units", queryset=Unit.objects.order_by("path")))
        .order_by("area__code", "order", "id")
    )
    unit = plan.issuing_unit
    parent = Unit.objects.filter(pk=unit.parent_id).first() if unit.parent_id else None
    recipients = []
    if parent is not None:
        recipients.append(f"{parent.name} (để báo cáo)")
    recipients += ["Các cơ quan, đơn vị trực thuộc", "Văn phòng"]
    number, symbol = plan_number(plan.document_number, agency_symbol(unit))
    return PlanExport(
        title=plan.title,
        year=plan.year,
        issuing_body=unit.name,
        parent_body=parent.name if parent else "",
        number=number,
        symbol=symbol,
        issued_on=plan.issued_on,
        place=getattr(settings, "CCHC_DOCUMENT_PLACE", "Hà Nội"),
        signer_authority=unit.signer_authority,
        signer_title=unit.signer_title,
        signer_name=unit.signer_name,
        purpose=plan.purpose,
        requirements=plan.requirements,
        implementation=plan.implementation,
        areas=group_by_area(tasks),
        recipients=recipients,
        generated_on=today,
    )


def export_filename(plan: Plan, extension: str) -> str:
    """ "ke-hoach-2026-TCCT-12.docx": ASCII, so every browser and mail client keeps it."""
    return f"ke-hoach-{plan.year}-{plan.issuing_unit.code}-{plan.pk}.{extension}"


def plan_file(*, user, pk: int, fmt: str, today: datetime.date) -> tuple[bytes, str, str]:
    """(content, filename, content type) of the plan as `fmt` ("docx" or "xlsx"), with the
    tasks `user` may read; Http404 when the plan is not theirs to see."""
    plan = selectors.plan_get(user=user, pk=pk)
    build, content_type = PLAN_FILES[fmt]
    data = plan_export_data(user=user, plan=plan, today=today)
    return build(data), export_filename(plan, fmt), content_type


def task_workbook(*, user, filters: selectors.TaskFilters, today: datetime.date) -> IO[bytes]:
    """Every filtered task as an XLSX workbook, in a temporary file read from its start;
    whoever sends it closes it, and so deletes it."""
    rows = selectors.task_export_rows(user=user, filters=filters, today=today)
    out = tempfile.TemporaryFile()  # noqa: SIM115 (the caller closes it)
    try:
        tasks_xlsx(
            rows,
            out,
            statuses={value: str(label) for value, label in TaskStatus.choices},
            timeliness={key: str(label) for key, label in Timeliness.labels.items()},
            reviews={key: str(label) for key, label in ReviewState.choices},
        )
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out
