"""The API's access matrix: every role of tests/world.py reads exactly what the web's
selectors give it and writes exactly what the web's matrix allows (test_access_matrix)."""

import pytest
from django.utils import timezone

from cchc.plans import selectors
from cchc.plans.selectors import TaskFilters
from tests.api_helpers import ROLES, api_as
from tests.test_access_matrix import MATRIX


def all_task_ids(client, **query) -> list[int]:
    ids, cursor = [], None
    while True:
        params = dict(query, limit=2) | ({"cursor": cursor} if cursor else {})
        response = client.get("/tasks", params)
        assert response.status_code == 200, response.content
        page = response.json()
        ids += [row["id"] for row in page["items"]]
        cursor = page["next"]
        if cursor is None:
            return ids


@pytest.mark.parametrize("role", ROLES)
def test_reads_are_the_webs(world, role):
    user, client = world.users[role], api_as(world, role)
    today = timezone.localdate()
    expected = set(
        selectors.task_list(user=user, filters=TaskFilters(), today=today).values_list(
            "pk", flat=True
        )
    )
    ids = all_task_ids(client)
    assert len(ids) == len(set(ids)) and set(ids) == expected
    names = {world.tasks[key].pk: key for key in world.tasks}
    assert {names[i] for i in ids} == MATRIX[role]["task_read"]
    for key, task in world.tasks.items():
        for path in (f"/tasks/{task.pk}", f"/tasks/{task.pk}/updates"):
            status = client.get(path).status_code
            assert status == (200 if key in MATRIX[role]["task_read"] else 404), (key, path)
    plans = {p["id"] for p in client.get("/plans").json()}
    assert plans == {p.pk for p in selectors.plan_list(user=user)}
    plan_names = {
        world.plan.pk: "plan",
        world.parent_plan.pk: "parent_plan",
        world.draft.pk: "draft",
    }
    assert {plan_names[p] for p in plans} == MATRIX[role]["plan_read"]
    for plan_id, key in plan_names.items():
        status = client.get(f"/plans/{plan_id}").status_code
        assert status == (200 if key in MATRIX[role]["plan_read"] else 404)
    units = [u["id"] for u in client.get("/units").json()]
    assert units == [u.pk for u in selectors.unit_choices(user=user)]
    # "mine": the web's “Nhiệm vụ của đơn vị”.
    mine = set(
        selectors.task_list(user=user, filters=TaskFilters(mine=True), today=today).values_list(
            "pk", flat=True
        )
    )
    assert set(all_task_ids(client, mine="true")) == mine


@pytest.mark.parametrize("role", ROLES)
def test_writes_are_the_webs(world, role):
    client = api_as(world, role)
    for key, task in world.tasks.items():
        note = client.post(f"/tasks/{task.pk}/updates", {"note": "Đã triển khai"})
        allowed = key in MATRIX[role]["post_note"]
        readable = key in MATRIX[role]["task_read"]
        assert note.status_code == (201 if allowed else 403 if readable else 404), (key, note)
        moved = client.post(f"/tasks/{task.pk}/updates", {"progress": 35, "note": "35%"})
        allowed = key in MATRIX[role]["post_progress"]
        assert moved.status_code == (201 if allowed else 403 if readable else 404), (key, moved)
        if moved.status_code in (403, 404):
            assert moved.json()["error"]["code"] in ("forbidden", "not_found")
