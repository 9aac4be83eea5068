"""Where people land and which plan every page's switcher shows (issue 10).

Once next year's plan is issued in December, everyone still lands on this year's plan for
their branch; a plan chosen in the switcher, on the dashboard or in the task list's filter
stays chosen on every page of the session, report pages included.
"""

import datetime
import re

import pytest
from django.urls import reverse

from cchc.plans import choice, services
from cchc.plans.models import Area
from tests.web_helpers import freeze_today


def landed(client):
    response = client.get(reverse("plans:dashboard"))
    assert response.status_code == 200
    return response.context["plan"]


def switcher_choice(client, url: str) -> int | None:
    """The plan the navigation's switcher shows as chosen on a page."""
    response = client.get(url)
    assert response.status_code == 200
    select = re.search(r'<select[^>]*id="nav-plan".*?</select>', response.content.decode(), re.S)
    assert select, "the page has no plan switcher"
    chosen = re.search(r'<option value="(\d+)" selected>', select.group(0))
    return int(chosen.group(1)) if chosen else None


@pytest.fixture
def next_year_issued(world):
    services.plan_issue(actor=None, plan=world.draft, document_number="30/KH-CT")
    return world.draft


@pytest.mark.parametrize("persona", ["office", "focal_a", "viewer"])
def test_in_december_the_plan_in_force_is_still_this_years(
    world, client, monkeypatch, next_year_issued, persona
):
    freeze_today(monkeypatch, datetime.date(2026, 12, 20))
    client.force_login(world.users[persona])
    assert landed(client) == world.plan


def test_when_the_year_turns_next_years_plan_is_in_force(
    world, client, monkeypatch, next_year_issued
):
    freeze_today(monkeypatch, datetime.date(2027, 1, 4))
    client.force_login(world.users["office"])
    assert landed(client) == next_year_issued


def test_before_any_plan_of_this_year_the_latest_past_one_is_in_force(
    world, client, monkeypatch, next_year_issued
):
    freeze_today(monkeypatch, datetime.date(2028, 3, 1))
    client.force_login(world.users["office"])
    assert landed(client) == next_year_issued


def issued_plan(world, unit_code: str, year: int, number: str):
    unit = world.units[unit_code]
    plan = services.plan_create(
        actor=None, year=year, title=f"KH CCHC {year} {unit.name}", issuing_unit=unit
    )
    services.task_create(
        actor=None, plan=plan, area=Area.objects.get(code=1), title="Tuyên truyền", lead_unit=unit
    )
    return services.plan_issue(actor=None, plan=plan, document_number=number)


def test_the_own_branchs_plan_for_next_year_waits_for_its_year(world, client, monkeypatch):
    issued_plan(world, "CTC", 2027, "1/KH-CB")
    freeze_today(monkeypatch, datetime.date(2026, 12, 1))
    client.force_login(world.users["focal_b"])
    # Cục Cán bộ also reads this year's plan above it: that one is in force.
    assert landed(client) == world.plan


def test_the_unit_lands_on_its_own_branchs_plan(world, client, monkeypatch):
    own = issued_plan(world, "CTH", 2026, "7/KH-TH")
    freeze_today(monkeypatch, datetime.date(2026, 11, 30))
    client.force_login(world.users["focal_a"])
    assert landed(client) == own
    client.force_login(world.users["focal_b"])  # Cục Cán bộ reads the plan above it
    assert landed(client) == world.plan


def test_a_chosen_plan_stays_chosen_on_every_page(world, client, next_year_issued):
    client.force_login(world.users["office"])
    chosen = world.parent_plan
    assert client.get(reverse("plans:dashboard"), {"plan": chosen.pk}).status_code == 200
    assert landed(client) == chosen
    for url in [
        reverse("plans:dashboard"),
        reverse("plans:task-list"),
        reverse("plans:plan-list"),
        reverse("reporting:period-list"),
        reverse("accounts:account"),
    ]:
        assert switcher_choice(client, url) == chosen.pk, url
    # A page about another plan shows that plan, without changing the choice.
    assert switcher_choice(client, reverse("plans:plan-detail", args=[world.plan.pk])) == (
        world.plan.pk
    )
    assert landed(client) == chosen


def test_the_task_lists_plan_filter_is_a_choice_too(world, client, next_year_issued):
    client.force_login(world.users["office"])
    response = client.get(reverse("plans:task-list"), {"plan": next_year_issued.pk})
    assert response.status_code == 200
    assert landed(client) == next_year_issued
    assert switcher_choice(client, reverse("reporting:period-list")) == next_year_issued.pk


def test_a_remembered_plan_no_longer_readable_falls_back_to_the_plan_in_force(world, client):
    client.force_login(world.users["focal_a"])
    session = client.session
    session[choice.SESSION_KEY] = world.draft.pk  # drafts are the office's alone
    session.save()
    assert landed(client) == world.plan
    session = client.session
    session[choice.SESSION_KEY] = "not an id"
    session.save()
    assert landed(client) == world.plan


def test_a_plan_one_may_not_read_is_never_remembered(world, client):
    client.force_login(world.users["focal_a"])
    assert client.get(reverse("plans:dashboard"), {"plan": world.draft.pk}).status_code == 404
    client.get(reverse("plans:task-list"), {"plan": world.draft.pk})
    assert choice.SESSION_KEY not in client.session
    assert landed(client) == world.plan


@pytest.mark.parametrize("persona", ["office", "focal_a", "viewer"])
@pytest.mark.parametrize("day", [datetime.date(2026, 6, 15), datetime.date(2027, 1, 4)])
def test_the_plan_in_force_is_the_same_from_the_switchers_plans(
    world, next_year_issued, persona, day
):
    """Pages find it among the plans their switcher lists (no query); a user with more
    plans than the switcher shows is answered by the database: the same plan."""
    from cchc.plans import selectors

    user = world.users[persona]
    menu = selectors.plan_menu(user=user)
    assert len(menu) < selectors.PLAN_MENU
    found = selectors.plan_in_force(user=user, today=day)
    assert found is not None
    assert selectors.plan_in_force(user=user, today=day, plans=menu) == found


def test_a_list_of_every_plan_opens_on_the_newest_years_tasks(world, client, next_year_issued):
    """With years of plans, the task list without a plan starts with the latest year's
    tasks, not the first year's; within a year, plan by plan in the plan's order."""
    from django.utils import timezone

    from cchc.plans import selectors

    tasks = selectors.task_list(
        user=world.users["office"], filters=selectors.TaskFilters(), today=timezone.localdate()
    )
    keys = [(t.plan.year, t.plan_id) for t in tasks]
    assert {year for year, _ in keys} >= {world.plan.year, next_year_issued.year}
    assert keys == sorted(keys, key=lambda key: (-key[0], key[1]))
    client.force_login(world.users["office"])
    page = client.get(reverse("plans:task-list")).context["page"]
    assert page.object_list[0].plan.year == max(year for year, _ in keys)
