"""Write a previewed plan file: a new draft plan, or the changes to a draft it updates.

All or nothing, through `plans.services`, with one audit event for the import.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from cchc.audit.services import audit_record
from cchc.lib.dbstats import statistics_refresh
from cchc.lib.text import fold

from .. import services
from ..models import Area, Plan, Section, SupportingUnit, Task
from .preview import Change, ImportPreview, TaskRow, import_preview
from .rows import ParsedPlan, Problem

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class ImportRefused(ValidationError):
    """The file cannot be imported as it is; `problems` says why, and where."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__([str(p) for p in problems])


# --- writing -----------------------------------------------------------------------------


@dataclass
class ImportResult:
    plan: Plan
    created: bool
    changes: list[Change]
    preview: ImportPreview

    @property
    def listed_changes(self) -> list[Change]:
        return [c for c in self.changes if c.kind != "move"]


class _Sections:
    """The plan's sections by (area, title), created on first use."""

    def __init__(self, actor: User | None, plan: Plan):
        self.actor = actor
        self.plan = plan
        self.known = {(s.area_id, fold(s.title)): s for s in plan.sections.all()}

    def get(self, area: Area, title: str) -> Section | None:
        if not title:
            return None
        key = (area.pk, fold(title))
        if key not in self.known:
            self.known[key] = services.section_create(
                actor=self.actor, plan=self.plan, area=area, title=title, order=len(self.known)
            )
        return self.known[key]


def _task_fields(sections: _Sections, row: TaskRow) -> dict[str, Any]:
    """What the file says of a task, as `task_create`, `task_edit` and `TaskSpec` take it."""
    p = row.parsed
    return {
        "area": row.area,
        # A row without an area is an error, and a preview with errors writes nothing.
        "section": sections.get(row.area, p.section),  # type: ignore[arg-type]
        "code": p.code,
        "order": p.order,
        "title": p.title,
        "lead_unit": row.lead_unit,
        "supporting_units": row.supporting_units,
        "due_text": p.due_text,
        "deliverable": p.deliverable,
        "notes": p.notes,
        "lead_unit_text": p.lead_text,
        "supporting_units_text": p.supporting_text,
    }


@transaction.atomic
def plan_import(
    *,
    actor: User | None,
    parsed: ParsedPlan,
    update_plan: Plan | None = None,
    **options: Any,
) -> ImportResult:
    """Write the file as a new draft plan, or apply it to `update_plan` (a draft).

    `options` are those of `import_preview` (year, unit, title, parent_plan, resolutions).
    All or nothing: any problem raises `ImportRefused` and nothing is written. Importing a
    file that is already the stored plan changes nothing and returns `created=False`."""
    if update_plan is not None:
        update_plan = Plan.objects.select_for_update().get(pk=update_plan.pk)
    preview = import_preview(actor=actor, parsed=parsed, update_plan=update_plan, **options)
    if preview.errors:
        raise ImportRefused(preview.errors)
    if preview.target is not None:
        plan = preview.target
        if preview.changes:
            _apply(actor, plan, preview)
        return ImportResult(plan, False, preview.changes, preview)
    plan = services.plan_create(
        actor=actor,
        year=preview.year,
        title=preview.title,
        issuing_unit=preview.unit,
        parent=preview.parent_plan,
        **preview.plan_fields,
    )
    sections = _Sections(actor, plan)
    areas = {a.code: a for a in Area.objects.all()}
    # The preview's copy of the file: its undecided headings are in the areas picked.
    for s in preview.parsed.sections:
        if s.area_code is not None:  # always: a heading without an area is an error
            sections.get(areas[s.area_code], s.title)
    specs = [services.TaskSpec(**_task_fields(sections, row)) for row in preview.rows]
    services.tasks_create_many(actor=actor, plan=plan, specs=specs)
    # A whole plan at once: the planner's statistics of the tasks read again once committed.
    transaction.on_commit(_refresh_statistics)
    audit_record(
        actor=actor,
        action="plan.import",
        obj=plan,
        changes={
            "file": [None, parsed.filename],
            "sha256": [None, parsed.sha256],
            "tasks": [None, len(preview.rows)],
        }
        | _picked_areas(preview),
    )
    changes = [Change("add", r.parsed.code, r.parsed.title, row=r) for r in preview.rows]
    return ImportResult(plan, True, changes, preview)


def _refresh_statistics() -> None:
    statistics_refresh(models=[Task, SupportingUnit, Section])


def _apply(actor: User | None, plan: Plan, preview: ImportPreview) -> None:
    sections = _Sections(actor, plan)
    # Each kind of change carries what it needs (a removal its task, an addition its row),
    # which the type checker cannot know.
    for change in preview.changes:
        if change.kind == "plan":
            fields = {k: b for k, (a, b) in change.fields.items() if k != "parent"}
            if "parent" in change.fields:
                fields["parent"] = preview.parent_plan
            services.plan_update(actor=actor, plan=plan, **fields)
        elif change.kind == "remove":
            services.task_delete(actor=actor, task=change.task)  # type: ignore[arg-type]
        elif change.kind == "add":
            services.task_create(actor=actor, plan=plan, **_task_fields(sections, change.row))  # type: ignore[arg-type]
        else:
            services.task_edit(actor=actor, task=change.task, **_task_fields(sections, change.row))  # type: ignore[arg-type]
    audit_record(
        actor=actor,
        action="plan.import_update",
        obj=plan,
        changes={
            "file": [None, preview.parsed.filename],
            "sha256": [None, preview.parsed.sha256],
            "changes": [None, [str(c) for c in preview.changes if c.kind != "move"]],
        }
        | _picked_areas(preview),
    )


def _picked_areas(preview: ImportPreview) -> dict:
    """The areas the office picked for headings the file left undecided, for the audit."""
    picked = {c.heading.text: c.area.code for c in preview.headings if c.area is not None}
    return {"heading_areas": [None, picked]} if picked else {}
