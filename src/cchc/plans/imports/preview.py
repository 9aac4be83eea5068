"""Turn a parsed plan file into a plan: match names to units, preview, then write.

`import_preview` reads only: it matches every name in the file to a unit or a group, reads
every deadline, and compares the file with the plan it would update. `plan_import` writes
the preview, all or nothing, through `plans.services`, or refuses with the problems.

How names are matched (never guessed):
  - a name the office resolved in the preview (an alias) means that unit;
  - else a unit whose code, name or short name is the name, ignoring case and diacritics;
    if several match, the one within the issuing unit's branch, if exactly one is;
  - "Phòng Tài chính/TCCT" is the unit of that name below that parent;
  - collective words ("Các cơ quan, đơn vị") mean the group the issuing unit defined;
  - anything else, or a name that still fits several units, is a problem to resolve.
A lead cell names one unit; when it names several, the first leads and the others support
(shown as a warning); when it names a group, the issuing unit leads and the group supports.
"""

from __future__ import annotations

import datetime
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from functools import reduce
from operator import or_

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.audit.services import audit_record
from cchc.lib.dates import format_day
from cchc.lib.text import fold
from cchc.orgs.access import access_for
from cchc.orgs.models import Role, Unit, UnitAlias, UnitGroup, name_key
from cchc.orgs.services import unit_group_members

from . import services
from .due_text import parse_due_text
from .importer import (
    ERROR,
    WARNING,
    ParsedPlan,
    ParsedTask,
    Problem,
    UnitName,
    is_collective,
)
from .models import Area, Plan, PlanStatus, Section, Task

DEFAULT_TITLE = "Kế hoạch cải cách hành chính năm {year}"


class ImportRefused(ValidationError):
    """The file cannot be imported as it is; `problems` says why, and where."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__([str(p) for p in problems])


# --- matching names ----------------------------------------------------------------------


@dataclass
class NameMatch:
    """What one name written in the file stands for."""

    name: str  # as first written
    key: str
    units: list[Unit] = field(default_factory=list)
    group: UnitGroup | None = None
    candidates: list[Unit] = field(default_factory=list)  # when several units fit
    kind: str = ""  # "unit" | "group" when unresolved
    message: str = ""

    @property
    def ok(self) -> bool:
        return not self.message


class UnitIndex:
    """Every active unit by code, name, short name and alias, read once per import."""

    def __init__(self, issuing_unit: Unit, resolutions: dict[str, Unit] | None = None):
        self.issuing_unit = issuing_unit
        self.by_key: dict[str, list[Unit]] = defaultdict(list)
        for unit in Unit.objects.filter(is_active=True).only(
            "id", "code", "name", "short_name", "parent_id", "path"
        ):
            for text in {unit.code, unit.name, unit.short_name}:
                key = name_key(text)
                if key and unit not in self.by_key[key]:
                    self.by_key[key].append(unit)
        self.aliases = {
            a.folded: a.unit
            for a in UnitAlias.objects.select_related("unit").filter(unit__is_active=True)
        }
        self.resolutions = {name_key(k): u for k, u in (resolutions or {}).items()}
        self.groups = {
            g.folded: g
            for g in UnitGroup.objects.filter(owner=issuing_unit).select_related("owner")
        }
        self._members: dict[int, list[Unit]] = {}
        self._cache: dict[str, NameMatch] = {}

    def _exact(self, key: str) -> list[Unit]:
        if key in self.resolutions:
            return [self.resolutions[key]]
        if key in self.aliases:
            return [self.aliases[key]]
        return list(self.by_key.get(key, []))

    def _units(self, text: str) -> list[Unit]:
        found = self._exact(name_key(text))
        if not found and "/" in text:
            child, parent = (p.strip() for p in text.rsplit("/", 1))
            parents = self._exact(name_key(parent))
            # Every unit of the child's name, not only the one a resolution picked.
            key = name_key(child)
            named = list(self.by_key.get(key, [])) + (
                [self.aliases[key]] if key in self.aliases else []
            )
            found = [
                u for u in named if any(u.path.startswith(p.path) and u.pk != p.pk for p in parents)
            ]
        if len(found) > 1:
            branch = [u for u in found if u.path.startswith(self.issuing_unit.path)]
            if len(branch) == 1:
                return branch
        return found

    def known(self, text: str) -> bool:
        """Is this exact name a unit, alias, resolution or group (no "X/Parent" search)?"""
        key = name_key(text)
        return bool(self._exact(key)) or key in self.groups

    def members(self, group: UnitGroup) -> list[Unit]:
        if group.pk not in self._members:
            self._members[group.pk] = unit_group_members(group)
        return self._members[group.pk]

    def match(self, text: str) -> NameMatch:
        key = name_key(text)
        if key in self._cache:
            return self._cache[key]
        result = NameMatch(name=text, key=key)
        units = self._units(text) if key not in self.groups else []
        if key in self.groups and key not in self.resolutions and key not in self.aliases:
            result.group = self.groups[key]
            result.units = self.members(result.group)
        elif len(units) == 1:
            result.units = units
        elif units:
            result.kind = "unit"
            result.candidates = sorted(units, key=lambda u: u.path)
            names = "; ".join(f"{u.name} ({u.code})" for u in result.candidates)
            result.message = _("“%(name)s” khớp với nhiều đơn vị: %(units)s. Chọn một đơn vị.") % {
                "name": text,
                "units": names,
            }
        elif is_collective(text):
            result.kind = "group"
            result.message = _(
                "Cụm từ “%(words)s” chỉ một nhóm đơn vị chưa được định nghĩa cho %(unit)s: "
                "định nghĩa nhóm (tất cả đơn vị trực thuộc hoặc danh sách chọn) rồi nhập lại."
            ) % {"words": text, "unit": self.issuing_unit.name}
        else:
            result.kind = "unit"
            result.message = _(
                "Không tìm thấy đơn vị “%(name)s” (theo mã, tên, tên viết tắt hay tên gọi "
                "khác): chọn đơn vị tương ứng để lưu thành tên gọi khác."
            ) % {"name": text}
        self._cache[key] = result
        return result


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
        "section": task.section.title if task.section_id else "",
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
class ImportPreview:
    parsed: ParsedPlan
    year: int
    unit: Unit
    title: str
    parent_plan: Plan | None
    rows: list[TaskRow]
    problems: list[Problem]
    names: list[NameMatch]  # distinct names that need the office's decision
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


def _require_office(actor, unit: Unit) -> None:
    if actor is not None and not access_for(actor).covers(unit.path, Role.OFFICE):
        raise PermissionDenied(_("Chỉ Văn phòng của cơ quan ban hành được nhập kế hoạch."))


def _rejoin(names: list[UnitName], index: UnitIndex) -> list[UnitName]:
    """Put back together names the splitter cut at a comma or "và" that belongs to the name
    ("Phòng Tuyên truyền và Đào tạo"): the longest run of pieces from one cell that is a
    known unit, alias or group wins."""
    out: list[UnitName] = []
    i = 0
    while i < len(names):
        taken = 1
        first = names[i]
        for j in range(len(names), i + 1, -1):
            run = names[i:j]
            if any(
                (n.sheet, n.row, n.column) != (first.sheet, first.row, first.column) for n in run
            ):
                continue
            for joiner in (" và ", ", "):
                text = joiner.join(n.text for n in run)
                if index.known(text):
                    out.append(UnitName(text, first.sheet, first.row, first.column, first.header))
                    taken = j - i
                    break
            if taken > 1:
                break
        if taken == 1:
            out.append(first)
        i += taken
    return out


def _resolve_cell(
    names: list[UnitName], index: UnitIndex, problems: list[Problem], seen: set
) -> list[NameMatch]:
    matches = []
    for name in _rejoin(names, index):
        found = index.match(name.text)
        if not found.ok:
            spot = (found.key, name.sheet, name.row, name.column)
            if spot not in seen:
                seen.add(spot)
                problems.append(
                    Problem(
                        found.message,
                        sheet=name.sheet,
                        row=name.row,
                        column=name.column,
                        header=name.header,
                        kind=found.kind,
                        name=found.name,
                    )
                )
        matches.append(found)
    return matches


def import_preview(
    *,
    actor,
    parsed: ParsedPlan,
    year: int,
    unit: Unit,
    title: str | None = None,
    parent_plan: Plan | None = None,
    resolutions: dict[str, Unit] | None = None,
    update_plan: Plan | None = None,
) -> ImportPreview:
    """What importing `parsed` would do, with every problem; writes nothing.

    `resolutions` maps names as written to units, for names the office resolved without
    saving an alias. With `update_plan`, `changes` lists what the file changes in it;
    without, `target` is an existing plan of the same year, unit and title, if any."""
    _require_office(actor, unit)
    problems = list(parsed.problems)
    title = (title or parsed.title or DEFAULT_TITLE.format(year=year)).strip()
    index = UnitIndex(unit, resolutions)
    areas = {a.code: a for a in Area.objects.all()}
    rows: list[TaskRow] = []
    seen: set = set()
    for task in parsed.tasks:
        lead = _resolve_cell(task.lead_names, index, problems, seen)
        supporting = _resolve_cell(task.supporting_names, index, problems, seen)
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
        rows.append(row)
    _check_lengths(parsed, title, problems)
    names = {}
    for p in problems:
        if p.kind and p.name:
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
                        "Đã có kế hoạch “%(title)s” năm %(year)s của %(unit)s (số %(pk)s) với nội "
                        "dung khác tệp này. Chọn “cập nhật kế hoạch” (lệnh: --update %(pk)s) để "
                        "áp dụng thay đổi, hoặc đặt tên khác."
                    )
                    % {"title": title, "year": year, "unit": unit.name, "pk": preview.target.pk}
                )
            )
    return preview


def _check_lengths(parsed: ParsedPlan, title: str, problems: list[Problem]) -> None:
    """Values longer than their column would fail at the database, after other writes."""
    limits = {
        "code": (Task._meta.get_field("code").max_length, _("STT")),
        "due_text": (Task._meta.get_field("due_text").max_length, _("Thời gian hoàn thành")),
        "section": (Section._meta.get_field("title").max_length, _("Tiêu đề mục")),
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
    if len(title) > Plan._meta.get_field("title").max_length:
        problems.append(Problem(_("Tên kế hoạch quá 500 ký tự.")))
    limit = Plan._meta.get_field("document_number").max_length
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
                _("Kế hoạch số %(pk)s không phải của %(unit)s: không cập nhật được.")
                % {"pk": plan.pk, "unit": unit.name}
            )
        )
    elif plan.status != PlanStatus.DRAFT:
        problems.append(
            Problem(
                _("Kế hoạch số %(pk)s đã ban hành: chỉ cập nhật được kế hoạch đang dự thảo.")
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
        if row is None:
            changes.append(Change("remove", task.code, task.title, task=task))
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

    def __init__(self, actor, plan: Plan):
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


def _spec(sections: _Sections, row: TaskRow) -> services.TaskSpec:
    p = row.parsed
    return services.TaskSpec(
        area=row.area,
        section=sections.get(row.area, p.section),
        code=p.code,
        order=p.order,
        title=p.title,
        lead_unit=row.lead_unit,
        supporting_units=row.supporting_units,
        due_text=p.due_text,
        deliverable=p.deliverable,
        notes=p.notes,
        lead_unit_text=p.lead_text,
        supporting_units_text=p.supporting_text,
    )


def _create_task(actor, plan: Plan, sections: _Sections, row: TaskRow) -> Task:
    spec = _spec(sections, row)
    fields = {f.name: getattr(spec, f.name) for f in dataclass_fields(spec)}
    return services.task_create(actor=actor, plan=plan, **fields)


@transaction.atomic
def plan_import(
    *,
    actor,
    parsed: ParsedPlan,
    year: int,
    unit: Unit,
    title: str | None = None,
    parent_plan: Plan | None = None,
    resolutions: dict[str, Unit] | None = None,
    update_plan: Plan | None = None,
) -> ImportResult:
    """Write the file as a new draft plan, or apply it to `update_plan` (a draft).

    All or nothing: any problem raises `ImportRefused` and nothing is written. Importing a
    file that is already the stored plan changes nothing and returns `created=False`."""
    if update_plan is not None:
        update_plan = Plan.objects.select_for_update().get(pk=update_plan.pk)
    preview = import_preview(
        actor=actor,
        parsed=parsed,
        year=year,
        unit=unit,
        title=title,
        parent_plan=parent_plan,
        resolutions=resolutions,
        update_plan=update_plan,
    )
    if preview.errors:
        raise ImportRefused(preview.errors)
    if preview.target is not None:
        plan = preview.target
        if preview.changes:
            _apply(actor, plan, preview)
        return ImportResult(plan, False, preview.changes, preview)
    plan = services.plan_create(
        actor=actor,
        year=year,
        title=preview.title,
        issuing_unit=unit,
        parent=parent_plan,
        **preview.plan_fields,
    )
    sections = _Sections(actor, plan)
    areas = {a.code: a for a in Area.objects.all()}
    for s in parsed.sections:
        sections.get(areas[s.area_code], s.title)
    services.tasks_create_many(
        actor=actor, plan=plan, specs=[_spec(sections, row) for row in preview.rows]
    )
    audit_record(
        actor=actor,
        action="plan.import",
        obj=plan,
        changes={
            "file": [None, parsed.filename],
            "sha256": [None, parsed.sha256],
            "tasks": [None, len(preview.rows)],
        },
    )
    changes = [Change("add", r.parsed.code, r.parsed.title, row=r) for r in preview.rows]
    return ImportResult(plan, True, changes, preview)


def _apply(actor, plan: Plan, preview: ImportPreview) -> None:
    sections = _Sections(actor, plan)
    for change in preview.changes:
        if change.kind == "plan":
            fields = {k: b for k, (a, b) in change.fields.items() if k != "parent"}
            if "parent" in change.fields:
                fields["parent"] = preview.parent_plan
            services.plan_update(actor=actor, plan=plan, **fields)
        elif change.kind == "remove":
            services.task_delete(actor=actor, task=change.task)
        elif change.kind == "add":
            _create_task(actor, plan, sections, change.row)
        else:
            row, p = change.row, change.row.parsed
            services.task_edit(
                actor=actor,
                task=change.task,
                area=row.area,
                section=sections.get(row.area, p.section),
                code=p.code,
                order=p.order,
                title=p.title,
                lead_unit=row.lead_unit,
                supporting_units=row.supporting_units,
                due_text=p.due_text,
                deliverable=p.deliverable,
                notes=p.notes,
                lead_unit_text=p.lead_text,
                supporting_units_text=p.supporting_text,
            )
    audit_record(
        actor=actor,
        action="plan.import_update",
        obj=plan,
        changes={
            "file": [None, preview.parsed.filename],
            "sha256": [None, preview.parsed.sha256],
            "changes": [None, [str(c) for c in preview.changes if c.kind != "move"]],
        },
    )


# --- the web journey: a file waits between upload and confirmation -------------------------

STAGING_DIR = "imports"


def stage_file(*, actor, name: str, data: bytes) -> str:
    """Keep an uploaded plan file until the office confirms it; returns its storage path.

    Under the configured storage (never a process's memory), so any application process
    can show the preview and write the plan."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils.text import get_valid_filename

    token = secrets.token_urlsafe(12)
    safe = get_valid_filename(fold(name).replace(" ", "-")) or "ke-hoach"
    return default_storage.save(f"{STAGING_DIR}/{actor.pk}/{token}/{safe}", ContentFile(data))


def staged_read(path: str) -> bytes:
    from django.core.files.storage import default_storage

    with default_storage.open(path, "rb") as handle:
        return handle.read()


def staged_discard(path: str) -> None:
    from django.core.files.storage import default_storage

    if path and default_storage.exists(path):
        default_storage.delete(path)


def office_units(*, user) -> list[Unit]:
    """Units whose plans this user may import: those in the scope of their office role."""
    access = access_for(user)
    qs = Unit.objects.filter(is_active=True).only("id", "code", "name", "path")
    if not access.is_superuser:
        paths = access.paths_for(Role.OFFICE)
        if not paths:
            return []
        qs = qs.filter(reduce(or_, (Q(path__startswith=p) for p in paths)))
    return list(qs.order_by("path"))


def unit_choices() -> list[Unit]:
    """Every active unit, in tree order: what a name in a plan may stand for."""
    return list(Unit.objects.filter(is_active=True).only("id", "code", "name", "path"))


def staged_clear(*, older_than: datetime.timedelta) -> int:
    """Remove uploaded plan files left unconfirmed for longer than `older_than` (the office
    closed the preview and never came back); returns how many were removed."""
    from django.core.files.storage import default_storage

    cutoff = timezone.now() - older_than
    removed = 0
    users, __ = (
        default_storage.listdir(STAGING_DIR) if default_storage.exists(STAGING_DIR) else ([], [])
    )
    for user in users:
        tokens, __ = default_storage.listdir(f"{STAGING_DIR}/{user}")
        for token in tokens:
            __, files = default_storage.listdir(f"{STAGING_DIR}/{user}/{token}")
            for name in files:
                path = f"{STAGING_DIR}/{user}/{token}/{name}"
                if default_storage.get_modified_time(path) < cutoff:
                    default_storage.delete(path)
                    removed += 1
    return removed
