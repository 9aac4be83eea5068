from cchc.audit.services import verify_chain
from cchc.plans.selectors import TaskFilters, task_list


def test_world_builds_and_chain_holds(world):
    assert verify_chain()[1] is None
    office = task_list(
        user=world.users["office"], filters=TaskFilters(plan=world.plan.pk), today=world.today
    )
    assert office.count() == 5
    focal = task_list(user=world.users["focal_b"], filters=TaskFilters(), today=world.today)
    assert {t.code for t in focal} == {"1.1", "3.1", "5.1"}
