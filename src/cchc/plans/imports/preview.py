"""What importing a parsed plan file would do: match names to units, read deadlines, and
compare the file with the plan it would update. Reads only.

`import_preview` matches every name in the file to a unit or a group (`matching`), reads
every deadline, and compares the file with the plan it would update; `services.plan_import`
writes the preview, all or nothing, or refuses with the problems.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.lib.dates import format_day
from cchc.lib.fields import max_length
from cchc.lib.text import fold
from cchc.orgs.access import access_for
from cchc.orgs.models import Role, Unit

from ..due_text import impossible_day, parse_due_text
from ..models import Area, Plan, PlanStatus, Section, Task
from .matching import NameMatch, UnitIndex, resolve_cell
from .rows import ERROR, WARNING, ParsedPlan, ParsedTask, Problem, UndecidedHeading

if TYPE_CHECKING:
    from django.contrib.auth.models import User

DEFAULT_TITLE = "Kế hoạch cải cách hành chính năm {year}"


# --- preview -----------------------------------------------------------------------------


@dataclass
class TaskRow:
    """One task of the file, resolved: what it would be in the plan."""

    parsed: ParsedTask
    area: Area | None
    lead_unit: Unit | None
    supporting_units: list[Unit]
    due_date: datetime.date | None
    is_recurring: bool

    def values(self) -> dict:
        """The task's fields as compared with a stored task."""
        p = self.parsed
        return {
            "area": self.area.code if self.area else None,
            "section": p.section,
            "code": p.code,
            "title": p.title,
            "lead_unit": self.lead_unit.code if self.lead_unit else None,
            "supporting_units": sorted(u.code for u in self.supporting_units),
            "due_text": p.due_text,
            "deliverable": p.deliverable,
            "notes": p.notes,
            "lead_unit_text": p.lead_text,
            "supporting_units_text": p.supporting_text,
        }


def task_values(task: Task) -> dict:
    return {
        "area": task.area.code,
        "section": task.section.title if task.section else "",
        "code": task.code,
        "title": task.title,
        "lead_unit": task.lead_unit.code,
        "supporting_units": sorted(u.code for u in task.supporting_units.all()),
        "due_text": task.due_text,
        "deliverable": task.deliverable,
        "notes": task.notes,
        "lead_unit_text": task.lead_unit_text,
        "supporting_units_text": task.supporting_units_text,
    }


FIELD_NAMES = {
    "area": gettext_lazy("lĩnh vực"),
    "section": gettext_lazy("mục"),
    "code": gettext_lazy("số thứ tự"),
    "title": gettext_lazy("nội dung"),
    "lead_unit": gettext_lazy("cơ quan chủ trì"),
    "supporting_units": gettext_lazy("cơ quan phối hợp"),
    "due_text": gettext_lazy("thời gian hoàn thành"),
    "deliverable": gettext_lazy("sản phẩm"),
    "notes": gettext_lazy("ghi chú"),
    "lead_unit_text": gettext_lazy("cơ quan chủ trì (như văn bản)"),
    "supporting_units_text": gettext_lazy("cơ quan phối hợp (như văn bản)"),
    "purpose": gettext_lazy("mục đích"),
    "requirements": gettext_lazy("yêu cầu"),
    "implementation": gettext_lazy("tổ chức thực hiện"),
    "document_number": gettext_lazy("số, ký hiệu"),
    "issued_on": gettext_lazy("ngày ban hành"),
    "parent": gettext_lazy("kế hoạch cấp trên"),
}


@dataclass
class Change:
    """One difference between the file and the stored plan."""

    kind: str  # "add" | "change" | "remove" | "plan"
    code: str = ""
    title: str = ""
    fields: dict[str, tuple] = field(default_factory=dict)
    task: Task | None = None
    row: TaskRow | None = None

    def __str__(self) -> str:
        label = f"{self.code} {self.title}".strip()
        if self.kind == "add":
            return _("+ Thêm nhiệm vụ %(task)s") % {"task": label}
        if self.kind == "remove":
            return _("- Xóa nhiệm vụ %(task)s") % {"task": label}
        what = "; ".join(
            _("%(field)s: “%(before)s” → “%(after)s”")
            % {"field": FIELD_NAMES.get(k, k), "before": _show(a), "after": _show(b)}
            for k, (a, b) in self.fields.items()
        )
        if self.kind == "plan":
            return _("~ Kế hoạch: %(changes)s") % {"changes": what}
        return _("~ Sửa nhiệm vụ %(task)s: %(changes)s") % {"task": label, "changes": what}


def _show(value) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, datetime.date):
        return format_day(value)
    text = "" if value is None else str(value)
    return text if len(text) <= 80 else text[:79] + "…"


@dataclass
class HeadingChoice:
    """An undecided heading as the preview asks about it: the areas its words point to
    first, then the others; the area the office picked, if any."""

    heading: UndecidedHeading
    area: Area | None
    candidates: list[Area]
    others: list[Area]
    tasks: int  # how many tasks lie under it


@dataclass
class ImportPreview:
    parsed: ParsedPlan
    year: int
    unit: Unit
    title: str
    parent_plan: Plan | None
    rows: list[TaskRow]
    problems: list[Problem]
    names: list[NameMatch]  # distinct names that need the office's decision
    headings: list[HeadingChoice] = field(default_factory=list)  # areas to pick
    target: Plan | None = None  # the plan the file updates (or already is)
    changes: list[Change] = field(default_factory=list)
    plan_fields: dict = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def unchanged(self) -> bool:
        """The file is already this plan: importing it again changes nothing."""
        return self.target is not None and not self.changes


def _require_office(actor: User | None, unit: Unit) -> None:
    if actor is not None and not access_for(actor).covers(unit.path, Role.OFFICE):
        raise PermissionDenied(_("Chỉ Văn phòng của cơ quan ban hành được nhập kế hoạch."))


def import_preview(
    *,
    actor: User | None,
    parsed: ParsedPlan,
    year: int,
    unit: Unit,
    title: str | None = None,
    parent_plan: Plan | None = None,
    resolutions: dict[str, Unit] | None = None,
    update_plan: Plan | None = None,
    heading_areas: dict[int, int] | None = None,
) -> ImportPreview:
    """What importing `parsed` would do, with every problem; writes nothing.

    `resolutions` maps names as written to units, for names the office resolved without
    saving an alias; `heading_areas` maps undecided headings (by number) to the area code
    the office picked for them. With `update_plan`, `changes` lists what the file changes
    in it; without, `target` is an existing plan of the same year, unit and title, if any."""
    _require_office(actor, unit)
    title = (title or parsed.title or DEFAULT_TITLE.format(year=year)).strip()
    index = UnitIndex(unit, resolutions)
    areas = {a.code: a for a in Area.objects.order_by("code")}
    parsed, headings = _decide_headings(parsed, areas, heading_areas or {})
    problems = list(parsed.problems) + [_undecided(h) for h in headings if h.area is None]
    rows: list[TaskRow] = []
    seen: set = set()
    for task in parsed.tasks:
        lead = resolve_cell(task.lead_names, index, problems, seen)
        supporting = resolve_cell(task.supporting_names, index, problems, seen)
        row = TaskRow(
            parsed=task,
            area=areas.get(task.area_code) if task.area_code else None,
            lead_unit=None,
            supporting_units=[],
            due_date=None,
            is_recurring=False,
        )
        extra: list[Unit] = []
        if lead and all(m.ok for m in lead):
            first = lead[0]
            row.lead_unit = unit if first.group else first.units[0]
            extra = [u for m in lead for u in m.units]
            if len(lead) > 1 or first.group:
                lead_name = row.lead_unit.name
                if first.group:
                    message = _(
                        "Ô ghi nhóm cơ quan chủ trì (“%(text)s”): %(unit)s được ghi là chủ trì, "
                        "các đơn vị còn lại là phối hợp."
                    )
                else:
                    message = _(
                        "Ô ghi nhiều cơ quan chủ trì (“%(text)s”): %(unit)s được ghi là chủ trì, "
                        "các đơn vị còn lại là phối hợp."
                    )
                problems.append(
                    Problem(
                        message % {"text": task.lead_text, "unit": lead_name},
                        sheet=task.lead_names[0].sheet,
                        row=task.lead_names[0].row,
                        column=task.lead_names[0].column,
                        header=task.lead_names[0].header,
                        severity=WARNING,
                    )
                )
        chosen: dict[int, Unit] = {}
        for u in extra + [u for m in supporting if m.ok for u in m.units]:
            if row.lead_unit is None or u.pk != row.lead_unit.pk:
                chosen.setdefault(u.pk, u)
        row.supporting_units = sorted(chosen.values(), key=lambda u: u.path)
        due = parse_due_text(task.due_text, year)
        row.due_date, row.is_recurring = due.due_date, due.is_recurring
        _check_due_day(task, year, problems)
        rows.append(row)
    _check_lengths(parsed, title, problems)
    names: dict[str, NameMatch] = {}
    for p in problems:
        if p.kind in ("unit", "group") and p.name:
            match = index.match(p.name)
            names.setdefault(match.key, match)
    preview = ImportPreview(
        parsed=parsed,
        year=year,
        unit=unit,
        title=title,
        parent_plan=parent_plan,
        rows=rows,
        problems=problems,
        names=list(names.values()),
        headings=headings,
    )
    preview.plan_fields = {
        k: v
        for k, v in {
            "document_number": parsed.document_number,
            "issued_on": parsed.issued_on,
            "purpose": parsed.purpose,
            "requirements": parsed.requirements,
            "implementation": parsed.implementation,
        }.items()
        if v
    }
    if update_plan is not None:
        _check_update_target(update_plan, unit, problems)
        preview.target = update_plan
    else:
        preview.target = (
            Plan.objects.filter(year=year, issuing_unit=unit, title=title).order_by("id").first()
        )
    if preview.target is not None and not preview.errors:
        preview.changes = _compare(preview.target, preview)
        if update_plan is None and preview.changes:
            problems.append(
                Problem(
                    _(
                        "Đã có kế hoạch “%(title)s” năm %(year)s của %(unit)s (#%(pk)s) với nội "
                        "dung khác tệp này. Chọn “cập nhật kế hoạch” (lệnh: --update %(pk)s) để "
                        "áp dụng thay đổi, hoặc đặt tên khác."
                    )
                    % {"title": title, "year": year, "unit": unit.name, "pk": preview.target.pk}
                )
            )
    return preview


def _decide_headings(
    parsed: ParsedPlan, areas: dict[int, Area], picked: dict[int, int]
) -> tuple[ParsedPlan, list[HeadingChoice]]:
    """The file with the areas the office picked for its undecided headings, and what the
    preview asks of each heading that has tasks or sub-headings under it."""
    choices = []
    for heading in parsed.open_headings():
        area = areas.get(picked.get(heading.number, 0))
        candidates = [areas[c] for c in heading.candidates if c in areas]
        others = [a for a in areas.values() if a not in candidates]
        tasks = sum(1 for t in parsed.tasks if t.heading == heading.number)
        choices.append(HeadingChoice(heading, area, candidates, others, tasks))
    decided = {c.heading.number: c.area.code for c in choices if c.area is not None}
    return parsed.with_areas(decided), choices


def _undecided(choice: HeadingChoice) -> Problem:
    heading = choice.heading
    names = ", ".join(str(c) for c in heading.candidates) or _("không lĩnh vực nào")
    return Problem(
        _(
            "Tiêu đề “%(title)s” không cho biết thuộc lĩnh vực nào (khớp: %(areas)s): chọn "
            "lĩnh vực cho các nhiệm vụ dưới tiêu đề này, hoặc sửa tiêu đề theo tên một trong "
            "bảy lĩnh vực cải cách hành chính."
        )
        % {"title": heading.text, "areas": names},
        sheet=heading.sheet,
        row=heading.row,
        column=heading.column,
        header=heading.header,
        kind="heading",
        name=str(heading.number),
    )


def _check_due_day(task: ParsedTask, year: int, problems: list[Problem]) -> None:
    """A day that does not exist would be read as "no specific date" without a word."""
    day = impossible_day(task.due_text, year)
    if day:
        problems.append(
            Problem(
                _(
                    "Thời gian hoàn thành “%(text)s” ghi ngày %(day)s, là ngày không có thật: "
                    "sửa ngày trong tệp."
                )
                % {"text": task.due_text, "day": day},
                **task.due_where,
            )
        )


def _check_lengths(parsed: ParsedPlan, title: str, problems: list[Problem]) -> None:
    """Values longer than their column would fail at the database, after other writes."""
    limits = {
        "code": (max_length(Task, "code"), _("STT")),
        "due_text": (max_length(Task, "due_text"), _("Thời gian hoàn thành")),
        "section": (max_length(Section, "title"), _("Tiêu đề mục")),
    }
    for task in parsed.tasks:
        for name, (limit, label) in limits.items():
            value = getattr(task, name)
            if len(value) > limit:
                problems.append(
                    Problem(
                        _("%(label)s dài %(length)d ký tự, quá %(limit)d ký tự: “%(start)s…”.")
                        % {
                            "label": label,
                            "length": len(value),
                            "limit": limit,
                            "start": value[:40],
                        },
                        sheet=task.sheet,
                        row=task.row,
                    )
                )
    if len(title) > max_length(Plan, "title"):
        problems.append(Problem(_("Tên kế hoạch quá 500 ký tự.")))
    limit = max_length(Plan, "document_number")
    if len(parsed.document_number) > limit:
        problems.append(
            Problem(
                _("Số, ký hiệu “%(number)s” quá %(limit)d ký tự.")
                % {"number": parsed.document_number, "limit": limit}
            )
        )


def _check_update_target(plan: Plan, unit: Unit, problems: list[Problem]) -> None:
    if plan.issuing_unit_id != unit.pk:
        problems.append(
            Problem(
                _("Kế hoạch #%(pk)s không phải của %(unit)s: không cập nhật được.")
                % {"pk": plan.pk, "unit": unit.name}
            )
        )
    elif plan.status != PlanStatus.DRAFT:
        problems.append(
            Problem(
                _("Kế hoạch #%(pk)s đã ban hành: chỉ cập nhật được kế hoạch đang dự thảo.")
                % {"pk": plan.pk}
            )
        )


# --- comparing the file with a stored plan ------------------------------------------------


def _pair(tasks: list[Task], rows: list[TaskRow]) -> list[tuple[Task | None, TaskRow | None]]:
    """Match stored tasks and file rows by code and title: both equal first, then the same
    title (renumbered), then the same code (reworded); the rest are added or removed."""
    left = list(tasks)
    right = list(rows)
    pairs: list[tuple[Task | None, TaskRow | None]] = []

    def take(key_task, key_row) -> None:
        index: dict = defaultdict(list)
        for t in left:
            key = key_task(t)
            if key:
                index[key].append(t)
        for r in list(right):
            key = key_row(r)
            candidates = index.get(key) if key else None
            if candidates:
                t = candidates.pop(0)
                left.remove(t)
                right.remove(r)
                pairs.append((t, r))

    take(
        lambda t: (t.area.code, t.code, fold(t.title)),
        lambda r: (r.parsed.area_code, r.parsed.code, fold(r.parsed.title)),
    )
    take(lambda t: (t.code, fold(t.title)), lambda r: (r.parsed.code, fold(r.parsed.title)))
    take(lambda t: fold(t.title), lambda r: fold(r.parsed.title))
    take(
        lambda t: (t.area.code, t.code) if t.code else None,
        lambda r: (r.parsed.area_code, r.parsed.code) if r.parsed.code else None,
    )
    pairs += [(t, None) for t in left]
    pairs += [(None, r) for r in right]
    return pairs


def _stored_tasks(plan: Plan) -> list[Task]:
    return list(
        plan.tasks.select_related("area", "section", "lead_unit")
        .prefetch_related("supporting_units")
        .order_by("order", "id")
    )


def _compare(plan: Plan, preview: ImportPreview) -> list[Change]:
    changes: list[Change] = []
    plan_diff = {
        k: (getattr(plan, k), v) for k, v in preview.plan_fields.items() if getattr(plan, k) != v
    }
    if preview.parent_plan is not None and plan.parent_id != preview.parent_plan.pk:
        plan_diff["parent"] = (plan.parent_id, preview.parent_plan.pk)
    if plan_diff:
        changes.append(Change("plan", fields=plan_diff))
    for task, row in _pair(_stored_tasks(plan), preview.rows):
        if row is None:  # then a task: _pair never pairs nothing with nothing
            changes.append(Change("remove", task.code, task.title, task=task))  # type: ignore[union-attr]
        elif task is None:
            changes.append(Change("add", row.parsed.code, row.parsed.title, row=row))
        else:
            before, after = task_values(task), row.values()
            fields = {k: (before[k], after[k]) for k in after if before[k] != after[k]}
            if fields:
                changes.append(
                    Change("change", task.code, task.title, fields=fields, task=task, row=row)
                )
            elif task.order != row.parsed.order:
                # Only moved: applied without being listed.
                changes.append(Change("move", task.code, task.title, task=task, row=row))
    return changes
