"""Every write of the criteria sets: the office of the issuing branch creates a set (empty,
the example, or from XLSX), edits its tree while it is a draft, puts it in use once the
tree holds, and copies it to the next year."""

from collections.abc import Iterable
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cchc.audit.services import audit_record, diff, snapshot
from cchc.orgs.models import Unit
from cchc.plans.models import Area

from . import defaults, tree
from .models import AssessmentStatus, CriteriaSet, Criterion, SetStatus
from .permissions import can_manage
from .transfer import parse_criteria_file

FIELDS = [
    "code",
    "title",
    "guidance",
    "evidence_required",
    "max_points",
    "method",
    "ratio_source",
    "bands",
    "order",
]


def _require_office(actor: User | None, unit: Unit) -> None:
    if actor is not None and not can_manage(actor, unit):
        raise PermissionDenied(
            _("Chỉ Văn phòng của đơn vị ban hành bộ tiêu chí được làm việc này.")
        )


def _require_draft(criteria_set: CriteriaSet) -> None:
    if not criteria_set.is_draft:
        raise ValidationError(
            _(
                "Bộ tiêu chí đang áp dụng hoặc đã kết thúc nên đã khóa: không sửa được. Hãy sao "
                "chép sang năm sau để soạn bộ mới."
            )
        )


def validate_tree(criteria_set: CriteriaSet) -> list[str]:
    """The tree's problems, each naming the code it is about; empty when it may be used."""
    return [p.message for p in tree.validate_nodes(criteria_set.criteria.all())]


def _new_set(unit: Unit, year: int, title: str, **extra: object) -> CriteriaSet:
    criteria_set = CriteriaSet(unit=unit, year=year, title=title.strip(), **extra)
    criteria_set.full_clean(validate_constraints=False)
    same = CriteriaSet.objects.filter(unit=unit, year=year, title=criteria_set.title)
    if same.exists():
        raise ValidationError({"title": _("Đã có bộ tiêu chí cùng tên trong năm này.")})
    try:
        with transaction.atomic():
            criteria_set.save()
    except IntegrityError:  # two offices' clicks at once: the constraint decides
        raise ValidationError({"title": _("Đã có bộ tiêu chí cùng tên trong năm này.")}) from None
    return criteria_set


def _audit_set(actor: User | None, action: str, criteria_set: CriteriaSet, **changes: list) -> None:
    detail = {
        "unit": [None, criteria_set.unit_id],
        "year": [None, criteria_set.year],
        "title": [None, criteria_set.title],
    } | changes
    audit_record(actor=actor, action=action, obj=criteria_set, changes=detail)


@transaction.atomic
def criteria_set_create(
    *, actor: User | None, unit: Unit, year: int, title: str, note: str = ""
) -> CriteriaSet:
    _require_office(actor, unit)
    criteria_set = _new_set(unit, year, title, note=note)
    _audit_set(actor, "criteria_set.create", criteria_set)
    return criteria_set


def _bulk_nodes(criteria_set: CriteriaSet, nodes: Iterable) -> int:
    """Create the nodes (plain objects with Criterion's fields), parents first."""
    made: dict[str, Criterion] = {}
    for order, node in enumerate(sorted(nodes, key=lambda n: tree.code_key(n.code)), 1):
        row = Criterion(
            criteria_set=criteria_set, order=order, parent=made.get(tree.parent_code(node.code))
        )
        for name in FIELDS[:-1]:
            setattr(row, name, getattr(node, name))
        row.save()
        made[row.code] = row
    return len(made)


@transaction.atomic
def criteria_set_create_example(*, actor: User | None, unit: Unit, year: int) -> CriteriaSet:
    """The example set over the plan's seven areas, on 100 points (defaults.py)."""
    _require_office(actor, unit)
    title = _("Bộ tiêu chí mẫu năm %(year)s") % {"year": year}
    criteria_set = _new_set(unit, year, title, is_example=True, note=str(defaults.EXAMPLE_NOTE))
    names = dict(Area.objects.values_list("code", "name"))
    count = _bulk_nodes(criteria_set, defaults.example_specs(names))
    _audit_set(actor, "criteria_set.create_example", criteria_set, criteria=[None, count])
    return criteria_set


@transaction.atomic
def criteria_set_import(
    *, actor: User | None, unit: Unit, year: int, title: str, data: bytes, filename: str
) -> CriteriaSet:
    """A new draft set from an XLSX file; ValidationError listing every problem by row and
    column, and nothing written, when the file is not right."""
    _require_office(actor, unit)
    parsed = parse_criteria_file(data, filename)
    if parsed.problems:
        raise ValidationError({"file": parsed.problems})
    criteria_set = _new_set(unit, year, title)
    count = _bulk_nodes(criteria_set, parsed.rows)
    _audit_set(
        actor,
        "criteria_set.import",
        criteria_set,
        criteria=[None, count],
        file=[None, filename[:200]],
    )
    return criteria_set


@transaction.atomic
def criteria_set_copy(*, actor: User | None, criteria_set: CriteriaSet) -> CriteriaSet:
    """A deep copy of the tree into the next year, as a draft the office adapts."""
    _require_office(actor, criteria_set.unit)
    if criteria_set.year >= 2100:
        raise ValidationError({"year": _("Không thể sao chép sang năm sau năm 2100.")})
    copy = _new_set(
        criteria_set.unit,
        criteria_set.year + 1,
        criteria_set.title,
        is_example=criteria_set.is_example,
        note=criteria_set.note,
    )
    count = _bulk_nodes(copy, list(criteria_set.criteria.all()))
    _audit_set(
        actor, "criteria_set.copy", copy, source=[None, criteria_set.pk], criteria=[None, count]
    )
    return copy


@transaction.atomic
def criteria_set_mark_in_use(*, actor: User | None, criteria_set: CriteriaSet) -> CriteriaSet:
    """Put a draft in use; refused with the tree's problems while it does not hold."""
    _require_office(actor, criteria_set.unit)
    criteria_set = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
    _require_draft(criteria_set)
    problems = validate_tree(criteria_set)
    if problems:
        raise ValidationError(problems)
    return _move(actor, criteria_set, SetStatus.IN_USE, "criteria_set.in_use")


def _move(actor: User | None, criteria_set: CriteriaSet, to: str, action: str) -> CriteriaSet:
    """The set's next status, saved and audited."""
    before, criteria_set.status = criteria_set.status, to
    criteria_set.save(update_fields=["status"])
    audit_record(actor=actor, action=action, obj=criteria_set, changes={"status": [before, to]})
    return criteria_set


def _place(criterion: Criterion) -> None:
    """The parent the code names, or a ValidationError on the code."""
    code = criterion.code
    if tree.code_depth(code) > tree.MAX_DEPTH:
        raise ValidationError({"code": tree.depth_message(code)})
    parent_code = tree.parent_code(code)
    if not parent_code:
        criterion.parent = None
        return
    parent = Criterion.objects.filter(criteria_set=criterion.criteria_set, code=parent_code).first()
    if parent is None:
        raise ValidationError(
            {"code": _("Chưa có tiêu chí cha %(p)s: hãy tạo nó trước.") % {"p": parent_code}}
        )
    criterion.parent = parent


def _save_criterion(criterion: Criterion, values: dict) -> None:
    for name, value in values.items():
        setattr(criterion, name, value)
    if not criterion.order:
        criterion.order = (
            tree.code_key(criterion.code)[-1] if tree.CODE.fullmatch(criterion.code) else 0
        )
    taken = Criterion.objects.filter(criteria_set=criterion.criteria_set, code=criterion.code)
    if taken.exclude(pk=criterion.pk).exists():
        raise ValidationError(
            {"code": _("Mã %(code)s đã có trong bộ tiêu chí.") % {"code": criterion.code}}
        )
    criterion.full_clean(exclude=["parent"], validate_constraints=False)
    _place(criterion)
    criterion.save()


@transaction.atomic
def criterion_create(*, actor: User | None, criteria_set: CriteriaSet, values: dict) -> Criterion:
    _require_office(actor, criteria_set.unit)
    _require_draft(CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk))
    criterion = Criterion(criteria_set=criteria_set, max_points=Decimal("0"))
    _save_criterion(criterion, values)
    audit_record(
        actor=actor,
        action="criterion.create",
        obj=criterion,
        changes={n: [None, getattr(criterion, n)] for n in FIELDS},
    )
    return criterion


@transaction.atomic
def criterion_update(*, actor: User | None, criterion: Criterion, values: dict) -> Criterion:
    _require_office(actor, criterion.criteria_set.unit)
    _require_draft(CriteriaSet.objects.select_for_update().get(pk=criterion.criteria_set_id))
    criterion = Criterion.objects.select_related("criteria_set").get(pk=criterion.pk)
    before = snapshot(criterion, FIELDS)
    if values.get("code", criterion.code) != criterion.code and criterion.children.exists():
        raise ValidationError({"code": _("Tiêu chí có tiêu chí con: không đổi mã được.")})
    _save_criterion(criterion, values)
    changes = diff(criterion, FIELDS, before)
    if changes:
        audit_record(actor=actor, action="criterion.update", obj=criterion, changes=changes)
    return criterion


@transaction.atomic
def criterion_delete(*, actor: User | None, criterion: Criterion) -> None:
    _require_office(actor, criterion.criteria_set.unit)
    _require_draft(CriteriaSet.objects.select_for_update().get(pk=criterion.criteria_set_id))
    if criterion.children.exists():
        raise ValidationError(
            _("Tiêu chí %(code)s có tiêu chí con: hãy xóa các tiêu chí con trước.")
            % {"code": criterion.code}
        )
    audit_record(
        actor=actor,
        action="criterion.delete",
        obj=criterion,
        changes={n: [getattr(criterion, n), None] for n in FIELDS},
    )
    criterion.delete()


# --- the set's own settings: title and note, cut-off and classification, closing -------------

SETTINGS_FIELDS = ["cut_off", "excellent_from", "good_from", "pass_from", "excellent_cap"]


def _locked_set(criteria_set: CriteriaSet) -> CriteriaSet:
    return CriteriaSet.objects.select_for_update().select_related("unit").get(pk=criteria_set.pk)


@transaction.atomic
def criteria_set_update(
    *, actor: User | None, criteria_set: CriteriaSet, title: str, note: str
) -> CriteriaSet:
    """The title and note of a draft (once in use, units and documents name it)."""
    _require_office(actor, criteria_set.unit)
    criteria_set = _locked_set(criteria_set)
    _require_draft(criteria_set)
    before = snapshot(criteria_set, ["title", "note"])
    criteria_set.title, criteria_set.note = title.strip(), note.strip()
    criteria_set.full_clean(validate_constraints=False)
    same = CriteriaSet.objects.filter(
        unit=criteria_set.unit, year=criteria_set.year, title=criteria_set.title
    ).exclude(pk=criteria_set.pk)
    if same.exists():
        raise ValidationError({"title": _("Đã có bộ tiêu chí cùng tên trong năm này.")})
    criteria_set.save(update_fields=["title", "note"])
    changes = diff(criteria_set, ["title", "note"], before)
    if changes:
        audit_record(actor=actor, action="criteria_set.update", obj=criteria_set, changes=changes)
    return criteria_set


@transaction.atomic
def criteria_set_settings_update(
    *, actor: User | None, criteria_set: CriteriaSet, values: dict
) -> CriteriaSet:
    """The cut-off day and the classification (three thresholds in per cent of the set's
    points, descending, and the optional cap on the top grade), while the set is not closed.
    Finalised assessments keep their frozen points; ranks and grades follow the new bands."""
    _require_office(actor, criteria_set.unit)
    criteria_set = _locked_set(criteria_set)
    if criteria_set.status == SetStatus.CLOSED:
        raise ValidationError(_("Bộ tiêu chí đã kết thúc: không thay đổi được nữa."))
    before = snapshot(criteria_set, SETTINGS_FIELDS)
    for name in SETTINGS_FIELDS:
        setattr(criteria_set, name, values[name])
    # Field validators (0..100) and clean() (descending, cut-off within the year).
    criteria_set.full_clean(validate_constraints=False)
    criteria_set.save(update_fields=SETTINGS_FIELDS)
    changes = diff(criteria_set, SETTINGS_FIELDS, before)
    if changes:
        audit_record(actor=actor, action="criteria_set.settings", obj=criteria_set, changes=changes)
    return criteria_set


@transaction.atomic
def criteria_set_close(*, actor: User | None, criteria_set: CriteriaSet) -> CriteriaSet:
    """End the year's scoring: in use → closed, once every assessment is finalised. A closed
    set changes no more (no assessment moves, no setting changes); its results stay."""
    _require_office(actor, criteria_set.unit)
    criteria_set = _locked_set(criteria_set)
    if criteria_set.status != SetStatus.IN_USE:
        raise ValidationError(_("Chỉ kết thúc được bộ tiêu chí đang áp dụng."))
    open_units = list(
        criteria_set.assessments.exclude(status=AssessmentStatus.FINALISED)
        .order_by("unit__path")
        .values_list("unit__name", flat=True)
    )
    if open_units:
        raise ValidationError(
            _("Còn đơn vị chưa chốt kết quả: %(names)s.") % {"names": ", ".join(open_units)}
        )
    return _move(actor, criteria_set, SetStatus.CLOSED, "criteria_set.close")
