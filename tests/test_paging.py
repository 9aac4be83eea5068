"""Pages read their keys first (`lib.paging`): the same rows, in the same order, as a page
read whole, on every page of a list and for every way of asking for one."""

import pytest
from django.core.paginator import Paginator
from django.urls import reverse

from cchc.lib.paging import KeysFirstPaginator
from cchc.plans import selectors
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
