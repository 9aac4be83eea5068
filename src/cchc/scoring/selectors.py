"""Reads of the criteria sets, scoped to the user (permissions.visible_q); the set's page
reads its whole tree in one query, however large."""

import tempfile
from dataclasses import dataclass
from decimal import Decimal
from typing import IO

from django.db.models import QuerySet
from django.http import Http404
from django.utils.text import slugify

from cchc.documents.criteria import criteria_xlsx
from cchc.oversight.selectors import office_unit

from . import tree
from .models import CriteriaSet, Criterion, Method
from .permissions import can_manage, visible_q
from .transfer import export_row

__all__ = ["office_unit"]


def criteria_set_list(*, user) -> QuerySet[CriteriaSet]:
    return CriteriaSet.objects.filter(visible_q(user)).select_related("unit")


def criteria_set_get(*, user, pk: int) -> CriteriaSet:
    found = CriteriaSet.objects.filter(visible_q(user), pk=pk).select_related("unit").first()
    if found is None:
        raise Http404
    return found


def criterion_get(*, user, pk: int) -> Criterion:
    found = (
        Criterion.objects.filter(pk=pk)
        .select_related("criteria_set__unit")
        .filter(criteria_set__in=CriteriaSet.objects.filter(visible_q(user)))
        .first()
    )
    if found is None:
        raise Http404
    return found


@dataclass
class Node:
    criterion: Criterion
    depth: int
    children_sum: Decimal | None  # None for a leaf

    @property
    def sum_matches(self) -> bool:
        return self.children_sum is None or self.children_sum == self.criterion.max_points


@dataclass
class SetPage:
    criteria_set: CriteriaSet
    nodes: list[Node]
    total: Decimal
    problems: list[str]
    can_manage: bool

    @property
    def can_edit(self) -> bool:
        return self.can_manage and self.criteria_set.is_draft

    @property
    def has_survey(self) -> bool:
        """Has the set criteria scored by a survey, whose points the office enters?"""
        return any(n.criterion.method == Method.SURVEY for n in self.nodes)


def set_page(*, user, criteria_set: CriteriaSet) -> SetPage:
    """The tree in code order, each parent with its children's sum, and the tree's problems."""
    rows = sorted(criteria_set.criteria.all(), key=lambda c: tree.code_key(c.code))
    sums: dict[str, Decimal] = {}
    for c in rows:
        parent = tree.parent_code(c.code)
        if parent:
            sums[parent] = sums.get(parent, Decimal("0")) + c.max_points
    nodes = [Node(c, tree.code_depth(c.code), sums.get(c.code)) for c in rows]
    total = sum((c.max_points for c in rows if "." not in c.code), Decimal("0"))
    problems = [p.message for p in tree.validate_nodes(rows)] if rows else []
    return SetPage(criteria_set, nodes, total, problems, can_manage(user, criteria_set.unit))


def set_workbook(*, user, pk: int) -> tuple[IO[bytes], str]:
    """The set as XLSX in a temporary file read from its start (the caller closes it), and
    its ASCII file name."""
    criteria_set = criteria_set_get(user=user, pk=pk)
    rows = sorted(criteria_set.criteria.all(), key=lambda c: tree.code_key(c.code))
    out = tempfile.TemporaryFile()  # noqa: SIM115 (the caller closes it)
    try:
        criteria_xlsx(criteria_set.title, (export_row(c) for c in rows), out)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    name = slugify(f"bo-tieu-chi-{criteria_set.year}-{criteria_set.unit.code}") or "bo-tieu-chi"
    return out, f"{name}-{criteria_set.pk}.xlsx"
