"""Pages read their keys first (`lib.paging`): the same rows, in the same order, as a page
read whole, on every page of a list and for every way of asking for one."""

import datetime

import pytest
from django.core.paginator import Paginator
from django.urls import reverse

from cchc.lib.paging import KeysFirstPaginator, PlanFirstPaginator
from cchc.plans import selectors, services
from cchc.plans.models import Task
from tests.web_helpers import add_tasks


@pytest.mark.parametrize(
    "filters",
    [
        selectors.TaskFilters(),
        selectors.TaskFilters(status="open"),
        selectors.TaskFilters(timeliness="overdue"),
    ],
    ids=["every task", "open", "overdue"],
)
def test_each_page_holds_the_rows_a_whole_read_gives(world, filters, django_assert_max_num_queries):
    add_tasks(world, 53)
    tasks = selectors.task_list(user=world.users["office"], filters=filters, today=world.today)
    whole, keys_first = Paginator(tasks, 7, orphans=2), KeysFirstPaginator(tasks, 7, orphans=2)
    assert keys_first.num_pages == whole.num_pages > 2
    for number in whole.page_range:
        expected = list(whole.page(number))
        with django_assert_max_num_queries(2):
            page = keys_first.page(number)
        assert [t.pk for t in page] == [t.pk for t in expected]
        # Each row as whole as before: its state, its plan, its timeliness.
        assert [(t.timeliness, t.plan.year, t.state_status) for t in page] == [
            (t.timeliness, t.plan.year, t.state_status) for t in expected
        ]


@pytest.mark.parametrize("asked", ["0", "-1", "x", "", "99999999999999999999", None])
def test_an_odd_page_number_gives_the_first_or_last_page(world, asked):
    tasks = selectors.task_list(
        user=world.users["office"], filters=selectors.TaskFilters(), today=world.today
    )
    paginator = KeysFirstPaginator(tasks, 2)
    page = paginator.get_page(asked)
    assert page.number in (1, paginator.num_pages) and len(page) >= 1


def test_a_row_that_leaves_the_list_between_the_two_reads_is_left_out(world):
    tasks = selectors.task_list(
        user=world.users["office"], filters=selectors.TaskFilters(status="open"), today=world.today
    )
    paginator = KeysFirstPaginator(tasks, 3)
    first = list(tasks.values_list("pk", flat=True)[:3])
    gone = first[1]

    class Racing(type(tasks)):
        def filter(self, *args, **kwargs):  # the second read: the task is removed meanwhile
            tasks.model.objects.filter(pk=gone).delete()
            return super().filter(*args, **kwargs)

    paginator.object_list = tasks._chain()
    paginator.object_list.__class__ = Racing
    assert [t.pk for t in paginator.page(1)] == [first[0], first[2]]


@pytest.mark.parametrize("asked", ["0", "-1", "abc", "1.5", "\x00", "9" * 5000, "2"])
def test_the_lists_that_read_keys_first_answer_any_page_number(world, client, asked):
    """The task list and the plan's page give a page for any `page` parameter, never a 500."""
    add_tasks(world, 60)
    client.force_login(world.users["office"])
    for url in (reverse("plans:task-list"), reverse("plans:plan-detail", args=[world.plan.pk])):
        response = client.get(url, {"page": asked})
        assert response.status_code == 200
        assert "Nhiệm vụ bổ sung số" in response.content.decode()


def _years_of_plans(world) -> None:
    """Two more issued plans of the office's, one and two years before the world's,
    with a few of the world's tasks copied into each: a list over every plan."""
    office, root = world.users["office"], world.plan.issuing_unit
    for year, count in ((world.plan.year - 1, 9), (world.plan.year - 2, 4)):
        plan = services.plan_create(actor=office, year=year, title=f"KH {year}", issuing_unit=root)
        for task in Task.objects.filter(plan=world.plan).order_by("id")[:count]:
            task.pk, task.plan, task.added_on = None, plan, None
            task.save()
        services.plan_issue(actor=office, plan=plan, issued_on=datetime.date(year, 1, 5))


@pytest.mark.parametrize(
    "filters",
    [
        selectors.TaskFilters(),
        selectors.TaskFilters(status="open"),
        selectors.TaskFilters(timeliness="overdue"),
        selectors.TaskFilters(unit="CTH"),
    ],
    ids=["every task", "open", "overdue", "one unit"],
)
@pytest.mark.parametrize(("per_page", "orphans"), [(7, 2), (5, 0), (50, 0)])
def test_plan_by_plan_pages_hold_the_rows_a_whole_read_gives(
    world, filters, per_page, orphans, django_assert_max_num_queries
):
    add_tasks(world, 23)
    _years_of_plans(world)
    if filters.unit == "CTH":
        filters = selectors.TaskFilters(unit=world.units["CTH"].pk)
    tasks = selectors.task_list(user=world.users["office"], filters=filters, today=world.today)
    whole = Paginator(tasks, per_page, orphans=orphans)
    by_plan = PlanFirstPaginator(tasks, per_page, orphans=orphans)
    assert len({t.plan.year for t in tasks}) >= 3  # pages cross from plan to plan
    assert (by_plan.count, by_plan.num_pages) == (whole.count, whole.num_pages)
    for number in whole.page_range:
        expected = list(whole.page(number))
        # The keys from the plans the page falls in, then the rows (counted already).
        with django_assert_max_num_queries(2):
            page = by_plan.page(number)
        assert [t.pk for t in page] == [t.pk for t in expected]


def test_a_list_nothing_can_match_is_one_empty_page(world):
    tasks = selectors.task_list(
        user=world.users["office"], filters=selectors.TaskFilters(), today=world.today
    )
    for empty in (tasks.none(), tasks.filter(pk__in=[])):
        paginator = PlanFirstPaginator(empty, 5)
        assert (paginator.count, list(paginator.get_page(1))) == (0, [])


def test_a_distinct_list_is_counted_task_by_task(world):
    """A list joined to many rows a task (its supporting units) and made DISTINCT counts
    each task once, plan by plan, as a whole read does."""
    _years_of_plans(world)
    tasks = selectors.task_list(
        user=world.users["office"], filters=selectors.TaskFilters(), today=world.today
    )
    for task in tasks[:9]:  # test setup: two supporting units each, straight in the table
        task.supporting_units.add(
            world.units["VP"], world.units["CTC"], through_defaults={"plan_id": task.plan_id}
        )
    joined = tasks.filter(supporting_units__isnull=False).distinct()
    whole, by_plan = Paginator(joined, 4), PlanFirstPaginator(joined, 4)
    assert by_plan.count == whole.count == len({t.pk for t in joined}) > 4
    for number in whole.page_range:
        assert [t.pk for t in by_plan.page(number)] == [t.pk for t in whole.page(number)]
