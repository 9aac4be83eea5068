"""The audit log: one event per write, in the write's transaction, hash-chained, verifiable.

Issue 2, "Audit": every write goes through a service that appends an event (actor, action,
object type and id, changed fields before and after, time, client address) in the same
transaction; `cchc verify_audit` names the first broken event when a row was changed,
removed or inserted by hand.
"""

import datetime
import hashlib
import json
from io import StringIO

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from cchc.audit import keys
from cchc.audit.context import client_address
from cchc.audit.middleware import AuditContextMiddleware
from cchc.audit.models import AuditEvent, AuditHead
from cchc.audit.selectors import object_history
from cchc.audit.services import GENESIS, event_hash, verify_chain
from cchc.orgs import services as org_services
from cchc.orgs.models import Membership, Unit
from cchc.plans import progress, services
from cchc.plans.models import Area, Evidence, Plan, Task, TaskUpdate
from cchc.plans.progress import EvidenceFile

CLIENT_IP = "203.0.113.7"


@pytest.fixture
def client_ip():
    """The client address as the middleware sets it for a request."""
    token = client_address.set(CLIENT_IP)
    yield CLIENT_IP
    client_address.reset(token)


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser("root", "root@example.org", "pw")


def last_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def events_since(start: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(id__gt=start).order_by("id"))


def pdf(name="bien-ban.pdf", content=b"%PDF-1.4 bien ban hop"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def yesterday() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=1)


# --- one event per service, with before/after ------------------------------------------
#
# Each scenario runs one service call and returns the events it must have written:
# (actor username, action, object, changes) -- `changes` exactly as stored, JSON values.


def sc_plan_create(w):
    plan = services.plan_create(
        actor=w.users["office"],
        year=2027,
        title="Kế hoạch CCHC năm 2027",
        issuing_unit=w.units["TCCT"],
        parent=w.parent_plan,
        purpose="Mục đích",
    )
    changes = {
        "year": [None, 2027],
        "title": [None, "Kế hoạch CCHC năm 2027"],
        "issuing_unit_id": [None, w.units["TCCT"].pk],
        "document_number": [None, ""],
        "issued_on": [None, None],
        "parent_id": [None, w.parent_plan.pk],
        "status": [None, "draft"],
        "purpose": [None, "Mục đích"],
        "requirements": [None, ""],
        "implementation": [None, ""],
    }
    return [("office", "plan.create", plan, changes)]


def sc_plan_update(w):
    old = w.draft.title
    plan = services.plan_update(
        actor=w.users["office"], plan=w.draft, title="Dự thảo (sửa)", year=2028, purpose=""
    )
    # `purpose` did not change ("" -> ""), so it is not in the event
    return [
        ("office", "plan.update", plan, {"title": [old, "Dự thảo (sửa)"], "year": [2027, 2028]})
    ]


def sc_plan_issue(w):
    plan = services.plan_issue(
        actor=w.users["office"],
        plan=w.draft,
        document_number="30/KH-CT",
        issued_on=datetime.date(2026, 12, 1),
    )
    changes = {
        "status": ["draft", "issued"],
        "document_number": ["", "30/KH-CT"],
        "issued_on": [None, "2026-12-01"],
    }
    return [("office", "plan.issue", plan, changes)]


def sc_task_create(w):
    task = services.task_create(
        actor=w.users["office"],
        plan=w.draft,
        area=Area.objects.get(code=3),
        code="3.9",
        title="Công bố thủ tục hành chính nội bộ",
        lead_unit=w.units["CTC"],
        supporting_units=[w.units["VP"], w.units["CTH"]],
        due_text="Quý II/2027",
        deliverable="Quyết định công bố",
    )
    expected = {
        "area_id": [None, Area.objects.get(code=3).pk],
        "section_id": [None, None],
        "code": [None, "3.9"],
        "title": [None, "Công bố thủ tục hành chính nội bộ"],
        "description": [None, ""],
        "lead_unit_id": [None, w.units["CTC"].pk],
        "due_date": [None, "2027-06-30"],
        "due_text": [None, "Quý II/2027"],
        "is_recurring": [None, False],
        "deliverable": [None, "Quyết định công bố"],
        "notes": [None, ""],
        "parent_task_id": [None, None],
        "status": [None, "not_started"],
        "progress": [None, 0],
        "completed_on": [None, None],
        "result": [None, ""],
        "supporting_units": [None, sorted([w.units["VP"].pk, w.units["CTH"].pk])],
    }
    return [("office", "task.create", task, expected)]


def sc_task_update_post(w):
    task = w.tasks["a_overdue"]
    first = progress.task_update_post(
        actor=w.users["focal_a"], task=task, progress=40, status="in_progress", note="Đã họp"
    )
    done = progress.task_update_post(
        actor=w.users["focal_a"],
        task=task,
        status="done",
        deliverable="Kế hoạch tuyên truyền số 12/KH-TH",
        completed_on=yesterday(),
        note="Đã ban hành",
    )
    return [
        (
            "focal_a",
            "task.update_post",
            task,
            {
                "progress": [0, 40],
                "status": ["not_started", "in_progress"],
                "update": [None, first.pk],
            },
        ),
        (
            "focal_a",
            "task.update_post",
            task,
            {
                "progress": [40, 100],
                "status": ["in_progress", "done"],
                "completed_on": [None, yesterday().isoformat()],
                "result": ["", "Kế hoạch tuyên truyền số 12/KH-TH"],
                "update": [None, done.pk],
            },
        ),
    ]


def sc_task_update_post_with_file(w):
    task = w.tasks["b_track"]
    update = progress.task_update_post(
        actor=w.users["focal_b"],
        task=task,
        progress=10,
        note="Đã có biên bản",
        files=[EvidenceFile(file=pdf(), effective_on=yesterday())],
    )
    evidence = Evidence.objects.get(update=update)
    return [
        (
            "focal_b",
            "task.update_post",
            task,
            {"progress": [0, 10], "update": [None, update.pk]},
        ),
        (
            "focal_b",
            "evidence.add",
            evidence,
            {
                "task": [None, task.pk],
                "name": [None, "bien-ban.pdf"],
                "sha256": [None, hashlib.sha256(b"%PDF-1.4 bien ban hop").hexdigest()],
                "effective_on": [None, yesterday().isoformat()],
            },
        ),
    ]


def sc_evidence_add(w):
    content = b"bien ban phoi hop cua Cuc Can bo"
    evidence = progress.evidence_add(
        actor=w.users["focal_b"],
        task=w.tasks["a_overdue"],
        item=EvidenceFile(file=pdf("phoi-hop.pdf", content), effective_on=yesterday()),
    )
    changes = {
        "task": [None, w.tasks["a_overdue"].pk],
        "name": [None, "phoi-hop.pdf"],
        "sha256": [None, hashlib.sha256(content).hexdigest()],
        "effective_on": [None, yesterday().isoformat()],
    }
    return [("focal_b", "evidence.add", evidence, changes)]


def sc_tasks_set_lead_unit(w):
    t = w.tasks
    services.tasks_set_lead_unit(
        actor=w.users["office"],
        task_ids=[t["p1_task"].pk, t["a_soon"].pk, t["b_track"].pk],
        lead_unit=w.units["CTC"],
    )
    # b_track is already led by CTC: no event for it. Events come in task-id order.
    return [
        (
            "office",
            "task.set_lead_unit",
            t["a_soon"],
            {"lead_unit_id": [w.units["CTH"].pk, w.units["CTC"].pk]},
        ),
        (
            "office",
            "task.set_lead_unit",
            t["p1_task"],
            {"lead_unit_id": [w.units["CTH-P1"].pk, w.units["CTC"].pk]},
        ),
    ]


def sc_tasks_set_due(w):
    t = w.tasks
    new = datetime.date(2026, 9, 30)
    services.tasks_set_due(
        actor=w.users["office"], task_ids=[t["b_recurring"].pk, t["a_overdue"].pk], due_date=new
    )
    return [
        (
            "office",
            "task.set_due",
            t["a_overdue"],
            {
                "due_date": [t["a_overdue"].due_date.isoformat(), "2026-09-30"],
                "due_text": [t["a_overdue"].due_text, "30/09/2026"],
            },
        ),
        (
            "office",
            "task.set_due",
            t["b_recurring"],
            {
                "due_date": [None, "2026-09-30"],
                "due_text": ["Thường xuyên", "30/09/2026"],
                "is_recurring": [True, False],
            },
        ),
    ]


def sc_unit_create(w):
    root = get_user_model().objects.get(username="root")
    unit = org_services.unit_create(
        actor=root, code="CTH-P2", name="Phòng Báo chí", parent=w.units["CTH"]
    )
    changes = {
        "code": [None, "CTH-P2"],
        "name": [None, "Phòng Báo chí"],
        "parent": [None, w.units["CTH"].pk],
    }
    return [("root", "unit.create", unit, changes)]


def sc_membership_grant(w):
    root = get_user_model().objects.get(username="root")
    membership = org_services.membership_grant(
        actor=root, user=w.users["nobody"], unit=w.units["CTC"], role="viewer"
    )
    changes = {"user": [None, "nobody"], "unit": [None, "CTC"], "role": [None, "viewer"]}
    return [("root", "membership.grant", membership, changes)]


SCENARIOS = {
    "plan_create": sc_plan_create,
    "plan_update": sc_plan_update,
    "plan_issue": sc_plan_issue,
    "task_create": sc_task_create,
    "task_update_post": sc_task_update_post,
    "task_update_post+file": sc_task_update_post_with_file,
    "evidence_add": sc_evidence_add,
    "tasks_set_lead_unit": sc_tasks_set_lead_unit,
    "tasks_set_due": sc_tasks_set_due,
    "unit_create": sc_unit_create,
    "membership_grant": sc_membership_grant,
}


def _normalise(changes: dict) -> dict:
    """A list of ids inside a change (supporting units) is a set: compare it sorted. The
    [before, after] pair itself keeps its order."""
    out = {}
    for key, pair in changes.items():
        out[key] = [sorted(v) if isinstance(v, list) else v for v in pair]
    return out


@pytest.mark.parametrize("name", SCENARIOS)
def test_service_appends_its_event(world, admin_user, client_ip, name):
    start = last_id()
    before = timezone.now().replace(microsecond=0)
    expected = SCENARIOS[name](world)
    after = timezone.now()
    events = events_since(start)
    assert [e.action for e in events] == [action for _, action, _, _ in expected]
    for event, (username, action, obj, changes) in zip(events, expected, strict=True):
        assert event.actor is not None and event.actor.username == username
        assert event.actor_name == username
        assert event.object_type == obj._meta.label_lower
        assert event.object_id == str(obj.pk)
        # Each field as [before, after] in that order. An update names exactly the fields
        # it changed; a creation names (at least) these, all with nothing before.
        if action.endswith(".create"):
            assert all(pair[0] is None for pair in event.changes.values())
            got = {k: v for k, v in event.changes.items() if k in changes}
            assert _normalise(got) == _normalise(changes)
        else:
            assert _normalise(event.changes) == _normalise(changes)
        assert event.ip_address == client_ip
        assert before <= event.created_at <= after
    # The chain still holds, and each new event links to the one before it.
    assert verify_chain()[1] is None
    prev = AuditEvent.objects.get(id=start).hash if start else GENESIS
    for event in events:
        assert event.prev_hash == prev
        assert event.hash == event_hash(event)
        prev = event.hash


def test_system_writes_are_attributed_to_the_system(world):
    event = AuditEvent.objects.get(
        object_type="plans.plan", object_id=str(world.plan.pk), action="plan.create"
    )
    assert event.actor is None and event.actor_name == "system"
    assert event.ip_address is None


def test_no_event_when_nothing_changed(world, client_ip):
    start = last_id()
    services.plan_update(actor=world.users["office"], plan=world.draft, title=world.draft.title)
    services.tasks_set_lead_unit(
        actor=world.users["office"],
        task_ids=[world.tasks["b_track"].pk],
        lead_unit=world.units["CTC"],
    )
    org_services.membership_grant(
        actor=None, user=world.users["office"], unit=world.units["TCCT"], role="office"
    )
    assert events_since(start) == []


# --- the event is part of the write's transaction ----------------------------------------


def _counts():
    return (
        AuditEvent.objects.count(),
        Plan.objects.count(),
        Task.objects.count(),
        TaskUpdate.objects.count(),
        Evidence.objects.count(),
        Unit.objects.count(),
        Membership.objects.count(),
        AuditHead.objects.values_list("last_id", "last_hash").first(),
    )


def test_a_write_whose_audit_fails_is_not_kept(world, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("audit storage unavailable")

    monkeypatch.setattr(services, "audit_record", broken)
    monkeypatch.setattr(progress, "audit_record", broken)
    before = _counts()
    with pytest.raises(RuntimeError):
        services.plan_create(
            actor=world.users["office"], year=2027, title="X", issuing_unit=world.units["TCCT"]
        )
    with pytest.raises(RuntimeError):
        progress.task_update_post(
            actor=world.users["focal_a"], task=world.tasks["a_soon"], progress=50
        )
    assert _counts() == before
    assert Task.objects.get(pk=world.tasks["a_soon"].pk).progress == 0


def test_an_event_of_a_failed_write_is_not_kept(world, monkeypatch):
    from cchc.audit.services import audit_record

    def record_then_fail(**kwargs):
        audit_record(**kwargs)
        raise RuntimeError("the write fails after its event was appended")

    monkeypatch.setattr(services, "audit_record", record_then_fail)
    before = _counts()
    with pytest.raises(RuntimeError):
        services.tasks_set_due(
            actor=world.users["office"],
            task_ids=[world.tasks["a_soon"].pk],
            due_date=datetime.date(2026, 12, 31),
        )
    assert _counts() == before
    assert verify_chain()[1] is None


# --- failed services write nothing ---------------------------------------------------------


def _big_file(settings):
    settings.CCHC_MAX_UPLOAD_BYTES = 16
    return EvidenceFile(file=pdf(content=b"x" * 17), effective_on=yesterday())


FAILURES = {
    # name: (exception, call(world, settings))
    "plan_create by a focal officer": (
        PermissionDenied,
        lambda w, s: services.plan_create(
            actor=w.users["focal_a"], year=2027, title="X", issuing_unit=w.units["CTH"]
        ),
    ),
    "plan_create by the office for the ministry": (
        PermissionDenied,
        lambda w, s: services.plan_create(
            actor=w.users["office"], year=2027, title="X", issuing_unit=w.units["BQP"]
        ),
    ),
    "plan_update by the leader": (
        PermissionDenied,
        lambda w, s: services.plan_update(actor=w.users["leader"], plan=w.draft, title="X"),
    ),
    "plan_update with an empty title": (
        ValidationError,
        lambda w, s: services.plan_update(actor=w.users["office"], plan=w.draft, title=""),
    ),
    "plan_issue of an issued plan": (
        ValidationError,
        lambda w, s: services.plan_issue(actor=w.users["office"], plan=w.plan),
    ),
    "plan_issue by a unit head": (
        PermissionDenied,
        lambda w, s: services.plan_issue(actor=w.users["head_a"], plan=w.draft),
    ),
    "task_create by a focal officer": (
        PermissionDenied,
        lambda w, s: services.task_create(
            actor=w.users["focal_a"],
            plan=w.plan,
            area=Area.objects.get(code=1),
            title="X",
            lead_unit=w.units["CTH"],
        ),
    ),
    "task_update_post by a viewer": (
        PermissionDenied,
        lambda w, s: progress.task_update_post(
            actor=w.users["viewer"], task=w.tasks["a_soon"], note="X"
        ),
    ),
    "task_update_post: status change by a supporting unit": (
        PermissionDenied,
        lambda w, s: progress.task_update_post(
            actor=w.users["focal_b"], task=w.tasks["a_overdue"], status="in_progress"
        ),
    ),
    "task_update_post: done without a deliverable": (
        ValidationError,
        lambda w, s: progress.task_update_post(
            actor=w.users["focal_a"], task=w.tasks["a_soon"], status="done", note="Xong"
        ),
    ),
    "task_update_post: nothing to say": (
        ValidationError,
        lambda w, s: progress.task_update_post(actor=w.users["focal_a"], task=w.tasks["a_soon"]),
    ),
    "task_update_post: file over the limit": (
        ValidationError,
        lambda w, s: progress.task_update_post(
            actor=w.users["focal_a"], task=w.tasks["a_soon"], note="X", files=[_big_file(s)]
        ),
    ),
    "task_update_post on a draft plan": (
        PermissionDenied,
        lambda w, s: progress.task_update_post(
            actor=w.users["office"], task=w.tasks["draft_task"], note="X"
        ),
    ),
    "evidence_add by a unit outside the task": (
        PermissionDenied,
        lambda w, s: progress.evidence_add(
            actor=w.users["focal_b"],
            task=w.tasks["a_soon"],
            item=EvidenceFile(file=pdf(), effective_on=yesterday()),
        ),
    ),
    "evidence_add dated in the future": (
        ValidationError,
        lambda w, s: progress.evidence_add(
            actor=w.users["focal_a"],
            task=w.tasks["a_soon"],
            item=EvidenceFile(
                file=pdf(), effective_on=timezone.localdate() + datetime.timedelta(days=1)
            ),
        ),
    ),
    "evidence_add of an empty file": (
        ValidationError,
        lambda w, s: progress.evidence_add(
            actor=w.users["focal_a"],
            task=w.tasks["a_soon"],
            item=EvidenceFile(file=pdf(content=b""), effective_on=yesterday()),
        ),
    ),
    "tasks_set_lead_unit by a focal officer": (
        PermissionDenied,
        lambda w, s: services.tasks_set_lead_unit(
            actor=w.users["focal_a"], task_ids=[w.tasks["a_soon"].pk], lead_unit=w.units["CTC"]
        ),
    ),
    "tasks_set_lead_unit with one task out of reach": (
        PermissionDenied,
        lambda w, s: services.tasks_set_lead_unit(
            actor=w.users["office"],
            task_ids=[w.tasks["a_soon"].pk, 10**9],
            lead_unit=w.units["CTC"],
        ),
    ),
    "tasks_set_due with nothing selected": (
        ValidationError,
        lambda w, s: services.tasks_set_due(
            actor=w.users["office"], task_ids=[], due_date=datetime.date(2026, 12, 31)
        ),
    ),
    "tasks_set_due by a unit head": (
        PermissionDenied,
        lambda w, s: services.tasks_set_due(
            actor=w.users["head_a"],
            task_ids=[w.tasks["a_soon"].pk],
            due_date=datetime.date(2026, 12, 31),
        ),
    ),
    "unit_create by the office": (
        PermissionDenied,
        lambda w, s: org_services.unit_create(actor=w.users["office"], code="X", name="X"),
    ),
    "unit_create with a code in use": (
        ValidationError,
        lambda w, s: org_services.unit_create(
            actor=get_user_model().objects.get(username="root"), code="CTH", name="X"
        ),
    ),
    "membership_grant by the office": (
        PermissionDenied,
        lambda w, s: org_services.membership_grant(
            actor=w.users["office"], user=w.users["nobody"], unit=w.units["CTH"], role="focal"
        ),
    ),
}


def _task_state():
    return list(
        Task.objects.order_by("pk").values_list(
            "pk", "status", "progress", "lead_unit_id", "due_date", "due_text", "completed_on"
        )
    )


@pytest.mark.parametrize("name", FAILURES)
def test_a_refused_service_writes_nothing(world, admin_user, settings, client_ip, name):
    exception, call = FAILURES[name]
    before, tasks, plans = _counts(), _task_state(), list(Plan.objects.values())
    with pytest.raises(exception):
        call(world, settings)
    assert _counts() == before
    assert _task_state() == tasks
    assert list(Plan.objects.values()) == plans
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))
    assert verify_chain()[1] is None


# --- client address ----------------------------------------------------------------------


def test_client_address_comes_from_the_request_through_the_middleware(world):
    captured = {}

    def view(request):
        captured["plan"] = services.plan_update(
            actor=world.users["office"], plan=world.draft, title="Qua trình duyệt"
        )
        return HttpResponse("ok")

    request = RequestFactory().post("/x/", REMOTE_ADDR="198.51.100.23")
    AuditContextMiddleware(view)(request)
    event = AuditEvent.objects.latest("id")
    assert event.action == "plan.update" and event.ip_address == "198.51.100.23"
    # and the address does not outlive the request
    assert client_address.get() is None


@pytest.mark.parametrize(
    "raw,stored",
    [
        ("2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
        ("2001:db8::1", "2001:db8::1"),
        ("::1", "::1"),
        ("10.0.0.1", "10.0.0.1"),
        ("not-an-address", None),
        ("", None),
    ],
)
def test_any_client_address_keeps_the_chain_verifiable(world, raw, stored):
    token = client_address.set(raw)
    try:
        services.plan_update(actor=world.users["office"], plan=world.draft, title=f"IP {raw}")
    finally:
        client_address.reset(token)
    event = AuditEvent.objects.latest("id")
    assert event.ip_address == stored
    assert verify_chain()[1] is None


# --- verify_audit --------------------------------------------------------------------------


def _table() -> str:
    return connection.ops.quote_name(AuditEvent._meta.db_table)


def _execute(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _verify_fails_naming(event_id: int) -> str:
    with pytest.raises(CommandError) as info:
        call_command("verify_audit", stdout=StringIO())
    message = str(info.value)
    assert f"event {event_id} " in message, message
    return message


@pytest.fixture
def chain(world, client_ip):
    """The world's events plus a few by people: at least ten events to tamper with."""
    progress.task_update_post(
        actor=world.users["focal_a"], task=world.tasks["a_soon"], progress=30, note="Đang làm"
    )
    services.plan_update(actor=world.users["office"], plan=world.draft, title="Dự thảo 2")
    services.tasks_set_due(
        actor=world.users["office"],
        task_ids=[world.tasks["b_track"].pk],
        due_date=datetime.date(2026, 10, 31),
    )
    ids = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    assert ids == list(range(1, len(ids) + 1)) and len(ids) >= 10
    return ids


def test_verify_audit_passes_on_an_intact_chain(chain):
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert f"đã kiểm tra {len(chain)} sự kiện" in out.getvalue()


def test_verify_audit_on_an_empty_log(db):
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "Nhật ký hệ thống toàn vẹn: đã kiểm tra 0 sự kiện" in out.getvalue()


def test_the_chain_links_each_event_to_the_one_before(chain):
    events = list(AuditEvent.objects.order_by("id"))
    assert events[0].prev_hash == GENESIS
    for previous, event in zip(events, events[1:], strict=False):
        assert event.prev_hash == previous.hash
    for event in events:
        assert event.hash == event_hash(event)
    head = AuditHead.objects.get(pk=1)
    assert (head.last_id, head.last_hash) == (events[-1].id, events[-1].hash)


def _update_changes(event_id: int) -> None:
    cast = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    _execute(
        f"UPDATE {_table()} SET changes = {cast} WHERE id = %s",
        [json.dumps({"title": ["Dự thảo", "Bản đã sửa tay"]}), event_id],
    )


def _update_action(event_id: int) -> None:
    _execute(f"UPDATE {_table()} SET action = %s WHERE id = %s", ["plan.view", event_id])


def _update_created_at(event_id: int) -> None:
    event = AuditEvent.objects.get(id=event_id)
    earlier = event.created_at - datetime.timedelta(days=3)
    value = connection.ops.adapt_datetimefield_value(earlier)
    _execute(f"UPDATE {_table()} SET created_at = %s WHERE id = %s", [value, event_id])


def _update_actor_name(event_id: int) -> None:
    _execute(f"UPDATE {_table()} SET actor_name = %s WHERE id = %s", ["someone-else", event_id])


def _update_ip(event_id: int) -> None:
    _execute(f"UPDATE {_table()} SET ip_address = %s WHERE id = %s", ["192.0.2.99", event_id])


@pytest.mark.parametrize(
    "tamper",
    [_update_changes, _update_action, _update_created_at, _update_actor_name, _update_ip],
    ids=["changes", "action", "created_at", "actor_name", "ip_address"],
)
def test_verify_audit_names_an_event_changed_by_hand(chain, tamper):
    target = chain[len(chain) // 2]
    tamper(target)
    assert "changed" in _verify_fails_naming(target)


def test_verify_audit_names_the_first_of_several_changed_events(chain):
    _update_action(chain[-2])
    _update_action(chain[3])
    _verify_fails_naming(chain[3])


def test_verify_audit_names_a_middle_event_removed_by_hand(chain):
    target = chain[len(chain) // 2]
    _execute(f"DELETE FROM {_table()} WHERE id = %s", [target])
    assert "missing" in _verify_fails_naming(target)


def test_verify_audit_names_the_last_event_removed_by_hand(chain):
    _execute(f"DELETE FROM {_table()} WHERE id = %s", [chain[-1]])
    assert "missing" in _verify_fails_naming(chain[-1])


def test_verify_audit_names_the_first_event_removed_by_hand(chain):
    _execute(f"DELETE FROM {_table()} WHERE id = %s", [chain[0]])
    _verify_fails_naming(chain[0])


def _insert(event_id, prev_hash, hash_, action="plan.issue", created_at=None):
    created_at = created_at or timezone.now().replace(microsecond=0)
    cast = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    _execute(
        f"INSERT INTO {_table()} (id, created_at, actor_id, actor_name, action, object_type,"
        f" object_id, changes, ip_address, prev_hash, key_id, hash)"
        f" VALUES (%s, %s, NULL, %s, %s, %s, %s, {cast}, NULL, %s, %s, %s)",
        [
            event_id,
            connection.ops.adapt_datetimefield_value(created_at),
            "system",
            action,
            "plans.plan",
            "1",
            json.dumps({"status": ["draft", "issued"]}),
            prev_hash,
            keys.keyring().current_id,
            hash_,
        ],
    )


def test_verify_audit_names_an_event_inserted_by_hand(chain):
    new_id = chain[-1] + 1
    _insert(new_id, "f" * 64, "e" * 64)
    _verify_fails_naming(new_id)


def test_verify_audit_names_a_forged_event_with_a_valid_hash(chain):
    """Someone who knows the hashing rule appends a well-formed event: the chain head,
    written only by the application, does not know it."""
    last = AuditEvent.objects.get(id=chain[-1])
    forged = AuditEvent(
        id=last.id + 1,
        created_at=timezone.now().replace(microsecond=0),
        actor=None,
        actor_name="system",
        action="plan.issue",
        object_type="plans.plan",
        object_id="1",
        changes={"status": ["draft", "issued"]},
        ip_address=None,
        prev_hash=last.hash,
        key_id=keys.keyring().current_id,
    )
    _insert(forged.id, forged.prev_hash, event_hash(forged), created_at=forged.created_at)
    _verify_fails_naming(forged.id)


def test_verify_audit_names_a_last_event_replaced_with_a_valid_hash(chain):
    last = AuditEvent.objects.get(id=chain[-1])
    _execute(f"DELETE FROM {_table()} WHERE id = %s", [last.id])
    forged = AuditEvent(
        id=last.id,
        created_at=last.created_at,
        actor=None,
        actor_name="system",
        action="plan.issue",
        object_type="plans.plan",
        object_id="1",
        changes={"status": ["draft", "issued"]},
        ip_address=None,
        prev_hash=last.prev_hash,
        key_id=keys.keyring().current_id,
    )
    _insert(forged.id, forged.prev_hash, event_hash(forged), created_at=forged.created_at)
    _verify_fails_naming(last.id)


def test_verify_audit_fails_when_the_chain_head_is_removed(chain):
    AuditHead.objects.all().delete()
    _execute(f"DELETE FROM {_table()} WHERE id = %s", [chain[-1]])
    with pytest.raises(CommandError):
        call_command("verify_audit", stdout=StringIO())


def test_new_events_after_a_break_do_not_heal_it(chain, world):
    target = chain[2]
    _update_action(target)
    services.plan_update(actor=world.users["office"], plan=world.draft, title="Sau khi sửa")
    _verify_fails_naming(target)


# --- history and admin ---------------------------------------------------------------------


def test_object_history_lists_an_objects_events_newest_first(world):
    task = world.tasks["a_soon"]
    progress.task_update_post(actor=world.users["focal_a"], task=task, progress=20, note="A")
    progress.task_update_post(actor=world.users["focal_a"], task=task, progress=60, note="B")
    history = list(object_history(obj=task))
    assert [e.action for e in history] == ["task.update_post", "task.update_post", "task.create"]
    assert history[0].changes["progress"] == [20, 60]


def test_audit_admin_is_read_only(client, admin_user, world):
    model_admin = admin.site._registry[AuditEvent]
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    event = AuditEvent.objects.latest("id")
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)
    assert "delete_selected" not in model_admin.get_actions(request)

    client.force_login(admin_user)
    changelist = reverse("admin:audit_auditevent_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    change = reverse("admin:audit_auditevent_change", args=[event.pk])
    page = client.get(change)
    assert page.status_code == 200  # view only
    assert b'name="_save"' not in page.content
    assert client.post(change, {"action": "tampered"}).status_code == 403
    delete = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    response = client.post(
        changelist, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
    )
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    assert response.status_code in (200, 302)
    event.refresh_from_db()
    assert event.action != "tampered"
    assert verify_chain()[1] is None
