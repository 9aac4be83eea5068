"""The task list's rows (plans/partials/task_results.html), written in Python.

The list is the most visited page and shows 50 rows: through the template engine each row
cost about 0.4 ms (some 40 nodes, lookups, filters and tags), more than the page's whole
SQL. Here the same markup costs a few microseconds a row. The markup is the template's,
byte for byte: tests/test_task_rows.py renders both and compares them.
"""

from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext

from cchc.lib.dates import format_day

from .cchc import due_in, progress_bar, review_label, status_label, timeliness_badge, unit_role

register = template.Library()

TITLE_CHARS = 220
PLAN_CHARS = 60


def _cut(text: str, chars: int) -> str:
    """The `truncatechars` filter: Truncator counts characters as it does, but a text no
    longer than the limit in code points is never cut, so most rows skip it."""
    return text if len(text) <= chars else Truncator(text).chars(chars)


# A task id no real task has, reversed once a page and replaced by each row's id.
_MARK = 987654321987654321


def _urls(name: str):
    """reverse(name, args=[pk]) for any pk, from one reverse()."""
    head, tail = escape(reverse(name, args=[_MARK])).split(str(_MARK))
    return lambda pk: f"{head}{int(pk)}{tail}"


@register.simple_tag
def task_rows(tasks, *, today, can_bulk=False, mine=False, plan_chosen=None, several_plans=False):
    """The <tr>s of the task list for these tasks: with a checkbox for bulk actions
    (`can_bulk`), the unit's role and an update button on the user's own list (`mine`),
    the plan under each title unless the list is of one plan (`plan_chosen`), and a
    heading row where the plan changes (`several_plans`)."""
    # Words shown on every row: translated once a page.
    choose = gettext("Chọn nhiệm vụ %(code)s")
    lead_label = escape(gettext("Chủ trì"))
    due_label = escape(gettext("Thời hạn"))
    update_label = escape(gettext("Cập nhật"))
    detail_url, update_url = _urls("plans:task-detail"), _urls("plans:task-update")
    # A page's rows share a few statuses, categories and percentages: each built once.
    bars = _Memo(progress_bar)
    badges = _Memo(timeliness_badge)
    statuses = _Memo(lambda code: escape(status_label(code)))
    reviews = _Memo(lambda code: escape(review_label(code)))
    parts: list[str] = []
    last_plan = object()
    for task in tasks:
        parts.append("\n      ")
        if several_plans and task.plan_id != last_plan:
            last_plan = task.plan_id
            parts.append(_plan_heading(task.plan))
        parts.append("\n      <tr>\n        ")
        if can_bulk:
            label = choose % {"code": escape(str(task.code))}
            parts.append(
                '<td class="col-check"><input class="form-check-input" type="checkbox" '
                f'name="ids" value="{task.pk}" aria-label="{label}"></td>'
            )
        parts.append(
            f'\n        <td class="col-code">{escape(str(task.code))}</td>\n'
            '        <td class="task-title">\n'
            f'          <a href="{detail_url(task.pk)}">'
            f"{escape(_cut(task.title, TITLE_CHARS))}</a>\n          "
        )
        if mine:
            parts.append(f'<div class="mt-1">{unit_role(getattr(task, "unit_role", ""))}</div>')
        elif not plan_chosen:
            plan = task.plan
            name = _cut(plan.document_number or plan.title, PLAN_CHARS)
            parts.append(f'<div class="small text-body-secondary">{escape(name)}</div>')
        parts.append(
            "\n        </td>\n"
            f'        <td class="col-unit" data-label="{lead_label}">'
            f"{escape(str(task.lead_unit))}</td>\n"
            f'        <td class="col-due" data-label="{due_label}">{_due(task, today)}</td>\n'
            f'        <td class="col-status">{_status(task, statuses, reviews)}</td>\n'
            f'        <td class="col-progress">{bars(task.state_progress)}</td>\n'
            f'        <td class="col-timeliness">{badges(task.timeliness)}</td>\n'
            "        "
        )
        if mine:
            parts.append(_update_cell(task, update_label, update_url))
        parts.append("\n      </tr>\n    ")
    # Safe: every value from the database is escaped above; the tags' parts are safe HTML.
    return mark_safe("".join(parts))  # noqa: S308  # nosec


def _plan_heading(plan) -> str:
    number = (
        f' <span class="fw-normal text-body-secondary">({escape(plan.document_number)})</span>'
        if plan.document_number
        else ""
    )
    return (
        '\n      <tr class="plan-group"><th colspan="9" scope="colgroup">'
        '<i class="bi bi-journal-text" aria-hidden="true"></i> '
        f"{escape(plan.title)}{number}</th></tr>\n      "
    )


def _due(task, today) -> str:
    text = escape(task.state_due_text) if task.state_due_text else "—"
    if task.state_due_date:
        day = format_day(task.state_due_date)
        text += f' <div class="small text-body-secondary">{day}</div>'
    due = due_in(task.state_due_date, today, task.timeliness)
    if due:
        text += f" <div>{due}</div>"
    return text


def _status(task, statuses, reviews) -> str:
    text = statuses(task.state_status)
    review = getattr(task, "review_state", None)
    if review:
        text += (
            ' <div><span class="badge text-bg-light border text-wrap">'
            f"{reviews(review)}</span></div>"
        )
    return text


def _update_cell(task, label: str, update_url) -> str:
    button = ""
    if task.plan.status == "issued":
        button = (
            '<a class="btn btn-sm btn-outline-primary text-nowrap" '
            f'href="{update_url(task.pk)}"><i class="bi bi-pencil-square" '
            f'aria-hidden="true"></i> {label}</a>'
        )
    return f'<td class="col-action d-print-none">{button}</td>'


class _Memo:
    """A function's answers kept for one page."""

    def __init__(self, function):
        self.function = function
        self.answers: dict = {}

    def __call__(self, value):
        try:
            return self.answers[value]
        except KeyError:
            answer = self.answers[value] = self.function(value)
            return answer
