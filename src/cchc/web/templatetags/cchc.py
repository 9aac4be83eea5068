"""Template helpers shared by every page: dates, percentages, badges, bars, nav, links.

Colour never carries meaning alone: each badge shows its text (and an icon).
"""

from collections.abc import Iterable
from html import escape as html_escape
from urllib.parse import urlencode

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field
from django.urls import NoReverseMatch, reverse
from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from cchc.lib import dates, numbers, text
from cchc.notifications.selectors import unread_count, unread_nudges
from cchc.orgs.access import access_for
from cchc.orgs.models import Role
from cchc.oversight.inspection_selectors import may_see_any
from cchc.plans import choice
from cchc.plans.models import Plan, PlanStatus, QualityRating, ReviewState, Task, TaskStatus
from cchc.plans.permissions import can_manage_plan
from cchc.plans.queue import LEAD, SUPPORT
from cchc.plans.selectors import plan_menu
from cchc.plans.timeliness import Timeliness

register = template.Library()

TIMELINESS_ICONS = {
    Timeliness.DONE_ON_TIME: "bi-check-circle",
    Timeliness.DONE_LATE: "bi-check2-square",
    Timeliness.OVERDUE: "bi-exclamation-octagon",
    Timeliness.DUE_SOON: "bi-hourglass-split",
    Timeliness.ON_TRACK: "bi-arrow-right-circle",
    Timeliness.RECURRING: "bi-arrow-repeat",
    Timeliness.CANCELLED: "bi-x-circle",
}

ACTION_LABELS = {
    "task.create": _("Tạo nhiệm vụ"),
    "task.update_post": _("Cập nhật tiến độ"),
    "task.set_lead_unit": _("Đổi cơ quan chủ trì"),
    "task.set_due": _("Đổi thời hạn"),
    "evidence.add": _("Thêm tài liệu kiểm chứng"),
    "plan.create": _("Lập kế hoạch"),
    "plan.update": _("Sửa kế hoạch"),
    "plan.issue": _("Ban hành kế hoạch"),
    "plan.import": _("Nhập kế hoạch từ tệp"),
    "plan.import_update": _("Cập nhật kế hoạch từ tệp"),
    "task.create_many": _("Tạo các nhiệm vụ"),
    "task.edit": _("Sửa nhiệm vụ"),
    "task.delete": _("Xóa nhiệm vụ"),
    "task.completion_confirm": _("Xác nhận hoàn thành"),
    "task.completion_return": _("Trả lại kết quả hoàn thành"),
}

CHANGE_LABELS = {
    "supporting_units": _("cơ quan phối hợp"),
    "update": _("lần cập nhật"),
    "task": _("nhiệm vụ"),
    "name": _("tên tệp"),
    "sha256": _("mã băm SHA-256"),
    "effective_on": _("ngày của văn bản"),
    "file": _("tệp"),
    "tasks": _("số nhiệm vụ"),
    "changes": _("thay đổi"),
    "review": _("lần xác nhận"),
    "report": _("báo cáo hoàn thành (lần cập nhật)"),
    "rating": _("đánh giá chất lượng"),
    "attempt": _("lần báo cáo hoàn thành"),
    "comment": _("nhận xét"),
    "reason": _("lý do trả lại"),
}
DATE_KEYS = {"due_date", "completed_on", "effective_on", "issued_on", "reported_on"}


@register.filter
def vndate(value) -> str:
    """dd/mm/yyyy, or an empty string."""
    return dates.format_day(value)


@register.filter
def vndatetime(value) -> str:
    """dd/mm/yyyy HH:MM in the local time zone."""
    return dates.format_day_time(value)


@register.filter
def pct(value, decimals: int = 0) -> str:
    """45 -> "45%", 66.667 with 1 decimal -> "66,7%"; None -> "—"."""
    if value is None or value == "":
        return "—"
    decimals = int(decimals)
    number = round(float(value), decimals)
    if decimals == 0:
        return f"{int(number)}%"
    return f"{formats.number_format(number, decimals)}%"


@register.filter
def rate(value) -> str:
    """A rate in percent as every page and document writes it: 98.62 -> "98,6 %"."""
    return numbers.format_rate(value)


@register.filter
def points(value) -> str:
    """Scoring points: “89,5”, “100”."""
    return numbers.format_points(value)


@register.simple_tag
def completion_rate(done: int, overdue: int) -> str:
    """The Government Office's completion rate from its counts, computed and written as the
    reporting figures and documents do (cut to two decimals, then written once)."""
    return numbers.format_rate(numbers.completion_rate(done or 0, overdue or 0))


@register.filter
def timeliness_label(code: str) -> str:
    return str(Timeliness.labels.get(code, code or ""))


@register.filter
def status_label(code: str) -> str:
    for choices in (TaskStatus, PlanStatus):
        try:
            return str(choices(code).label)
        except ValueError:
            continue
    return code or ""


def review_rating_label(code: str) -> str:
    try:
        return str(QualityRating(code).label)
    except ValueError:
        return str(code)


@register.filter
def review_label(code: str) -> str:
    """The words of a review state (plans.models.ReviewState)."""
    try:
        return str(ReviewState(code).label)
    except ValueError:
        return code or ""


@register.simple_tag
def timeliness_badge(code: str | None):
    """The timeliness as a coloured badge that always carries its words and an icon."""
    if not code:
        return ""
    colour = Timeliness.colours.get(code, "secondary")
    extra = " border" if colour == "light" else ""
    return format_html(
        '<span class="badge text-bg-{}{} timeliness timeliness-{}">'
        '<i class="bi {}" aria-hidden="true"></i> {}</span>',
        colour,
        extra,
        code,
        TIMELINESS_ICONS.get(code, "bi-circle"),
        Timeliness.labels.get(code, code),
    )


DATED_OPEN = {Timeliness.OVERDUE, Timeliness.DUE_SOON, Timeliness.ON_TRACK}


@register.simple_tag
def due_in(due_date, day, code: str | None):
    """“còn 5 ngày”, “hôm nay đến hạn”, “quá 9 ngày”: an open task's deadline counted from
    `day` (the day the figures are for); nothing for a finished or undated task."""
    if due_date is None or day is None or code not in DATED_OPEN:
        return ""
    days = (due_date - day).days
    if days < 0:
        words, colour = _("quá %(n)d ngày") % {"n": -days}, "text-danger"
    elif days == 0:
        words, colour = str(_("hôm nay đến hạn")), "text-danger-emphasis"
    else:
        words = _("còn %(n)d ngày") % {"n": days}
        colour = "text-warning-emphasis" if code == Timeliness.DUE_SOON else "text-body-secondary"
    return format_html('<span class="due-in small fw-semibold {}">{}</span>', colour, words)


@register.simple_tag
def unit_role(role: str | None):
    """Whether the user's unit leads (“Chủ trì”) or supports (“Phối hợp”) a task."""
    if role == LEAD:
        return format_html(
            '<span class="badge text-bg-primary unit-role"><i class="bi bi-flag" '
            'aria-hidden="true"></i> {}</span>',
            _("Chủ trì"),
        )
    if role == SUPPORT:
        return format_html(
            '<span class="badge text-bg-light border unit-role"><i class="bi bi-people" '
            'aria-hidden="true"></i> {}</span>',
            _("Phối hợp"),
        )
    return ""


@register.simple_tag
def progress_bar(value, label: str = "", colour: str = "primary"):
    """A Bootstrap progress bar whose number is always written out beside it."""
    number = max(0, min(100, round(float(value or 0))))
    return format_html(
        '<div class="d-flex align-items-center gap-2 progress-cell">'
        '<div class="progress flex-grow-1" role="progressbar" aria-label="{}" '
        'aria-valuenow="{}" aria-valuemin="0" aria-valuemax="100">'
        '<div class="progress-bar bg-{} w-pct-{}"></div></div>'
        '<span class="progress-number">{}%</span></div>',
        label or _("Tiến độ"),
        number,
        colour,
        number,
        number,
    )


@register.simple_tag
def options(choices: Iterable, selected=None):
    """<option>s for (value, label) pairs, marking `selected` (compared as text)."""
    chosen = "" if selected is None else str(selected)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((v, " selected" if str(v) == chosen else "", lbl) for v, lbl in choices),
    )


@register.simple_tag
def unit_options(units: Iterable, selected=None):
    """<option>s for units in tree order, indented by depth.

    Built as one string: a ministry has thousands of units and format_html per option
    would cost more than the rest of the page.
    """
    units = list(units)
    chosen = "" if selected is None else str(selected)
    top = min((u.path.count("/") for u in units), default=0)
    parts = []
    for u in units:
        mark = " selected" if str(u.pk) == chosen else ""
        indent = "\u00a0\u00a0" * (u.path.count("/") - top)
        parts.append(f'<option value="{int(u.pk)}"{mark}>{indent}{html_escape(u.name)}</option>')
    # Safe: every name is escaped above and every value is an int.
    return mark_safe("".join(parts))  # noqa: S308  # nosec


@register.simple_tag
def url_with(viewname: str, **params) -> str:
    """reverse(viewname) with the non-empty params as a query string."""
    query = {k: v for k, v in params.items() if v not in (None, "", False)}
    url = reverse(viewname)
    return f"{url}?{urlencode(query)}" if query else url


@register.filter
def audit_action(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def _field_label(name: str) -> str:
    if name in CHANGE_LABELS:
        return str(CHANGE_LABELS[name])
    # Tasks and plans share the history table; a plan's own fields are named by the plan.
    for model in (Task, Plan):
        try:
            field = model._meta.get_field(name.removesuffix("_id"))
        except FieldDoesNotExist:
            continue
        if isinstance(field, Field):  # a relation from another model has no label
            return str(field.verbose_name)
    return name


def _change_value(name: str, value, history) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if name == "status":
        return status_label(value)
    if name == "tasks" and isinstance(value, list):
        # task.create_many lists every task it made: the count is what a reader needs.
        return str(len(value))
    if name == "changes" and isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if name in ("lead_unit_id", "issuing_unit_id") and history is not None:
        return history.unit_names.get(value, f"#{value}")
    if name == "supporting_units" and isinstance(value, list) and history is not None:
        return ", ".join(history.unit_names.get(v, f"#{v}") for v in value)
    if name == "area_id" and history is not None:
        return history.area_names.get(value, f"#{value}")
    if name in DATE_KEYS:
        return vndate(value) or str(value)
    if name == "progress":
        return f"{value}%"
    if name == "rating":
        return review_rating_label(value)
    if isinstance(value, bool):
        return str(_("Có") if value else _("Không"))
    return str(value)


# Hashes are for checking files and the chain: only the audit view shows them.
AUDIT_ONLY_KEYS = {"sha256", "hash"}


@register.simple_tag(takes_context=True)
def audit_view(context) -> bool:
    """Whether the history is shown as the audit view (client addresses, file hashes): to the
    office of the plan's issuing unit and the superuser; others see who changed what."""
    request = context.get("request")
    plan = context.get("plan") or getattr(context.get("task"), "plan", None)
    if request is None or plan is None:
        return False
    return can_manage_plan(access_for(request.user), plan)


@register.simple_tag
def audit_changes(event, history=None, audit=True) -> list[tuple[str, str, str]]:
    """(field label, before, after) for each change an audit event records; without `audit`,
    the hashes are left out."""
    changes = event.changes if isinstance(event.changes, dict) else {}
    rows = []
    for name, pair in changes.items():
        if not audit and name in AUDIT_ONLY_KEYS:
            continue
        if isinstance(pair, list) and len(pair) == 2:
            before, after = pair
        else:
            before, after = None, pair
        shown_before = _change_value(name, before, history)
        shown_after = _change_value(name, after, history)
        # A created object lists every field; the empty ones say nothing.
        if shown_before != shown_after:
            rows.append((_field_label(name), shown_before, shown_after))
    return rows


def _scoring_url(access) -> str:
    """“Chấm điểm” brings a unit's people to their unit's assessments, an appraiser with no
    other role to the appraisal queue, the branch's office, leader, viewer to the sets."""
    roles = access.roles()
    if roles and roles <= {Role.UNIT_HEAD, Role.FOCAL}:
        return reverse("scoring:assessment-mine")
    if roles == {Role.APPRAISER}:
        return reverse("scoring:appraisal-queue")
    return reverse("scoring:set-list")


@register.inclusion_tag("web/nav.html", takes_context=True)
def main_nav(context) -> dict:
    """The top navigation: plan switcher, links by role, the user and logout."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user": None}
    plans = context.get("plans")
    if plans is None:
        plans = plan_menu(user=user)
    access = access_for(user)
    # A page about no one plan shows the plan the person works on, so the choice stays.
    current = context.get("current_plan") or choice.current_plan(request, plans)
    if current is not None and current not in plans:
        plans = [current, *plans]
    return {
        "request": request,
        "user": user,
        "plans": plans,
        "current_plan": current,
        "show_mine": bool(access.roles() & {Role.FOCAL, Role.UNIT_HEAD}),
        "show_admin": user.is_superuser,
        "show_members": Role.OFFICE in access.roles(),
        "show_names": Role.OFFICE in access.roles(),
        "show_guidance": bool(access.roles()),
        "scoring_url": _scoring_url(access),
        "show_inspections": may_see_any(user),
        "reporting_url": optional_url("reporting:period-list"),
        "section": context.get("nav_section", ""),
        "unread": unread_count(user=user),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("notifications/partials/nudges.html", takes_context=True)
def nudges_unread(context) -> dict:
    """“Văn phòng đôn đốc”: the person's unread nudges, on the page they land on."""
    request = context["request"]
    nudges, count = unread_nudges(user=request.user)
    return {
        "nudges": nudges,
        "count": count,
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template, or None."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.simple_tag
def page_numbers(page) -> list:
    """Page numbers around the current one, with the paginator's ellipsis between."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


@register.filter
def person_name(user) -> str:
    """A person's name in Vietnamese order, family name first ("Nguyễn Thanh Phong")."""
    return text.person_name(user)


@register.simple_tag
def optional_url(viewname: str, *args) -> str:
    """reverse(), or "" when that page is not installed (links to other apps' pages)."""
    try:
        return reverse(viewname, args=args)
    except NoReverseMatch:
        return ""
