import datetime
import io
from collections import Counter
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from cchc.audit.models import AuditEvent
from cchc.audit.services import verify_chain
from cchc.core.demo import DEMO_PASSWORD
from cchc.orgs.models import Membership, Role, Unit
from cchc.plans.due_text import parse_due_text
from cchc.plans.models import Evidence, Plan, PlanStatus, Task, TaskUpdate
from cchc.plans.selectors import uncovered_parent_tasks
from cchc.plans.timeliness import Timeliness, task_timeliness

CATEGORIES = {key for key, _ in Timeliness.choices}


def counts() -> dict[str, int]:
    models = [Unit, Membership, get_user_model(), Plan, Task, TaskUpdate, Evidence, AuditEvent]
    return {m.__name__: m.objects.count() for m in models}


def load(**kwargs) -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out, **kwargs)
    return out.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def department_plan(year: int) -> Plan:
    return Plan.objects.get(issuing_unit__code="TCCT", year=year, status=PlanStatus.ISSUED)


@pytest.mark.django_db
def test_load_demo_builds_the_organisation_plans_and_progress(media):
    today = timezone.localdate()
    output = load()

    tcct = Unit.objects.get(code="TCCT")
    assert Unit.objects.get(code="BQP").pk == tcct.parent_id
    assert Unit.objects.filter(path__startswith=tcct.path).exclude(pk=tcct.pk).count() >= 11

    plan = department_plan(today.year)
    ministry = Plan.objects.get(issuing_unit__code="BQP", year=today.year)
    assert plan.parent_id == ministry.pk and ministry.status == PlanStatus.ISSUED
    assert plan.purpose and plan.requirements and plan.implementation
    tasks = list(plan.tasks.select_related("area"))
    assert len(tasks) >= 40
    assert {t.area.code for t in tasks} == set(range(1, 8))
    assert all(t.deliverable for t in tasks)
    assert any(t.supporting_units.exists() for t in tasks)
    assert sum(1 for t in tasks if t.parent_task_id) >= 5
    assert all(t.parent_task.plan_id == ministry.pk for t in tasks if t.parent_task_id)

    # Every timeliness category appears as of the day of loading, on the department's plan.
    seen = Counter(task_timeliness(t, today) for t in tasks)
    assert set(seen) >= CATEGORIES, seen

    # Every kind of deadline wording, and the words always agree with the date.
    texts = {t.due_text for t in tasks}
    y = today.year
    for text in [
        f"30/6/{y}",
        f"Tháng 6/{y}",
        f"Quý II/{y}",
        "6 tháng đầu năm",
        f"Năm {y}",
        "Cả năm",
        "Thường xuyên",
        f"Trước 15/12/{y}",
        f"Quý II/{y} – Quý IV/{y}",
        "Đột xuất",
        "Theo hướng dẫn của Bộ Nội vụ",
    ]:
        assert text in texts
    for t in tasks:
        parsed = parse_due_text(t.due_text, plan.year)
        assert (t.due_date, t.is_recurring) == (parsed.due_date, parsed.is_recurring), t.code

    # Progress with evidence, dated in the past; done tasks have their deliverable.
    assert TaskUpdate.objects.filter(task__plan=plan).count() >= 30
    evidence = Evidence.objects.filter(task__plan=plan)
    assert evidence.count() >= 20
    assert not evidence.filter(effective_on__gt=today).exists()
    assert not TaskUpdate.objects.filter(reported_on__gt=today).exists()
    assert all(e.file.storage.exists(e.file.name) for e in evidence)
    assert {e.original_name.rsplit(".", 1)[1] for e in evidence} >= {"pdf", "docx", "txt"}
    for t in tasks:
        if t.status == "done":
            assert t.result and t.completed_on <= today

    # A ministry task assigned to the department is left uncovered.
    office = get_user_model().objects.get(username="vanphong")
    uncovered = uncovered_parent_tasks(user=office, plan=plan, today=today)
    assert uncovered.filter(lead_unit=tcct).exists()

    # A draft for next year.
    assert Plan.objects.filter(
        issuing_unit=tcct, year=today.year + 1, status=PlanStatus.DRAFT
    ).exists()

    # One user per role, Vietnamese names, the demo password; the logins are printed.
    for role in Role.values:
        assert Membership.objects.filter(role=role).exists(), role
    for unit_code in ["CTH", "CCB", "QDND"]:
        assert Membership.objects.filter(unit__code=unit_code, role=Role.UNIT_HEAD).exists()
        assert Membership.objects.filter(unit__code=unit_code, role=Role.FOCAL).exists()
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(DEMO_PASSWORD)
    assert office.last_name and office.first_name
    assert "cth.daumoi" in output and DEMO_PASSWORD in output

    assert verify_chain()[1] is None


@pytest.mark.django_db
def test_load_demo_twice_changes_nothing(media):
    load(no_logins=True)
    before = counts()
    output = load(no_logins=True)
    assert counts() == before
    assert "nothing changed" in output
    assert verify_chain()[1] is None


@pytest.mark.django_db
@pytest.mark.parametrize("day", [datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)])
def test_every_category_on_the_edges_of_the_year(media, day):
    """Loaded on the first or last day of the year, every category still appears."""
    with mock.patch("django.utils.timezone.localdate", return_value=day):
        load(no_logins=True)
    seen = {task_timeliness(t, day) for t in department_plan(day.year).tasks.all()}
    assert seen >= CATEGORIES
    assert verify_chain()[1] is None
