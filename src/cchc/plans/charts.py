"""The dashboard's figures by area and by unit, as rows that its tables and its charts both
read: one set of numbers, each with the link to the tasks behind it.

The tables render the rows; the charts get `chart_json()` of the same rows, so a bar can
never say other than its table. Links carry the day the figures are for (`as_of`).
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from .models import ReviewState
from .timeliness import Timeliness

CATEGORIES = [code for code, __ in Timeliness.choices]


class _Links:
    """Links to a list (the task list, the dashboard) filtered by the non-empty params (as
    the template tag url_with), for a page's many cells from one reverse()."""

    def __init__(self, url: str):
        self.url = url

    def __call__(self, **params) -> str:
        query = {k: v for k, v in params.items() if v not in (None, "")}
        return f"{self.url}?{urlencode(query)}" if query else self.url


@dataclass
class Cell:
    code: str
    count: int
    link: str


@dataclass
class FigureRow:
    """One area's or one unit's row: every task, each timeliness category, progress."""

    label: str
    total: int
    link: str  # the tasks of the row, every category (cancelled ones too)
    progress: float | None
    cells: list[Cell]
    cancelled: Cell
    confirmed: Cell  # of the tasks done, those the office confirmed
    unit_link: str = ""  # the dashboard of the unit's branch
    direct: bool = False  # the root unit's own tasks
    name: str = ""  # the area's or unit's name alone


def _row(label: str, figures: dict, filters: dict, as_of: str, links: _Links, **extra) -> FigureRow:
    counts = figures["by_timeliness"]

    def cell(code: str) -> Cell:
        return Cell(code, counts.get(code, 0), links(**filters, timeliness=code, as_of=as_of))

    return FigureRow(
        label=label,
        total=figures["n"],
        link=links(**filters, as_of=as_of),
        progress=figures["progress"] if figures["n"] else None,
        cells=[cell(code) for code in CATEGORIES],
        cancelled=cell(Timeliness.CANCELLED),
        confirmed=Cell(
            ReviewState.CONFIRMED,
            figures.get("confirmed", 0),
            links(**filters, review=ReviewState.CONFIRMED, as_of=as_of),
        ),
        **extra,
    )


def area_rows(*, areas: list[dict], plan: int, unit: int | None, as_of: str) -> list[FigureRow]:
    """Rows of `selectors.all_areas`: the tasks of each area (in the unit's branch, if one)."""
    links = _Links(reverse("plans:task-list"))
    return [
        _row(
            f"{a['area__code']}. {a['area__name']}",
            a,
            {"plan": plan, "unit": unit, "area": a["area_id"]},
            as_of,
            links,
            name=a["area__name"],
        )
        for a in areas
    ]


def unit_rows(*, branches: list, plan: int, as_of: str) -> list[FigureRow]:
    """Rows of `selectors.summary_by_branch`: each branch, and the root's own tasks."""
    rows = []
    links, dashboard = _Links(reverse("plans:task-list")), _Links(reverse("plans:dashboard"))
    for b in branches:
        figures = {
            "n": b.n,
            "progress": b.progress,
            "by_timeliness": b.by_timeliness,
            "confirmed": b.confirmed,
        }
        if b.direct:
            # Exactly the root's own tasks: the lead-unit filter, not the whole branch.
            label = _("%(unit)s (trực tiếp chủ trì)") % {"unit": b.name}
            filters = {"plan": plan, "lead_unit": b.unit_id}
            rows.append(_row(label, figures, filters, as_of, links, name=b.name, direct=True))
        else:
            filters = {"plan": plan, "unit": b.unit_id}
            link = dashboard(**filters, as_of=as_of)
            rows.append(_row(b.name, figures, filters, as_of, links, name=b.name, unit_link=link))
    return rows


def chart_json(*, by_area: list[FigureRow], by_unit: list[FigureRow]) -> dict:
    """What the charts draw: the categories (label, Bootstrap colour of the badge), and for
    each chart its rows' labels, counts and links, in the order of `categories`."""

    def series(rows: list[FigureRow]) -> list[dict]:
        return [
            {
                "label": row.label,
                "counts": [c.count for c in row.cells],
                "links": [c.link for c in row.cells],
            }
            for row in rows
        ]

    return {
        "categories": [
            {"code": code, "label": str(label), "colour": Timeliness.colours[code]}
            for code, label in Timeliness.choices
        ],
        "area": series(by_area),
        "unit": series(by_unit),
    }
