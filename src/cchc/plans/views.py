"""Pages of plans and tasks. Thin: read through selectors, write through services.

No view touches the ORM to write; every object comes from a selector already scoped to the
user (a guessed id answers 404) and every action is a service call (403 when refused).
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cchc.lib.dates import format_day
from cchc.lib.files import stored_file_response
from cchc.lib.http import AuthenticatedHttpRequest, is_htmx
from cchc.lib.paging import KeysFirstPaginator, PlanFirstPaginator, keys_first
from cchc.lib.replica import reads_from_replica
from cchc.orgs.access import access_for
from cchc.orgs.models import Role

from . import (
    charts,
    choice,
    exports,
    notices,
    permissions,
    progress,
    queue,
    review,
    selectors,
    services,
)
from .forms import (
    STATUS_FILTER_CHOICES,
    CompletionConfirmForm,
    CompletionReturnForm,
    DashboardForm,
    PlanIssueForm,
    TaskBulkForm,
    TaskFilterForm,
    TaskUpdateForm,
    UnitNudgeForm,
    UnitSearchForm,
)
from .models import Plan, ReviewState
from .timeliness import Timeliness, task_timeliness

# Tasks per page on a plan's page: a whole real plan (40-200 tasks) fits on one.
PLAN_PAGE_SIZE = 200
LIST_DEFERRED = [
    "description",
    "notes",
    "result",
    "search_text",
    "plan__purpose",
    "plan__requirements",
    "plan__implementation",
]


def _safe_next(request: HttpRequest, url: str | None, fallback: str) -> str:
    # Only a path of this site: a bare word ("150") would be taken for a view's name (a 500).
    if (
        url
        and url.startswith("/")
        and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return url
    return fallback


def _today_url(request: HttpRequest) -> str:
    """This page with the same filters, as of today."""
    query = request.GET.copy()
    query.pop("as_of", None)
    query.pop("page", None)
    return f"{request.path}?{query.urlencode()}" if query else request.path


def _visible_plans(request: HttpRequest) -> list:
    return selectors.plan_menu(user=request.user)


# --- dashboard ---------------------------------------------------------------------------


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The chosen plan in numbers, each number a link to the tasks behind it."""
    user = request.user
    form = DashboardForm(request.GET)
    plan_id, unit_id = form.value("plan"), form.value("unit")
    plans = _visible_plans(request)
    plan: Plan | None
    if plan_id:
        plan = selectors.plan_get(user=user, pk=plan_id)
        choice.remember(request, plan)
    else:
        plan = choice.current_plan(request, plans) or (plans[0] if plans else None)
    context: dict = {"plans": plans, "current_plan": plan, "nav_section": "dashboard"}
    if plan is None:
        return render(request, "plans/dashboard.html", context)

    # Every figure on the page is as of this day (today unless the user picks an earlier one).
    today = form.as_of_date()
    summary = selectors.plan_summary(user=user, plan=plan, today=today, unit=unit_id)
    root, branches = selectors.summary_by_branch(summary=summary, root=unit_id)
    # The longest overdue first, the ones to urge.
    overdue_list = (
        selectors.task_list(
            user=user,
            filters=selectors.TaskFilters(
                plan=plan.pk, unit=unit_id, timeliness=Timeliness.OVERDUE
            ),
            today=today,
            plan=plan,
        )
        .order_by("state_due_date", "id")
        .defer(*LIST_DEFERRED)
    )
    # Read whole, the plan's overdue tasks are sorted by their keys from an index (today,
    # that of the open tasks by deadline), then twenty rows are read: not every overdue
    # task read whole to be sorted (the bench's plan on SQLite, 18 → 8 ms). Where each
    # task is checked against the user's scope, one step: two would check it twice.
    if permissions.reads_whole_plan(access_for(user), plan):
        overdue = keys_first(overdue_list, 0, 20)
    else:
        overdue = list(overdue_list[:20])
    # Every task of the plan in scope, cancelled ones included, as the task list counts them.
    all_tasks = sum(row["n"] for row in summary.by_area)
    categories = [
        (code, label, summary.by_timeliness.get(code, 0)) for code, label in Timeliness.choices
    ]
    context |= {
        "plan": plan,
        "today": today,
        "form": form,
        "as_of": form.as_of_param(),
        "today_url": _today_url(request),
        "summary": summary,
        "categories": categories,
        "all_tasks": all_tasks,
        "cancelled": all_tasks - summary.total,
        "done": summary.by_timeliness[Timeliness.DONE_ON_TIME]
        + summary.by_timeliness[Timeliness.DONE_LATE],
        "branches": branches,
        "root": root,
        "overdue": overdue,
        "overdue_count": summary.by_timeliness[Timeliness.OVERDUE],
        # The units load on demand (the search box); the page names only a few.
        "unit_box": _unit_box(request, "dashboard", chosen=unit_id),
        "unit_id": unit_id,
        **_nudge_context(
            request, plan, summary, today, past=bool(form.as_of_param()), unit=unit_id
        ),
        "nudge_max": notices.NUDGE_MESSAGE_MAX,
        # The units' checkboxes load when the form is opened (htmx), or with ?nudge=1.
        "nudge_open": request.GET.get("nudge") == "1",
        # Reported done vs confirmed by the office, from the reviews made by that day's end.
        "reviews": summary.reviews,
    }
    context |= _figure_rows(summary, branches, plan=plan.pk, unit=unit_id, as_of=context["as_of"])
    return render(request, "plans/dashboard.html", context)


def _nudge_context(request, plan, summary, today, *, past: bool, unit: int | None) -> dict:
    """The nudge form's units (listed only when it is open) and their number, counted from the
    figures already on the page when they cover the whole plan."""
    user = request.user
    # Nudging is about today's tasks: not offered on the figures of a past day.
    if past:
        return {"nudge_units": [], "nudge_count": 0}
    if request.GET.get("nudge") == "1" or unit:
        units = selectors.nudge_units(user=user, plan=plan, today=today)
        return {"nudge_units": units, "nudge_count": len(units)}
    return {"nudge_units": [], "nudge_count": selectors.nudge_count(user=user, summary=summary)}


def _figure_rows(summary, branches, *, plan: int, unit: int | None, as_of: str) -> dict:
    """The tables by area and by unit, and the charts drawn from the very same rows."""
    by_area = charts.area_rows(
        areas=selectors.all_areas(summary.by_area), plan=plan, unit=unit, as_of=as_of
    )
    by_unit = charts.unit_rows(branches=branches, plan=plan, as_of=as_of)
    return {
        "area_rows": by_area,
        "unit_rows": by_unit,
        "chart": charts.chart_json(by_area=by_area, by_unit=by_unit),
    }


# --- plans -----------------------------------------------------------------------------


@login_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = _visible_plans(request)
    return render(
        request,
        "plans/plan_list.html",
        {
            "plans": plans,
            "all_plans": selectors.plan_list(user=request.user),
            # The way into the import journey (the import pages check again).
            "can_import": access_for(request.user).has(Role.OFFICE),
            "nav_section": "plans",
        },
    )


@login_required
@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan's three parts, its tasks by area and section, and its place in the cascade."""
    plan = selectors.plan_get(user=request.user, pk=pk)
    initial = {"document_number": plan.document_number, "issued_on": timezone.localdate()}
    return _plan_page(request, plan, PlanIssueForm(initial=initial))


def _plan_page(request: HttpRequest, plan, issue_form: PlanIssueForm) -> HttpResponse:
    """The plan's page, its issue form as typed (a refused date comes back with its error)."""
    user = request.user
    today = timezone.localdate()
    tasks = selectors.plan_tasks(user=user, plan=plan, today=today)
    page = KeysFirstPaginator(tasks, PLAN_PAGE_SIZE)
    covered = list(selectors.covered_parent_tasks(user=user, plan=plan, today=today))
    can_manage = selectors.plan_can_manage(user=user, plan=plan)
    context = {
        "plan": plan,
        "current_plan": plan,
        "nav_section": "plans",
        "page": page.get_page(request.GET.get("page")),
        "parent_plan": selectors.parent_plan(user=user, plan=plan),
        "child_plans": list(selectors.child_plans(user=user, plan=plan)),
        "covered": covered,
        "covered_codes": {t.pk: t.code or f"#{t.pk}" for t in covered},
        "uncovered": list(selectors.uncovered_parent_tasks(user=user, plan=plan, today=today)),
        "can_issue": can_manage and plan.status == "draft",
        "history": selectors.plan_history(user=user, plan=plan),
        "issue_form": issue_form,
    }
    return render(request, "plans/plan_detail.html", context)


@login_required
@require_POST
def plan_issue(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, pk=pk)
    form = PlanIssueForm(request.POST)
    if not form.is_valid():
        return _plan_page(request, plan, form)
    try:
        services.plan_issue(
            actor=request.user,
            plan=plan,
            document_number=form.cleaned_data["document_number"],
            issued_on=form.cleaned_data["issued_on"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã ban hành kế hoạch."))
    return redirect("plans:plan-detail", pk=plan.pk)


# --- tasks -----------------------------------------------------------------------------


def _task_list_page(request: HttpRequest, *, mine: bool) -> HttpResponse:
    """The task list, or only its results fragment when htmx asks (same URL, same data)."""
    user = request.user
    form = TaskFilterForm(request.GET)
    filters = form.filters(mine=mine)
    today = form.as_of_date()
    work = queue.work_queue(user=user, filters=filters, today=today) if mine else None
    tasks = work.tasks if work else selectors.task_list(user=user, filters=filters, today=today)
    # The list shows none of the long texts: leave them in the database.
    tasks = tasks.defer(*LIST_DEFERRED)
    if work:  # the queue's own order, and its count already made
        paginator = KeysFirstPaginator(tasks, settings.CCHC_PAGE_SIZE, count=work.count)
    elif filters.plan:  # one plan: nothing to read plan by plan
        paginator = KeysFirstPaginator(tasks, settings.CCHC_PAGE_SIZE)
    else:  # every plan, newest first (selectors.task_list)
        paginator = PlanFirstPaginator(tasks, settings.CCHC_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    # Bulk actions change today's tasks: not offered on the figures of a past day.
    can_bulk = not mine and access_for(user).has(Role.OFFICE) and not form.as_of_param()
    context: dict = {
        "form": form,
        "filters": filters,
        "page": page,
        "mine": mine,
        "queue": work,
        "active_filters": form.active_count(),
        "can_bulk": can_bulk,
        "nudge_max": notices.NUDGE_MESSAGE_MAX,
        "today": today,
        "as_of": form.as_of_param(),
        "today_url": _today_url(request),
        "list_url": reverse("plans:task-mine" if mine else "plans:task-list"),
        "query": request.GET.urlencode(),
        "export_query": _export_query(request, mine),
    }
    if filters.lead_unit:
        context["lead_unit"] = selectors.units_by_id(ids=[filters.lead_unit]).get(filters.lead_unit)
    if is_htmx(request):
        context["oob_filter_count"] = True
        response = render(request, "plans/partials/task_results.html", context)
    else:
        plans = _visible_plans(request)
        current = next((p for p in plans if p.pk == filters.plan), None)
        if current is not None:
            choice.remember(request, current)
        seen: dict = {}  # the office's two boxes search the same scope: one query
        context |= {
            # The units load on demand (the search boxes); the page names only a few.
            "unit_box": _unit_box(request, "filter", chosen=filters.unit, seen=seen),
            "bulk_unit_box": _unit_box(request, "bulk", seen=seen) if can_bulk else None,
            "plans": plans,
            "current_plan": current,
            "areas": list(selectors.area_list()),
            "timeliness_choices": list(Timeliness.labels.items()),
            "status_choices": STATUS_FILTER_CHOICES,
            "review_choices": ReviewState.choices,
            "nav_section": "mine" if mine else "tasks",
        }
        response = render(request, "plans/task_list.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@dataclass(frozen=True)
class UnitBoxKind:
    """A unit search box (task list, dashboard): the select it fills, whose units it offers."""

    select_id: str
    name: str  # the select's field: the unit's id is what the form sends
    search: str  # the search box's field
    blank: str | Promise
    roles: tuple[str, ...] = ()
    form: str = ""  # the form the select belongs to, when it lies outside it
    autosubmit: bool = False  # the form is sent as soon as a unit is chosen


UNIT_BOXES = {
    "filter": UnitBoxKind("f-unit", "unit", "unit_q", gettext_lazy("Tất cả đơn vị")),
    "bulk": UnitBoxKind(
        "bulk-unit", "lead_unit", "bulk_unit_q", "—", (Role.OFFICE,), form="bulk-form"
    ),
    "dashboard": UnitBoxKind(
        "dash-unit", "unit", "unit_q", gettext_lazy("Toàn bộ phạm vi"), autosubmit=True
    ),
}


@dataclass
class UnitBox:
    kind: UnitBoxKind
    text: str
    units: list
    chosen: int | None
    more: int


def _unit_box(
    request: HttpRequest, kind: str, chosen: int | None = None, seen: dict | None = None
) -> UnitBox:
    """The units a box offers for the words typed in it (in the query string, where a page
    without JavaScript sends them too), with the chosen unit kept first."""
    box = UNIT_BOXES[kind]
    text = request.GET.get(box.search, "")[: selectors.UNIT_SEARCH_MAX]
    found = selectors.unit_search(user=request.user, text=text, roles=box.roles, seen=seen)
    units: list = found.units
    if chosen and chosen not in {u.pk for u in units}:
        # A link may name a unit outside the user's list: names are not confidential.
        units = [*selectors.units_by_id(ids=[chosen]).values(), *units]
    return UnitBox(box, text, units, chosen, found.more)


@login_required
@require_GET
def unit_search(request: HttpRequest) -> HttpResponse:
    """The select of a unit box (task list, dashboard) for the words typed, asked by htmx
    as one types: the page never carries a ministry's thousands of units."""
    kind = request.GET.get("for", "")
    if kind not in UNIT_BOXES:
        kind = "filter"
    box = UNIT_BOXES[kind]
    chosen = UnitSearchForm(request.GET, field=box.name).chosen()
    unit_box = _unit_box(request, kind, chosen=chosen if box.name == "unit" else None)
    response = render(request, "plans/partials/unit_select.html", {"box": unit_box})
    patch_vary_headers(response, ("HX-Request",))
    return response


def _export_query(request: HttpRequest, mine: bool) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    if mine:
        query["mine"] = "1"
    return query.urlencode()


@login_required
@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    return _task_list_page(request, mine=False)


@login_required
@require_GET
def task_mine(request: HttpRequest) -> HttpResponse:
    """“Nhiệm vụ của đơn vị”: tasks the user's units lead or support."""
    return _task_list_page(request, mine=True)


# The exports only read, and a second's lag is theirs to bear: on the replica, if any.
@login_required
@require_GET
@reads_from_replica()
def task_export(request: HttpRequest) -> FileResponse:
    """XLSX of exactly the filtered tasks, all of them, streamed through a temporary file."""
    form = TaskFilterForm(request.GET)
    filters = form.filters(mine=request.GET.get("mine") == "1")
    today = form.as_of_date()
    # FileResponse closes (and so deletes) the temporary file once it is sent.
    out = exports.task_workbook(user=request.user, filters=filters, today=today)
    return FileResponse(
        out,
        as_attachment=True,
        filename=f"nhiem-vu-{today:%Y%m%d}.xlsx",
        content_type=exports.XLSX_TYPE,
    )


@login_required
@require_GET
def plan_export_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan as an official document, with the tasks this user may read."""
    return _plan_file(request, pk, "docx")


@login_required
@require_GET
def plan_export_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan's task table with status, timeliness and progress."""
    return _plan_file(request, pk, "xlsx")


@reads_from_replica()
def _plan_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    content, filename, content_type = exports.plan_file(
        user=request.user, pk=pk, fmt=fmt, today=timezone.localdate()
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_POST
def task_bulk(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Office bulk actions on the selected tasks; the services check every task."""
    user = request.user
    if not access_for(user).has(Role.OFFICE):
        raise PermissionDenied(_("Chỉ Văn phòng được thao tác hàng loạt."))
    # The one unit chosen, if the office may assign it: not every unit of its branch.
    chosen = selectors.unit_pick(
        user=user, pk=TaskBulkForm.posted_unit(request.POST), roles=(Role.OFFICE,)
    )
    form = TaskBulkForm(request.POST, units=[chosen] if chosen else [])
    back = _safe_next(request, request.POST.get("next"), reverse("plans:task-list"))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:  # messages: an ErrorList yields them, whatever the stubs say
                messages.error(request, error)  # type: ignore[arg-type]
        return redirect(back)
    data = form.cleaned_data
    if data["action"] == TaskBulkForm.NUDGE:
        return _nudge_tasks(request, data, back)
    try:
        if data["action"] == TaskBulkForm.SET_LEAD_UNIT:
            unit = selectors.units_by_id(ids=[data["lead_unit"]])[data["lead_unit"]]
            count = services.tasks_set_lead_unit(actor=user, task_ids=data["ids"], lead_unit=unit)
            message = ngettext(
                "Đã đổi cơ quan chủ trì thành “%(unit)s” cho %(count)d nhiệm vụ.",
                "Đã đổi cơ quan chủ trì thành “%(unit)s” cho %(count)d nhiệm vụ.",
                count,
            ) % {"unit": unit.name, "count": count}
        else:
            count = services.tasks_set_due(
                actor=user,
                task_ids=data["ids"],
                due_date=data["due_date"],
                due_text=data["due_text"],
            )
            message = ngettext(
                "Đã đổi thời hạn thành %(due)s cho %(count)d nhiệm vụ.",
                "Đã đổi thời hạn thành %(due)s cho %(count)d nhiệm vụ.",
                count,
            ) % {"due": data["due_text"] or format_day(data["due_date"]), "count": count}
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        unchanged = len(set(data["ids"])) - count
        if unchanged:
            message += " " + _(
                "%(n)d nhiệm vụ còn lại giữ nguyên (đã như vậy, hoặc đã hoàn thành/hủy bỏ)."
            ) % {"n": unchanged}
        messages.success(request, message)
    return redirect(back)


def _nudge_tasks(request: AuthenticatedHttpRequest, data: dict, back: str) -> HttpResponse:
    try:
        nudges = notices.task_nudge(
            actor=request.user, task_ids=data["ids"], message=data["message"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _nudged(nudges))
    return redirect(back)


def _nudged(nudges: list) -> str:
    return ngettext(
        "Đã đôn đốc %(n)d đơn vị; thông báo đã gửi đến cán bộ đầu mối và thủ trưởng đơn vị.",
        "Đã đôn đốc %(n)d đơn vị; thông báo đã gửi đến cán bộ đầu mối và thủ trưởng các đơn vị.",
        len(nudges),
    ) % {"n": len(nudges)}


@login_required
@require_GET
def plan_nudge_units(request: HttpRequest, pk: int) -> HttpResponse:
    """The dashboard's nudge form's units, loaded when it is opened: a ministry has
    hundreds of units with urgent tasks, which the dashboard need not carry on each visit."""
    plan = selectors.plan_get(user=request.user, pk=pk)
    units = selectors.nudge_units(user=request.user, plan=plan, today=timezone.localdate())
    return render(request, "plans/partials/unit_nudge_units.html", {"nudge_units": units})


@login_required
@require_POST
def plan_nudge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The dashboard's nudge of chosen units about the plan's urgent tasks."""
    plan = selectors.plan_get(user=request.user, pk=pk)
    form = UnitNudgeForm(request.POST)
    back = _safe_next(
        request, request.POST.get("next"), f"{reverse('plans:dashboard')}?plan={plan.pk}"
    )
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:  # messages: an ErrorList yields them, whatever the stubs say
                messages.error(request, error)  # type: ignore[arg-type]
        return redirect(back)
    try:
        nudges = notices.unit_nudge(
            actor=request.user,
            plan=plan,
            unit_ids=form.cleaned_data["units"],
            message=form.cleaned_data["message"],
            today=timezone.localdate(),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _nudged(nudges))
    return redirect(back)


@login_required
@require_GET
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _task_page(request, selectors.task_get(user=request.user, pk=pk))


def _task_page(
    request: HttpRequest,
    task,
    *,
    confirm_form: CompletionConfirmForm | None = None,
    return_form: CompletionReturnForm | None = None,
) -> HttpResponse:
    """The task's page; a refused review form comes back with its errors and what was typed."""
    user = request.user
    today = timezone.localdate()
    children = list(selectors.child_tasks(user=user, task=task, today=today))
    updates = selectors.task_updates(user=user, task=task)
    task_review = selectors.task_review(task=task, updates=updates, today=today)
    report = task_review.status.report
    initial = {"report": report.pk if report else None}
    if (confirm_form or return_form) and not task_review.awaiting:
        messages.error(request, _("Nhiệm vụ không còn chờ xác nhận hoàn thành."))
    context = {
        "task": task,
        "current_plan": task.plan,
        "nav_section": "tasks",
        "today": today,
        "timeliness": task_timeliness(task, today),
        "abilities": selectors.task_abilities(user=user, task=task),
        "parent_task": selectors.parent_task(user=user, task=task, today=today),
        "children": children,
        "combined_progress": selectors.combined_progress(children),
        "updates": updates,
        "evidence": list(selectors.task_evidence(user=user, task=task)),
        "history": selectors.task_history(user=user, task=task),
        "notices": selectors.task_notices(user=user, task=task),
        "review": task_review,
        "confirm_form": confirm_form or CompletionConfirmForm(initial=initial),
        "return_form": return_form or CompletionReturnForm(initial=initial),
    }
    return render(request, "plans/task_detail.html", context)


@login_required
@require_POST
def task_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The office confirms the reported completion with a quality rating."""

    def answer(task, data: dict) -> str:
        done = review.completion_confirm(
            actor=request.user,
            task=task,
            rating=data["rating"],
            comment=data["comment"],
            report=data["report"],
        )
        return _("Đã xác nhận hoàn thành nhiệm vụ: %(rating)s.") % {
            "rating": done.get_rating_display().lower()
        }

    return _review_answer(request, pk, CompletionConfirmForm(request.POST), answer)


@login_required
@require_POST
def task_return(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The office returns the reported completion to the unit, with the reason."""

    def answer(task, data: dict) -> str:
        review.completion_return(
            actor=request.user, task=task, reason=data["reason"], report=data["report"]
        )
        return _("Đã trả lại nhiệm vụ cho %(unit)s; nhiệm vụ trở lại đang thực hiện.") % {
            "unit": task.lead_unit.name
        }

    return _review_answer(request, pk, CompletionReturnForm(request.POST), answer)


def _review_answer(request: HttpRequest, pk: int, form, answer) -> HttpResponse:
    """Run one review service on a valid form: done, to the task with a message; refused
    on a field, the page again with the form as typed; nothing left to answer, the task as
    it stands now with why."""
    task = _reviewable(request, pk)
    if form.is_valid():
        try:
            message = answer(task, form.cleaned_data)
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                return _stale(request, task, exc)
            form.add_service_errors(exc)
        else:
            messages.success(request, message)
            return redirect("plans:task-detail", pk=task.pk)
    if isinstance(form, CompletionConfirmForm):
        return _task_page(request, task, confirm_form=form)
    return _task_page(request, task, return_form=form)


def _stale(request: HttpRequest, task, exc: ValidationError) -> HttpResponse:
    """Nothing awaits this answer any more (answered already, or the unit reported again):
    say what happened over the task as it stands now."""
    for message in exc.messages:
        messages.error(request, message)
    return redirect(reverse("plans:task-detail", kwargs={"pk": task.pk}) + "#review")


def _reviewable(request: HttpRequest, pk: int):
    """The task, if the user may read it (else 404) and review its completion (else 403)."""
    task = selectors.task_get(user=request.user, pk=pk)
    if not selectors.task_abilities(user=request.user, task=task).can_review:
        raise PermissionDenied(
            _("Chỉ Văn phòng của cơ quan ban hành kế hoạch được xác nhận hoàn thành.")
        )
    return task


@login_required
@require_GET
def task_reviews(request: HttpRequest) -> HttpResponse:
    """The office's queue: tasks reported done, awaiting its confirmation."""
    if not access_for(request.user).has(Role.OFFICE):
        raise PermissionDenied(_("Chỉ Văn phòng xác nhận hoàn thành nhiệm vụ."))
    today = timezone.localdate()
    tasks = selectors.review_queue(user=request.user, today=today).defer(*LIST_DEFERRED)
    page = Paginator(tasks, settings.CCHC_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "plans/task_reviews.html",
        {"page": page, "today": today, "nav_section": "reviews"},
    )


def _changed(value, current, allowed: bool):
    """A field the form prefills with the task's current value, passed on only when the
    user changed it: an entry dated in the past then keeps the state as of its date."""
    return value if allowed and value != current else None


@login_required
@require_http_methods(["GET", "POST"])
def task_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Post progress, a note and evidence files; the service enforces every rule again."""
    user = request.user
    task = selectors.task_get(user=user, pk=pk)
    abilities = selectors.task_abilities(user=user, task=task)
    if not abilities.can_add_note:
        raise PermissionDenied(_("Không có quyền cập nhật nhiệm vụ này."))
    can_report = abilities.can_report_progress
    if request.method == "POST":
        form = TaskUpdateForm(
            request.POST, request.FILES, task=task, can_report_progress=can_report
        )
        if form.is_valid():
            data = form.cleaned_data
            effective_on = data.get("effective_on") or timezone.localdate()
            files = [
                progress.EvidenceFile(
                    file=upload,
                    effective_on=effective_on,
                    description=data.get("file_description", ""),
                )
                for upload in data.get("files", [])
            ]
            try:
                progress.task_update_post(
                    actor=user,
                    task=task,
                    note=data["note"],
                    progress=_changed(data.get("progress"), task.progress, can_report),
                    status=_changed(data.get("status") or None, task.status, can_report),
                    deliverable=data.get("deliverable", ""),
                    reported_on=data["reported_on"],
                    files=files,
                    submission_key=data.get("submission_key"),
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Đã cập nhật tiến độ nhiệm vụ."))
                return redirect("plans:task-detail", pk=task.pk)
    else:
        form = TaskUpdateForm(task=task, can_report_progress=can_report)
    context = {
        "task": task,
        "form": form,
        "current_plan": task.plan,
        "nav_section": "mine",
        "abilities": abilities,
        "timeliness": task_timeliness(task, timezone.localdate()),
        "files_lost": request.method == "POST" and bool(request.FILES) and form.errors,
    }
    return render(request, "plans/task_update.html", context)


@login_required
@require_GET
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    return stored_file_response(selectors.evidence_get(user=request.user, pk=pk))
