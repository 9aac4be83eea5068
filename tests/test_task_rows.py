"""The task list's rows are written in Python (web/templatetags/task_rows.py) for speed:
they must be the markup the template wrote, byte for byte, in every variant of the list."""

import datetime
import itertools
from types import SimpleNamespace

import pytest
from django.template import Context, Template

from cchc.web.templatetags.task_rows import task_rows

# The rows as plans/partials/task_results.html rendered them through the template engine.
REFERENCE = """{% load i18n cchc %}{% for task in page.object_list %}
      {% if queue.several_plans %}{% ifchanged task.plan_id %}
      <tr class="plan-group"><th colspan="9" scope="colgroup"><i class="bi bi-journal-text" aria-hidden="true"></i> {{ task.plan.title }}{% if task.plan.document_number %} <span class="fw-normal text-body-secondary">({{ task.plan.document_number }})</span>{% endif %}</th></tr>
      {% endifchanged %}{% endif %}
      <tr>
        {% if can_bulk %}<td class="col-check"><input class="form-check-input" type="checkbox" name="ids" value="{{ task.pk }}" aria-label="{% blocktranslate with code=task.code %}Chọn nhiệm vụ {{ code }}{% endblocktranslate %}"></td>{% endif %}
        <td class="col-code">{{ task.code }}</td>
        <td class="task-title">
          <a href="{% url 'plans:task-detail' task.pk %}">{{ task.title|truncatechars:220 }}</a>
          {% if mine %}<div class="mt-1">{% unit_role task.unit_role %}</div>{% elif not filters.plan %}<div class="small text-body-secondary">{{ task.plan.document_number|default:task.plan.title|truncatechars:60 }}</div>{% endif %}
        </td>
        <td class="col-unit" data-label="{% translate 'Chủ trì' %}">{{ task.lead_unit }}</td>
        <td class="col-due" data-label="{% translate 'Thời hạn' %}">{{ task.state_due_text|default:"—" }}{% if task.state_due_date %} <div class="small text-body-secondary">{{ task.state_due_date|vndate }}</div>{% endif %}{% due_in task.state_due_date today task.timeliness as due %}{% if due %} <div>{{ due }}</div>{% endif %}</td>
        <td class="col-status">{{ task.state_status|status_label }}{% if task.review_state %} <div><span class="badge text-bg-light border text-wrap">{{ task.review_state|review_label }}</span></div>{% endif %}</td>
        <td class="col-progress">{% progress_bar task.state_progress %}</td>
        <td class="col-timeliness">{% timeliness_badge task.timeliness %}</td>
        {% if mine %}<td class="col-action d-print-none">{% if task.plan.status == "issued" %}<a class="btn btn-sm btn-outline-primary text-nowrap" href="{% url 'plans:task-update' task.pk %}"><i class="bi bi-pencil-square" aria-hidden="true"></i> {% translate "Cập nhật" %}</a>{% endif %}</td>{% endif %}
      </tr>
    {% endfor %}"""  # noqa: E501

TODAY = datetime.date(2026, 6, 15)


class Unit(SimpleNamespace):
    def __str__(self) -> str:
        return self.short_name or self.name


def _plans():
    return [
        SimpleNamespace(
            title="Kế hoạch CCHC năm 2026", document_number="12/KH-UBND", status="issued"
        ),
        SimpleNamespace(
            title="Kế hoạch <b>&</b> \"bổ sung\" 'B'", document_number="", status="closed"
        ),
        SimpleNamespace(title="K" * 90, document_number="", status="issued"),
    ]


def _tasks(count: int = 30) -> list:
    """Tasks over every case a row shows: statuses, categories, reviews, long and hostile
    texts, dates or none, three plans in runs."""
    plans = _plans()
    units = [Unit(name="Sở Nội vụ", short_name=""), Unit(name="Ủy ban", short_name="UB <x>")]
    timeliness = itertools.cycle(
        ["overdue", "due_soon", "on_track", "recurring", "done_on_time", "done_late", "cancelled"]
    )
    statuses = itertools.cycle(["not_started", "in_progress", "done", "cancelled", "odd"])
    reviews = itertools.cycle(["awaiting", "confirmed", "returned", "", None, "missing"])
    titles = itertools.cycle(
        [
            "Rà soát thủ tục hành chính",
            "Tiêu đề & <script>alert('x')</script> \"trích dẫn\"",
            "Dài " * 80,
            "a" * 220,
            "a" * 221,
            "e\u0301" * 230,  # combining accents: Truncator counts them as one character
        ]
    )
    tasks = []
    for i in range(count):
        plan = plans[min(i // 10, 2)]
        due = TODAY + datetime.timedelta(days=(i % 5) * 3 - 6) if i % 4 else None
        task = SimpleNamespace(
            pk=1000 + i,
            code=f"{i}.1" if i % 7 else "<1>",
            title=next(titles),
            plan=plan,
            plan_id=id(plan),
            lead_unit=units[i % 2],
            state_due_text="" if i % 3 == 0 else f"Quý {i % 4 + 1}/2026 & <sau>",
            state_due_date=due,
            state_status=next(statuses),
            state_progress=(i * 13) % 101 if i % 6 else 33.6,
            timeliness=next(timeliness),
            unit_role=["lead", "support", None][i % 3],
        )
        review = next(reviews)
        if review != "missing":  # the list annotates reviews only when asked
            task.review_state = review
        tasks.append(task)
    return tasks


@pytest.mark.parametrize("can_bulk", [False, True])
@pytest.mark.parametrize("mine", [False, True])
@pytest.mark.parametrize("plan_chosen", [None, 7])
@pytest.mark.parametrize("several_plans", [False, True])
def test_rows_are_the_templates_markup(can_bulk, mine, plan_chosen, several_plans):
    tasks = _tasks()
    context = {
        "page": SimpleNamespace(object_list=tasks),
        "queue": SimpleNamespace(several_plans=several_plans),
        "can_bulk": can_bulk,
        "mine": mine,
        "filters": SimpleNamespace(plan=plan_chosen),
        "today": TODAY,
    }
    expected = Template(REFERENCE).render(Context(context))
    written = task_rows(
        tasks,
        today=TODAY,
        can_bulk=can_bulk,
        mine=mine,
        plan_chosen=plan_chosen,
        several_plans=several_plans,
    )
    assert "plan-group" in written if several_plans else "plan-group" not in written
    assert "&lt;script&gt;" in written and "<script>" not in written
    assert written == expected


def test_the_list_page_writes_its_rows_through_the_tag(world, client):
    """The page uses the tag: a row of the world's plan reads as the reference writes it."""
    client.force_login(world.users["office"])
    response = client.get("/tasks/", {"plan": world.plan.pk})
    page = response.context["page"]
    context = {
        "page": page,
        "queue": None,
        "can_bulk": response.context["can_bulk"],
        "mine": False,
        "filters": response.context["filters"],
        "today": response.context["today"],
    }
    assert page.object_list
    assert Template(REFERENCE).render(Context(context)) in response.content.decode()
