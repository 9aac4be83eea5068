"""Access matrix: every role × every object view and action (issue 2, "Access").

The rules, read from the table below:

* The office and the leader of the department (TCCT) see every plan and task in their
  branch, drafts included, and the issued plan above them (the ministry's, BQP).
  Appraisers and viewers see the same, but no drafts.
* A unit head or focal officer sees the issued plans of their unit and the units above it,
  and the tasks their unit (or a unit below it) leads or supports. Never a draft.
* Evidence: oversight roles see all evidence of the tasks they oversee; a unit sees the
  evidence of tasks it leads, and the evidence it uploaded itself. So a supporting unit
  does not see the lead unit's evidence, while the lead unit sees the supporting unit's.
* Progress and status: the lead unit (head and focal) and the office, on issued plans.
  Notes and evidence: those, plus the supporting units. Nobody writes on a draft's tasks.
* Reorganising (change lead unit, change due date, edit, add tasks, issue): only the
  office of the plan's issuing unit's branch, on that plan (a draft or an issued one).
  The department's office does not reorganise the ministry's plan.
* Someone with no membership, or not logged in, sees and does nothing.

Denied reads raise Http404 in selectors (a guessed id answers "not found", not "forbidden");
denied writes raise PermissionDenied in services. The second part repeats the matrix over
HTTP: 200 for allowed, 403/404 for denied, a redirect to the login page when anonymous.
"""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from cchc.orgs import services as org_services
from cchc.plans import progress, selectors, services
from cchc.plans.models import Area, Evidence, Nudge, Plan, Task, TaskUpdate
from cchc.plans.progress import EvidenceFile
from cchc.scoring import assessment_services
from tests import test_scoring_results as scored_world

ROLES = [
    "office",
    "leader",
    "appraiser",
    "viewer",
    "head_a",
    "focal_a",
    "head_b",
    "focal_b",
    "nobody",
    "anonymous",
]

# --- the objects of the world --------------------------------------------------------------

PLANS = ["plan", "parent_plan", "draft"]
TCCT_TASKS = {"a_overdue", "a_soon", "b_track", "b_recurring", "p1_task"}  # issued plan
PARENT_TASKS = {"parent_task", "parent_uncovered"}  # the ministry's plan, led by TCCT
DRAFT_TASKS = {"draft_task"}
TASKS = sorted(TCCT_TASKS | PARENT_TASKS | DRAFT_TASKS)
ISSUED_TASKS = TCCT_TASKS | PARENT_TASKS
A_TASKS = {"a_overdue", "a_soon", "p1_task"}  # led by CTH (agency A) or CTH-P1 below it
B_TASKS = {"b_track", "b_recurring"}  # led by CTC (agency B)
B_SUPPORTS = {"a_overdue"}  # led by CTH, CTC supporting

# Evidence, by who uploaded it on which task (see the `evidence` fixture).
EVIDENCE = {
    "lead_a": ("focal_a", "a_overdue"),  # the lead unit's own evidence
    "support_b": ("focal_b", "a_overdue"),  # the supporting unit's, on the same task
    "support_b_update": ("focal_b", "a_overdue"),  # ditto, attached to a progress entry
    "own_b": ("focal_b", "b_track"),  # agency B on its own task
    "p1": ("head_a", "p1_task"),  # agency A's head, on the task of its sub-unit
    "office_a": ("office", "a_soon"),  # the office, on a task agency A leads
    "office_parent": ("office", "parent_task"),  # the office, on the ministry's task
}
ALL_EVIDENCE = set(EVIDENCE)

NOTHING: set = set()

# --- the matrix: role -> what it may read and do -------------------------------------------

OVERSIGHT_READS = {
    "plan_read": {"plan", "parent_plan"},
    "task_read": ISSUED_TASKS,
    "evidence_read": ALL_EVIDENCE,
}
NO_WRITES = {
    "post_progress": NOTHING,
    "post_note": NOTHING,
    "evidence_add": NOTHING,
    "set_lead_unit": NOTHING,
    "set_due": NOTHING,
    "plan_update": NOTHING,
    "plan_issue": NOTHING,
    "task_create": NOTHING,
}
AGENCY_A = {
    "plan_read": {"plan", "parent_plan"},
    "task_read": A_TASKS,
    "evidence_read": {"lead_a", "support_b", "support_b_update", "p1", "office_a"},
    **NO_WRITES,
    "post_progress": A_TASKS,
    "post_note": A_TASKS,
    "evidence_add": A_TASKS,
}
AGENCY_B = {
    "plan_read": {"plan", "parent_plan"},
    "task_read": B_TASKS | B_SUPPORTS,
    # not "lead_a": a supporting unit does not see the lead unit's evidence
    "evidence_read": {"support_b", "support_b_update", "own_b"},
    **NO_WRITES,
    "post_progress": B_TASKS,  # on a_overdue agency B supports: a note, not a status change
    "post_note": B_TASKS | B_SUPPORTS,
    "evidence_add": B_TASKS | B_SUPPORTS,
}
NO_ACCESS = {
    "plan_read": NOTHING,
    "task_read": NOTHING,
    "evidence_read": NOTHING,
    **NO_WRITES,
}

MATRIX = {
    "office": {
        "plan_read": {"plan", "parent_plan", "draft"},
        "task_read": ISSUED_TASKS | DRAFT_TASKS,
        "evidence_read": ALL_EVIDENCE,
        # the office reports for any task led in its branch (the ministry's task TCCT leads
        # included), on issued plans only
        "post_progress": ISSUED_TASKS,
        "post_note": ISSUED_TASKS,
        "evidence_add": ISSUED_TASKS,
        # but reorganises only its own department's plans, drafts included
        "set_lead_unit": TCCT_TASKS | DRAFT_TASKS,
        "set_due": TCCT_TASKS | DRAFT_TASKS,
        "plan_update": {"plan", "draft"},
        "plan_issue": {"draft"},  # the issued plan is refused as already issued (see below)
        "task_create": {"plan", "draft"},
    },
    "leader": {
        "plan_read": {"plan", "parent_plan", "draft"},
        "task_read": ISSUED_TASKS | DRAFT_TASKS,
        "evidence_read": ALL_EVIDENCE,
        **NO_WRITES,
    },
    "appraiser": {**OVERSIGHT_READS, **NO_WRITES},
    "viewer": {**OVERSIGHT_READS, **NO_WRITES},
    "head_a": AGENCY_A,
    "focal_a": AGENCY_A,
    "head_b": AGENCY_B,
    "focal_b": AGENCY_B,
    "nobody": NO_ACCESS,
    "anonymous": NO_ACCESS,
}

# Allowed to try, refused for what the object is, not for who asks: ValidationError.
REFUSED_AS_INVALID = {("office", "plan_issue", "plan")}

WRITE_ACTIONS = list(NO_WRITES)


def test_the_matrix_covers_every_role_and_action():
    assert set(MATRIX) == set(ROLES)
    for role, rules in MATRIX.items():
        assert set(rules) == {"plan_read", "task_read", "evidence_read", *WRITE_ACTIONS}, role


# --- fixtures ------------------------------------------------------------------------------


def yesterday() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=1)


def upload(name: str) -> EvidenceFile:
    content = f"tài liệu {name}".encode()
    return EvidenceFile(
        file=SimpleUploadedFile(f"{name}.pdf", content, content_type="application/pdf"),
        effective_on=yesterday(),
    )


@pytest.fixture
def evidence(world) -> dict[str, Evidence]:
    """Evidence on the world's tasks, uploaded through the services by who may upload it."""
    out = {}
    for key, (username, task_key) in EVIDENCE.items():
        actor, task = world.users[username], world.tasks[task_key]
        if key == "support_b_update":
            update = progress.task_update_post(
                actor=actor, task=task, note="Cục Cán bộ đã phối hợp", files=[upload(key)]
            )
            out[key] = update.evidence.get()
        else:
            out[key] = progress.evidence_add(actor=actor, task=task, item=upload(key))
    return out


def user_of(world, role):
    return AnonymousUser() if role == "anonymous" else world.users[role]


def plan_of(world, key) -> Plan:
    return {"plan": world.plan, "parent_plan": world.parent_plan, "draft": world.draft}[key]


# --- part 1: selectors and services ------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_plan_reads(world, role):
    user, allowed = user_of(world, role), MATRIX[role]["plan_read"]
    listed = set(selectors.plan_list(user=user).values_list("pk", flat=True))
    assert listed == {plan_of(world, k).pk for k in allowed}
    for key in PLANS:
        pk = plan_of(world, key).pk
        if key in allowed:
            assert selectors.plan_get(user=user, pk=pk).pk == pk
        else:
            with pytest.raises(Http404):
                selectors.plan_get(user=user, pk=pk)


@pytest.mark.parametrize("role", ROLES)
def test_task_reads(world, role):
    user, allowed = user_of(world, role), MATRIX[role]["task_read"]
    every = selectors.task_list(user=user, filters=selectors.TaskFilters(), today=world.today)
    assert {t.pk for t in every} == {world.tasks[k].pk for k in allowed}
    for key in TASKS:
        pk = world.tasks[key].pk
        if key in allowed:
            assert selectors.task_get(user=user, pk=pk).pk == pk
        else:
            with pytest.raises(Http404):
                selectors.task_get(user=user, pk=pk)
    # Filtering by a plan never widens the set (a guessed plan id shows nothing more).
    for key in PLANS:
        plan = plan_of(world, key)
        in_plan = selectors.task_list(
            user=user, filters=selectors.TaskFilters(plan=plan.pk), today=world.today
        )
        assert {t.pk for t in in_plan} == {
            world.tasks[k].pk for k in allowed if world.tasks[k].plan_id == plan.pk
        }


@pytest.mark.parametrize("role", ROLES)
def test_task_reads_by_unit(world, other_branch, role):
    """Filtering by a unit is the readable tasks led in its branch, whatever the unit: the
    user's own branch (read without a check per task), one above it, beside it or in
    another department (the supported task stays out: its lead unit is not there)."""
    user = user_of(world, role)
    every = selectors.task_list(user=user, filters=selectors.TaskFilters(), today=world.today)
    for unit in [*world.units.values(), other_branch["task"].lead_unit]:
        expected = {t.pk for t in every if t.lead_unit.path.startswith(unit.path)}
        for plan in (None, world.plan.pk, world.draft.pk):
            filters = selectors.TaskFilters(unit=unit.pk, plan=plan)
            got = selectors.task_list(user=user, filters=filters, today=world.today)
            wanted = {
                pk for pk in expected if plan is None or Task.objects.get(pk=pk).plan_id == plan
            }
            assert {t.pk for t in got} == wanted, (unit.code, plan)


def _mine_expected(user, every) -> set[int]:
    """The readable tasks that a unit of the user's (unit head, focal) leads or supports."""
    from cchc.orgs.access import UNIT_ROLES, access_for

    paths = access_for(user).paths_for(*UNIT_ROLES)
    return {
        task.pk
        for task in every
        if any(
            unit.path.startswith(path)
            for unit in [task.lead_unit, *task.supporting_units.all()]
            for path in paths
        )
    }


@pytest.mark.parametrize("role", [*ROLES, "office_focal", "superuser"])
def test_my_units_tasks_are_the_scope_narrowed_to_my_units_work(world, role):
    """“Việc của tôi” lists the readable tasks the user's units lead or support, drafts
    too for an office that also works in a unit (the draft's task led there), all for a
    superuser; the union of led and supported is read once."""
    if role == "office_focal":
        user = world.users["office"]
        org_services.membership_grant(actor=None, user=user, unit=world.units["CTH"], role="focal")
    elif role == "superuser":
        user = world.users["nobody"]
        user.is_superuser = True
        user.save()
    else:
        user = user_of(world, role)
    every = selectors.task_list(user=user, filters=selectors.TaskFilters(), today=world.today)
    mine = selectors.task_list(
        user=user, filters=selectors.TaskFilters(mine=True), today=world.today
    )
    expected = {t.pk for t in every} if role == "superuser" else _mine_expected(user, every)
    assert {t.pk for t in mine} == expected
    # Of one plan, the same narrowed to it (the scope's subqueries then read that plan's).
    for key in PLANS:
        plan = plan_of(world, key)
        filters = selectors.TaskFilters(mine=True, plan=plan.pk)
        of_plan = selectors.task_list(user=user, filters=filters, today=world.today)
        assert {t.pk for t in of_plan} == {
            pk for pk in expected if Task.objects.get(pk=pk).plan_id == plan.pk
        }, key
    if role == "office_focal":
        assert world.tasks["draft_task"].pk in expected
    if role in ("head_a", "focal_b"):
        assert expected and str(mine.query).count(" UNION ") == 1


def test_a_unit_reads_its_tasks_through_one_union_of_led_and_supported(world):
    """A focal officer's scope is one IN over the union of the tasks their units lead and
    those they support, which each side's index answers; as an OR of the two, PostgreSQL
    read every task of the plan to check the second. What it grants is the matrix's."""
    from cchc.orgs.access import access_for
    from cchc.plans import permissions

    access = access_for(world.users["focal_b"])
    sql = str(Task.objects.filter(permissions.task_q(access)).query)
    assert sql.count(" UNION ") == 1 and " OR " not in sql


@pytest.mark.parametrize("role", ["office", "viewer", "focal", "leader"])
def test_a_user_at_the_root_reads_what_the_scope_grants_and_no_more(world, other_branch, role):
    """At the tree's one root, the task list skips the check per task (every issued task,
    and the drafts they manage); once another root exists that they do not cover, the
    check is back. Either way the list is exactly what the scope grants."""
    from cchc.orgs.access import access_for
    from cchc.plans import permissions

    user = build_user(f"root_{role}")
    org_services.membership_grant(actor=None, user=user, unit=world.units["BQP"], role=role)

    def listed() -> set[int]:
        today = timezone.localdate()  # the tasks added today count
        tasks = selectors.task_list(user=user, filters=selectors.TaskFilters(), today=today)
        return {t.pk for t in tasks}

    def granted() -> set[int]:
        scope = permissions.task_q(access_for(user))
        return set(Task.objects.filter(scope).values_list("pk", flat=True))

    roots = [world.units["BQP"].path]
    assert permissions.tree_task_q(access_for(user), roots) is not None
    assert listed() == granted()
    assert other_branch["task"].pk in listed()
    elsewhere = org_services.unit_create(actor=None, code="BCA", name="Bộ Công an")
    plan = services.plan_create(actor=None, year=2026, title="KH", issuing_unit=elsewhere)
    foreign = services.task_create(
        actor=None, plan=plan, area=Area.objects.get(code=1), title="x", lead_unit=elsewhere
    )
    services.plan_issue(actor=None, plan=plan)
    assert permissions.tree_task_q(access_for(user), [*roots, elsewhere.path]) is None
    assert listed() == granted()
    assert foreign.pk not in listed()


@pytest.mark.parametrize("role", ROLES)
def test_evidence_reads(world, evidence, role):
    user, allowed = user_of(world, role), MATRIX[role]["evidence_read"]
    for key, item in evidence.items():
        if key in allowed:
            assert selectors.evidence_get(user=user, pk=item.pk).pk == item.pk
        else:
            with pytest.raises(Http404):
                selectors.evidence_get(user=user, pk=item.pk)
    # The task page's lists show the same evidence: on its own and under each update.
    for task_key in {task for _, task in EVIDENCE.values()}:
        task = world.tasks[task_key]
        expected = {evidence[k].pk for k in allowed if EVIDENCE[k][1] == task_key}
        shown = {e.pk for e in selectors.task_evidence(user=user, task=task)}
        assert shown == expected, task_key
        under_updates = {
            e.pk for u in selectors.task_updates(user=user, task=task) for e in u.visible_evidence
        }
        assert under_updates <= expected, task_key


def _attempt(world, role, action, key):
    """Run one action on one object. Returns True if it was done, False if refused
    with PermissionDenied; lets any other error through."""
    actor = user_of(world, role)
    try:
        if action in ("plan_update", "plan_issue", "task_create"):
            plan = plan_of(world, key)
            if action == "plan_update":
                services.plan_update(actor=actor, plan=plan, title=f"{plan.title} (sửa)")
            elif action == "plan_issue":
                services.plan_issue(actor=actor, plan=plan, document_number="1/KH")
            else:
                services.task_create(
                    actor=actor,
                    plan=plan,
                    area=Area.objects.get(code=6),
                    title="Nhiệm vụ mới",
                    lead_unit=world.units["CTH"],
                )
            return True
        task = world.tasks[key]
        if action == "post_progress":
            progress.task_update_post(
                actor=actor, task=task, progress=50, status="in_progress", note="Tiến độ"
            )
        elif action == "post_note":
            progress.task_update_post(actor=actor, task=task, note="Ý kiến phối hợp")
        elif action == "evidence_add":
            progress.evidence_add(actor=actor, task=task, item=upload(f"{role}-{key}"))
        elif action == "set_lead_unit":
            services.tasks_set_lead_unit(
                actor=actor, task_ids=[task.pk], lead_unit=world.units["VP"]
            )
        elif action == "set_due":
            services.tasks_set_due(
                actor=actor, task_ids=[task.pk], due_date=datetime.date(2026, 12, 31)
            )
        else:
            raise AssertionError(action)
        return True
    except PermissionDenied:
        return False


def _effect(world, action, key):
    """What the action leaves behind, to check a refusal left nothing."""
    if action in ("plan_update", "plan_issue", "task_create"):
        plan = Plan.objects.get(pk=plan_of(world, key).pk)
        return (plan.title, plan.status, plan.tasks.count())
    task = Task.objects.get(pk=world.tasks[key].pk)
    return (
        task.status,
        task.progress,
        task.lead_unit_id,
        task.due_date,
        task.updates.count(),
        task.evidence.count(),
    )


@pytest.mark.parametrize("action", WRITE_ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_write_actions(world, role, action):
    allowed = MATRIX[role][action]
    objects = PLANS if action in ("plan_update", "plan_issue", "task_create") else TASKS
    wrong = []
    for key in objects:
        before = _effect(world, action, key)
        if (role, action, key) in REFUSED_AS_INVALID:
            with pytest.raises(ValidationError):
                _attempt(world, role, action, key)
            assert _effect(world, action, key) == before
            continue
        done = _attempt(world, role, action, key)
        if done != (key in allowed):
            wrong.append(f"{key}: expected {'allowed' if key in allowed else 'denied'}")
        if done:
            assert _effect(world, action, key) != before, key
        else:
            assert _effect(world, action, key) == before, key
    assert wrong == []


@pytest.mark.parametrize("role", ["head_b", "focal_b"])
def test_supporting_unit_adds_a_note_but_cannot_move_the_task(world, role):
    task = world.tasks["a_overdue"]
    update = progress.task_update_post(actor=world.users[role], task=task, note="Đã phối hợp")
    assert (update.status_before, update.status_after) == ("not_started", "not_started")
    assert update.unit == world.units["CTC"]
    for kwargs in ({"status": "in_progress"}, {"progress": 10}, {"status": "done"}):
        with pytest.raises(PermissionDenied):
            progress.task_update_post(
                actor=world.users[role], task=task, note="X", deliverable="Y", **kwargs
            )
    task.refresh_from_db()
    assert (task.status, task.progress) == ("not_started", 0)
    assert task.updates.count() == 1


def test_nobody_writes_on_a_draft_plans_tasks(world):
    for role in ROLES:
        for action in ("post_progress", "post_note", "evidence_add"):
            assert _attempt(world, role, action, "draft_task") is False, (role, action)


@pytest.fixture
def other_branch(world):
    """A sibling department (TCHC) whose issued plan has a task that agency A (CTH, in
    TCCT's branch) supports; both units upload evidence on it."""
    tchc = org_services.unit_create(
        actor=None, code="TCHC", name="Tổng cục Hậu cần", parent=world.units["BQP"]
    )
    plan = services.plan_create(
        actor=None, year=2026, title="Kế hoạch CCHC của Tổng cục Hậu cần", issuing_unit=tchc
    )
    task = services.task_create(
        actor=None,
        plan=plan,
        area=Area.objects.get(code=1),
        title="Tuyên truyền trong toàn ngành hậu cần",
        lead_unit=tchc,
        supporting_units=[world.units["CTH"]],
        due_text="Quý IV/2026",
    )
    services.plan_issue(actor=None, plan=plan)
    focal_h = org_services.membership_grant(
        actor=None, user=build_user("focal_h"), unit=tchc, role="focal"
    ).user
    theirs = progress.evidence_add(actor=focal_h, task=task, item=upload("tchc"))
    ours = progress.evidence_add(actor=world.users["focal_a"], task=task, item=upload("cth"))
    return {"plan": plan, "task": task, "theirs": theirs, "ours": ours}


def build_user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(username=username, password="x")


@pytest.mark.parametrize("overseer", ["office", "leader", "appraiser", "viewer"])
def test_oversight_sees_everything_the_units_below_see(world, evidence, other_branch, overseer):
    """A leader of TCCT sees at least what any unit head or focal officer below TCCT sees,
    including the tasks those units support in another department's plan."""
    top = world.users[overseer]
    top_tasks = set(
        selectors.task_list(user=top, filters=selectors.TaskFilters(), today=world.today)
    )
    for below in ("head_a", "focal_a", "head_b", "focal_b"):
        user = world.users[below]
        tasks = set(
            selectors.task_list(user=user, filters=selectors.TaskFilters(), today=world.today)
        )
        assert tasks <= top_tasks, below
        for task in tasks:
            seen = set(selectors.task_evidence(user=user, task=task))
            assert seen <= set(selectors.task_evidence(user=top, task=task)), (below, task)
    task = other_branch["task"]
    assert selectors.task_get(user=world.users["focal_a"], pk=task.pk) == task
    assert selectors.task_get(user=top, pk=task.pk) == task
    # Only the evidence of TCCT's own units: TCHC's stays with TCHC.
    assert set(selectors.task_evidence(user=top, task=task)) == {other_branch["ours"]}
    # Reading is all: the plan stays another department's, and nothing can be written.
    with pytest.raises(Http404):
        selectors.plan_get(user=top, pk=other_branch["plan"].pk)
    for action in ("post_progress", "post_note", "evidence_add", "set_due"):
        world.tasks["_other"] = task
        assert _attempt(world, overseer, action, "_other") is False, action


def test_agency_b_sees_nothing_of_the_other_department(world, other_branch):
    user = world.users["focal_b"]
    with pytest.raises(Http404):
        selectors.task_get(user=user, pk=other_branch["task"].pk)
    for key in ("theirs", "ours"):
        with pytest.raises(Http404):
            selectors.evidence_get(user=user, pk=other_branch[key].pk)


# --- part 2: the same matrix over HTTP ------------------------------------------------------
#
# A renamed or missing URL fails these tests (NoReverseMatch), never skips them.


@pytest.fixture
def web(client, world):
    def login(role):
        client.logout()
        if role != "anonymous":
            client.force_login(world.users[role])
        return client

    return login


def assert_login_redirect(response):
    assert response.status_code == 302, response.status_code
    assert response["Location"].startswith(reverse("login")), response["Location"]


def assert_denied(response, *secrets: str):
    assert response.status_code in (403, 404), response.status_code
    body = response.content.decode(errors="replace")
    for secret in secrets:
        assert secret not in body


@pytest.mark.parametrize("role", ROLES)
def test_http_plan_detail(web, world, role):
    client = web(role)
    for key in PLANS:
        plan = plan_of(world, key)
        response = client.get(reverse("plans:plan-detail", kwargs={"pk": plan.pk}))
        if role == "anonymous":
            assert_login_redirect(response)
        elif key in MATRIX[role]["plan_read"]:
            assert response.status_code == 200, key
        else:
            assert_denied(response, plan.title)


@pytest.mark.parametrize("role", ROLES)
def test_http_task_detail(web, world, role):
    client = web(role)
    for key in TASKS:
        task = world.tasks[key]
        response = client.get(reverse("plans:task-detail", kwargs={"pk": task.pk}))
        if role == "anonymous":
            assert_login_redirect(response)
        elif key in MATRIX[role]["task_read"]:
            assert response.status_code == 200, key
        else:
            assert_denied(response, task.title)


@pytest.mark.parametrize("role", ROLES)
def test_http_task_update(web, world, role):
    client = web(role)
    for key in TASKS:
        task = world.tasks[key]
        url = reverse("plans:task-update", kwargs={"pk": task.pk})
        page = client.get(url)
        count = TaskUpdate.objects.filter(task=task).count()
        # A complete form: without the report date the page would only show its errors.
        posted = client.post(
            url,
            {"note": "Gửi qua trình duyệt", "reported_on": timezone.localdate().isoformat()},
        )
        if role == "anonymous":
            assert_login_redirect(page)
            assert_login_redirect(posted)
        elif key in MATRIX[role]["post_note"]:
            assert page.status_code == 200, key
            assert posted.status_code == 302, key
            assert TaskUpdate.objects.filter(task=task).count() == count + 1, key
        else:
            assert_denied(page, task.title)
            assert_denied(posted, task.title)
        if role == "anonymous" or key not in MATRIX[role]["post_note"]:
            assert TaskUpdate.objects.filter(task=task).count() == count, key


@pytest.mark.parametrize("role", ROLES)
def test_http_evidence_download(web, world, evidence, role):
    client = web(role)
    for key, item in evidence.items():
        response = client.get(reverse("plans:evidence-download", kwargs={"pk": item.pk}))
        if role == "anonymous":
            assert_login_redirect(response)
        elif key in MATRIX[role]["evidence_read"]:
            assert response.status_code == 200, key
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert body == f"tài liệu {key}".encode(), key
        else:
            assert_denied(response)


@pytest.mark.parametrize("role", ROLES)
def test_http_task_bulk(web, world, role):
    url = reverse("plans:task-bulk")
    client = web(role)
    allowed = MATRIX[role]["set_due"]
    new_due = datetime.date(2026, 12, 31)
    for key in TASKS:
        task = world.tasks[key]
        response = client.post(
            url, {"ids": [task.pk], "action": "set_due", "due_date": new_due.isoformat()}
        )
        due = Task.objects.get(pk=task.pk).due_date
        if role == "anonymous":
            assert_login_redirect(response)
        elif key in allowed:
            assert response.status_code in (200, 302), key
            assert due == new_due, key
        else:
            assert_denied(response)
        if role == "anonymous" or key not in allowed:
            assert due == task.due_date, key


@pytest.mark.parametrize("role", ROLES)
def test_http_task_nudge(web, world, role):
    """Nudging is the office's of the plan's branch, like reorganising it; a draft's tasks
    are refused as such (their units do not see them yet)."""
    url = reverse("plans:task-bulk")
    client = web(role)
    for key in TASKS:
        task = world.tasks[key]
        before = Nudge.objects.count()
        response = client.post(url, {"ids": [task.pk], "action": "nudge", "message": "Nhắc"})
        nudged = Nudge.objects.count() > before
        if role == "anonymous":
            assert_login_redirect(response)
        elif key in MATRIX[role]["set_due"]:
            assert response.status_code == 302, key
            assert nudged == (key in ISSUED_TASKS), key
        else:
            assert_denied(response)
        assert nudged == (role == "office" and key in TCCT_TASKS), key


@pytest.mark.parametrize("role", ROLES)
def test_http_dashboard(web, world, role):
    url = reverse("plans:dashboard")
    client = web(role)
    response = client.get(url)
    if role == "anonymous":
        assert_login_redirect(response)
        return
    assert response.status_code == 200
    for key in PLANS:
        plan = plan_of(world, key)
        response = client.get(url, {"plan": plan.pk})
        if key in MATRIX[role]["plan_read"]:
            assert response.status_code == 200, key
        else:
            assert_denied(response, plan.title)


@pytest.mark.parametrize("role", ROLES)
def test_http_task_list_shows_no_task_out_of_reach(web, world, role):
    url = reverse("plans:task-list")
    client = web(role)
    hidden = [world.tasks[k].title for k in TASKS if k not in MATRIX[role]["task_read"]]
    shown = {world.tasks[k].pk: world.tasks[k].title for k in MATRIX[role]["task_read"]}
    listed = set()
    for params in ({}, {"plan": world.draft.pk}, {"plan": world.parent_plan.pk}):
        response = client.get(url, params)
        if role == "anonymous":
            assert_login_redirect(response)
            continue
        assert response.status_code == 200, params
        body = response.content.decode()
        for title in hidden:
            assert title not in body, (params, title)
        listed |= {pk for pk, title in shown.items() if title in body}
    # Every task the role may read is listed too: a page that always answers 404 or shows
    # nothing would otherwise pass.
    if role != "anonymous":
        assert listed == set(shown), role


# --- the unit's document settings (its symbol in numbers, the signer of its plans) --------
#
# Only the office, and only for the units of its branch: TCCT's office sets TCCT's and its
# agencies', never the ministry's (BQP).

UNITS = ["BQP", "TCCT", "VP", "CTH", "CTH-P1", "CTC"]
UNIT_DOCUMENTS = {role: NOTHING for role in ROLES} | {
    "office": {"TCCT", "VP", "CTH", "CTH-P1", "CTC"}
}


def _unit_documents(unit) -> tuple:
    unit.refresh_from_db()
    return (unit.symbol, unit.signer_authority, unit.signer_title, unit.signer_name)


@pytest.mark.parametrize("role", ROLES)
def test_unit_documents_update(world, role):
    actor, allowed = user_of(world, role), UNIT_DOCUMENTS[role]
    for code in UNITS:
        unit = world.units[code]
        before = _unit_documents(unit)
        try:
            org_services.unit_document_settings_update(
                actor=actor,
                unit=unit,
                symbol="XY",
                signer_authority="KT. Chủ nhiệm",
                signer_title="Phó Chủ nhiệm",
                signer_name=f"Người ký {code}",
            )
            done = True
        except PermissionDenied:
            done = False
        assert done == (code in allowed), code
        assert (_unit_documents(unit) != before) == done, code


@pytest.mark.parametrize("role", ROLES)
def test_http_unit_documents(web, world, role):
    client = web(role)
    for code in UNITS:
        unit = world.units[code]
        url = reverse("orgs:unit-documents", kwargs={"pk": unit.pk})
        page = client.get(url)
        posted = client.post(
            url,
            {
                "symbol": "XY",
                "signer_authority": "",
                "signer_title": "Chủ nhiệm",
                "signer_name": f"Người ký {code}",
            },
        )
        if role == "anonymous":
            assert_login_redirect(page)
            assert_login_redirect(posted)
        elif code in UNIT_DOCUMENTS[role]:
            assert page.status_code == 200, code
            assert posted.status_code == 302, code
        else:
            assert_denied(page)
            assert_denied(posted)
        assert (_unit_documents(unit)[3] == f"Người ký {code}") == (
            role != "anonymous" and code in UNIT_DOCUMENTS[role]
        ), code


# --- the plan import (upload, its template, the preview's choices) ---------------------------
#
# Only an office: the upload page and the template to fill in open for it; every other
# role is refused, and someone not logged in is sent to log in. A staged upload lives in
# its uploader's session: a token that is not there is "not found", even to an office.

IMPORT_PAGES = ["imports:upload", "imports:template"]


@pytest.mark.parametrize("role", ROLES)
def test_http_import_pages(web, world, role):
    client = web(role)
    for name in IMPORT_PAGES:
        response = client.get(reverse(name))
        if role == "anonymous":
            assert_login_redirect(response)
        elif role == "office":
            assert response.status_code == 200, name
        else:
            assert response.status_code == 403, (name, response.status_code)
    for name in ("imports:alias", "imports:group", "imports:area"):
        response = client.post(reverse(name, kwargs={"token": "0" * 32}), {"heading": 1})
        if role == "anonymous":
            assert_login_redirect(response)
        else:
            assert response.status_code == (404 if role == "office" else 403), name


# --- confirming a reported completion (xác nhận hoàn thành, issue 12) -----------------------
#
# Only the office that reorganises the plan: TCCT's office for TCCT's tasks, not for the
# ministry's task TCCT leads (the ministry's office reviews that), and no other role.

REVIEW_TASKS = sorted(ISSUED_TASKS)
COMPLETION_REVIEW = {role: NOTHING for role in ROLES} | {"office": TCCT_TASKS}


@pytest.fixture
def reported_done(world):
    """Every issued task reported done (by the office, which may report on each)."""
    for key in REVIEW_TASKS:
        progress.task_update_post(
            actor=world.users["office"],
            task=world.tasks[key],
            status="done",
            deliverable="Văn bản",
        )


@pytest.mark.parametrize("role", ROLES)
def test_completion_confirm(world, reported_done, role):
    from cchc.plans import review
    from cchc.plans.models import CompletionReview

    actor = user_of(world, role)
    for key in REVIEW_TASKS:
        task = world.tasks[key]
        try:
            review.completion_confirm(actor=actor, task=task, rating="met")
            done = True
        except PermissionDenied:
            done = False
        assert done == (key in COMPLETION_REVIEW[role]), key
        assert CompletionReview.objects.filter(task=task).exists() == done, key


@pytest.mark.parametrize("role", ROLES)
def test_http_completion_return(web, world, reported_done, role):
    from cchc.plans.models import CompletionReview

    client = web(role)
    for key in REVIEW_TASKS:
        task = world.tasks[key]
        response = client.post(
            reverse("plans:task-return", kwargs={"pk": task.pk}), {"reason": "Thiếu tài liệu"}
        )
        if role == "anonymous":
            assert_login_redirect(response)
        elif key in COMPLETION_REVIEW[role]:
            assert response.status_code == 302, key
        else:
            assert_denied(response)
        returned = CompletionReview.objects.filter(task=task).exists()
        assert returned == (role != "anonymous" and key in COMPLETION_REVIEW[role]), key
    queue = client.get(reverse("plans:task-reviews"))
    if role == "anonymous":
        assert_login_redirect(queue)
    else:
        assert queue.status_code == (200 if role == "office" else 403)


# --- the yearly scoring's assessments (issue 12) ----------------------------------------------
#
# A unit's assessment is its own (head and focal officer) from its draft; the branch's office,
# leader, appraisers and viewers read it once sent; agency B never reads agency A's. The
# progress page is the branch's; the appraisal queue the council's; each page by URL.

OVERSIGHT_ROLES = {"office", "leader", "appraiser", "viewer"}
ASSESSMENT_PAGES = {
    # page: (who reads it while A's assessment is a draft, once it is sent)
    "assessment-detail": ({"head_a", "focal_a"}, {"head_a", "focal_a"} | OVERSIGHT_ROLES),
    "score-file-download": ({"head_a", "focal_a"}, {"head_a", "focal_a"} | OVERSIGHT_ROLES),
    "assessment-progress": (OVERSIGHT_ROLES, OVERSIGHT_ROLES),
    "assessments-open": ({"office"}, {"office"}),
    "survey-points": ({"office"}, {"office"}),
    "appraisal-queue": ({"appraiser"}, {"appraiser"}),
}


@pytest.fixture
def assessment(world):
    from cchc.scoring import assessment_services
    from cchc.scoring import services as scoring_services

    office = world.users["office"]
    made = scoring_services.criteria_set_create_example(
        actor=office, unit=world.units["TCCT"], year=2026
    )
    in_use = scoring_services.criteria_set_mark_in_use(actor=office, criteria_set=made)
    (opened,) = assessment_services.assessments_open(
        actor=office, criteria_set=in_use, units=[world.units["CTH"]]
    )
    for score in opened.scores.select_related("criterion"):
        if score.criterion.method in assessment_services.UNIT_SCORED:
            assessment_services.score_save(
                actor=world.users["focal_a"],
                score=score,
                self_points=score.criterion.max_points,
                explanation="Tự chấm bí mật",
                no_evidence_reason="",
                files=[SimpleUploadedFile("kc.pdf", b"%PDF-1.4 kc", "application/pdf")],
            )
    return opened


def _assessment_url(name, a) -> str:
    from cchc.scoring.models import ScoreFile

    arg = {
        "assessment-detail": a.pk,
        "score-file-download": ScoreFile.objects.filter(score__assessment=a).first().pk,
        "assessment-progress": a.criteria_set_id,
        "assessments-open": a.criteria_set_id,
        "survey-points": a.criteria_set_id,
    }.get(name)
    return reverse(f"scoring:{name}", args=[] if arg is None else [arg])


@pytest.mark.parametrize("role", ROLES)
def test_http_assessment_pages(web, world, assessment, role):
    from cchc.scoring import assessment_services

    client = web(role)
    for sent in (False, True):
        if sent:
            assessment_services.assessment_submit(
                actor=world.users["head_a"], assessment=assessment
            )
        for name, readers in ASSESSMENT_PAGES.items():
            response = client.get(_assessment_url(name, assessment))
            if role == "anonymous":
                assert_login_redirect(response)
            elif role in readers[sent]:
                assert response.status_code == 200, (name, sent)
            else:
                assert_denied(response, "Tự chấm bí mật")


# --- scoring results (issue 12, “Results”) ---------------------------------------------------
#
# The results of a set (the table, its files) are for the branch's office, leader,
# appraisers and viewers; a unit reads only its own score sheet (the readers read every
# sheet once sent). Only the office sets the cut-off and bands, and closes the set.

RESULT_READERS = {"office", "leader", "appraiser", "viewer"}
SHEET_OF_A = RESULT_READERS | {"head_a", "focal_a"}


@pytest.fixture
def results_set(world):
    criteria_set = scored_world.small_set(world)
    (assessment,) = assessment_services.assessments_open(
        actor=None, criteria_set=criteria_set, units=[world.units["CTH"]]
    )
    scored_world.score(assessment, {"1.1": 50, "2.1": 40})
    return criteria_set, assessment


@pytest.mark.parametrize("role", ROLES)
def test_http_scoring_results(web, world, results_set, role):
    criteria_set, assessment = results_set
    client = web(role)
    reads = {
        reverse("scoring:set-results", args=[criteria_set.pk]): role in RESULT_READERS,
        reverse("scoring:results-export", args=[criteria_set.pk, "xlsx"]): role in RESULT_READERS,
        reverse("scoring:results-export", args=[criteria_set.pk, "docx"]): role in RESULT_READERS,
        reverse("scoring:score-sheet", args=[assessment.pk, "docx"]): role in SHEET_OF_A,
        reverse("scoring:set-settings", args=[criteria_set.pk]): role == "office",
    }
    for url, allowed in reads.items():
        response = client.get(url)
        if role == "anonymous":
            assert_login_redirect(response)
        elif allowed:
            assert response.status_code == 200, url
        else:
            assert_denied(response, "Cục Tuyên huấn")
    closed = client.post(reverse("scoring:set-close", args=[criteria_set.pk]))
    criteria_set.refresh_from_db()
    if role == "anonymous":
        assert_login_redirect(closed)
    elif role == "office":
        assert closed.status_code == 302
    else:
        assert_denied(closed)
    assert (criteria_set.status == "closed") == (role == "office")
