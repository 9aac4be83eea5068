"""Behaviour of the plan services and selectors: progress, evidence, bulk actions, issuing,
the dashboard's numbers and the cascade between a plan and the plan it concretises."""

import datetime
import hashlib
from collections import Counter
from statistics import mean

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count, F
from django.http import Http404
from django.utils import timezone

from cchc.audit.models import AuditEvent
from cchc.audit.services import verify_chain
from cchc.plans import progress, selectors, services
from cchc.plans.history import DERIVED
from cchc.plans.models import Area, Evidence, PlanStatus, SupportingUnit, Task, TaskUpdate
from cchc.plans.progress import EvidenceFile
from cchc.plans.timeliness import Timeliness, task_timeliness
from tests.web_helpers import freeze_today

D = datetime.date


def today() -> datetime.date:
    return timezone.localdate()


def days_ago(n: int) -> datetime.date:
    return today() - datetime.timedelta(days=n)


def upload(name="quyet-dinh.pdf", content=b"%PDF scan", effective_on=None) -> EvidenceFile:
    return EvidenceFile(
        file=SimpleUploadedFile(name, content, content_type="application/pdf"),
        effective_on=effective_on or days_ago(1),
    )


def fresh(task: Task) -> Task:
    return Task.objects.get(pk=task.pk)


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def nothing_written(world, settings):
    """A snapshot of everything a refused update could have touched."""
    return (
        AuditEvent.objects.count(),
        TaskUpdate.objects.count(),
        Evidence.objects.count(),
        list(Task.objects.order_by("pk").values()),
        len(stored_files(settings)),
    )


# --- progress and status ------------------------------------------------------------------


def test_marking_done_requires_the_deliverable(world, settings):
    before = nothing_written(world, settings)
    for deliverable in ("", "   "):
        with pytest.raises(ValidationError) as info:
            progress.task_update_post(
                actor=world.users["focal_a"],
                task=world.tasks["a_soon"],
                status="done",
                note="Đã xong",
                deliverable=deliverable,
            )
        assert "deliverable" in info.value.error_dict
    assert nothing_written(world, settings) == before


def test_marking_done_sets_progress_completion_date_and_result(world):
    task = world.tasks["a_soon"]
    progress.task_update_post(
        actor=world.users["focal_a"], task=task, progress=30, status="in_progress", note="A"
    )
    update = progress.task_update_post(
        actor=world.users["focal_a"],
        task=task,
        status="done",
        progress=80,  # done means 100%, whatever was typed
        deliverable="Quyết định số 45/QĐ-TH ngày 10/6",
        note="Đã ban hành quyết định",
    )
    task = fresh(task)
    assert (task.status, task.progress, task.completed_on) == ("done", 100, today())
    assert task.result == "Quyết định số 45/QĐ-TH ngày 10/6"
    assert (update.status_before, update.status_after, update.progress) == (
        "in_progress",
        "done",
        100,
    )
    assert update.deliverable == "Quyết định số 45/QĐ-TH ngày 10/6"
    assert update.author == world.users["focal_a"] and update.unit == world.units["CTH"]


def test_completion_date_can_be_given_and_decides_timeliness(world):
    task = world.tasks["a_overdue"]  # due three days before world.today
    progress.task_update_post(
        actor=world.users["head_a"],
        task=task,
        status="done",
        deliverable="Báo cáo",
        completed_on=task.due_date,
        reported_on=world.today,
    )
    task = fresh(task)
    assert task.completed_on == task.due_date
    assert task_timeliness(task, world.today) == Timeliness.DONE_ON_TIME


def test_completion_date_defaults_to_the_reported_date(world):
    task = world.tasks["b_track"]
    progress.task_update_post(
        actor=world.users["focal_b"],
        task=task,
        status="done",
        deliverable="Bộ thủ tục rút gọn",
        reported_on=days_ago(2),
    )
    assert fresh(task).completed_on == days_ago(2)


def test_reopening_a_done_task_clears_its_completion_date(world):
    task = world.tasks["b_track"]
    progress.task_update_post(
        actor=world.users["focal_b"], task=task, status="done", deliverable="Kết quả"
    )
    progress.task_update_post(
        actor=world.users["office"],
        task=task,
        status="in_progress",
        progress=70,
        note="Văn phòng trả lại: sản phẩm chưa đạt",
    )
    task = fresh(task)
    assert (task.status, task.progress, task.completed_on) == ("in_progress", 70, None)


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"progress": 101}, "progress"),
        ({"progress": -1}, "progress"),
        ({"status": "finished"}, "status"),
        ({}, "note"),
        ({"note": "   "}, "note"),
        ({"note": "x", "reported_on": datetime.date(2999, 1, 1)}, "reported_on"),
        (
            {
                "note": "x",
                "status": "done",
                "deliverable": "QĐ",
                "completed_on": datetime.date(2999, 1, 1),
            },
            "completed_on",
        ),
    ],
)
def test_invalid_updates_name_their_field(world, settings, kwargs, field):
    before = nothing_written(world, settings)
    with pytest.raises(ValidationError) as info:
        progress.task_update_post(
            actor=world.users["focal_a"], task=world.tasks["a_soon"], **kwargs
        )
    assert field in info.value.error_dict
    assert nothing_written(world, settings) == before


def test_a_supporting_unit_posts_notes_but_cannot_change_status_or_progress(world, settings):
    task, focal_b = world.tasks["a_overdue"], world.users["focal_b"]
    before = nothing_written(world, settings)
    for kwargs in (
        {"status": "in_progress"},
        {"status": "done", "deliverable": "X"},
        {"status": "cancelled"},
        {"progress": 50},
    ):
        with pytest.raises(PermissionDenied):
            progress.task_update_post(actor=focal_b, task=task, note="Thử", **kwargs)
    assert nothing_written(world, settings) == before
    # Repeating the current values is not a change: a note goes through.
    update = progress.task_update_post(
        actor=focal_b, task=task, note="Đã cử cán bộ phối hợp", progress=0, status="not_started"
    )
    assert update.unit == world.units["CTC"]
    assert (fresh(task).status, fresh(task).progress) == ("not_started", 0)


def test_updates_are_append_only(world):
    task, focal = world.tasks["a_soon"], world.users["focal_a"]
    posts = [
        dict(progress=20, status="in_progress", note="Đã xây dựng dự thảo"),
        dict(progress=50, note="Đã lấy ý kiến"),
        dict(note="Bổ sung: lấy thêm ý kiến Cục Cán bộ"),
        dict(progress=40, note="Đính chính: tiến độ thực tế 40%"),
    ]
    ids, rows = [], []
    for post in posts:
        update = progress.task_update_post(actor=focal, task=task, **post)
        ids.append(update.pk)
        # What was reported; the derived columns (plans.history.DERIVED) index the
        # history and move as entries are added.
        reported = [f.attname for f in TaskUpdate._meta.concrete_fields if f.name not in DERIVED]
        rows.append(list(TaskUpdate.objects.filter(pk__in=ids).order_by("pk").values(*reported)))
    # every post is a new row; what earlier rows say is never touched again
    assert len(set(ids)) == len(posts)
    assert TaskUpdate.objects.filter(task=task).count() == len(posts)
    for i in range(1, len(rows)):
        assert rows[i][:i] == rows[i - 1]
    assert [u.progress for u in TaskUpdate.objects.filter(task=task).order_by("pk")] == [
        20,
        50,
        50,
        40,
    ]
    # the task shows the latest; the list shows the newest entry first
    assert fresh(task).progress == 40
    assert [u.pk for u in selectors.task_updates(user=focal, task=task)] == ids[::-1]
    assert [
        e.action
        for e in AuditEvent.objects.filter(object_type="plans.task", object_id=str(task.pk))
    ][-4:] == ["task.update_post"] * 4


# --- evidence ------------------------------------------------------------------------------


def test_evidence_is_stored_with_its_own_date_digest_and_unit(world, settings):
    content = b"%PDF-1.7 bien ban nghiem thu"
    evidence = progress.evidence_add(
        actor=world.users["focal_b"],
        task=world.tasks["a_overdue"],
        item=upload("bien-ban.pdf", content, effective_on=days_ago(30)),
    )
    evidence.refresh_from_db()
    assert evidence.effective_on == days_ago(30)
    assert evidence.uploaded_at.date() >= days_ago(1)  # the upload time is separate
    assert evidence.size == len(content)
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert evidence.unit == world.units["CTC"]  # uploaded as the supporting unit
    assert evidence.original_name == "bien-ban.pdf"
    with evidence.file.open("rb") as f:
        assert f.read() == content
    assert str(settings.MEDIA_ROOT) in evidence.file.path


def test_evidence_over_the_size_limit_is_rejected_and_nothing_is_written(world, settings):
    settings.CCHC_MAX_UPLOAD_BYTES = 1024
    before = nothing_written(world, settings)
    with pytest.raises(ValidationError) as info:
        progress.evidence_add(
            actor=world.users["focal_a"],
            task=world.tasks["a_soon"],
            item=upload(content=b"x" * 1025),
        )
    assert "files" in info.value.error_dict
    with pytest.raises(ValidationError):
        progress.task_update_post(
            actor=world.users["focal_a"],
            task=world.tasks["a_soon"],
            progress=60,
            note="Kèm biên bản",
            files=[upload("nho.pdf", b"ok"), upload("lon.pdf", b"x" * 1025)],
        )
    assert nothing_written(world, settings) == before
    # exactly at the limit is accepted
    progress.evidence_add(
        actor=world.users["focal_a"], task=world.tasks["a_soon"], item=upload(content=b"x" * 1024)
    )
    assert Evidence.objects.count() == before[2] + 1


def test_an_empty_file_is_rejected(world, settings):
    before = nothing_written(world, settings)
    with pytest.raises(ValidationError) as info:
        progress.evidence_add(
            actor=world.users["focal_a"], task=world.tasks["a_soon"], item=upload(content=b"")
        )
    assert "files" in info.value.error_dict
    assert nothing_written(world, settings) == before


def test_evidence_dated_in_the_future_is_rejected(world, settings):
    before = nothing_written(world, settings)
    tomorrow = today() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as info:
        progress.evidence_add(
            actor=world.users["focal_a"],
            task=world.tasks["a_soon"],
            item=upload(effective_on=tomorrow),
        )
    assert "effective_on" in info.value.error_dict
    with pytest.raises(ValidationError):
        progress.task_update_post(
            actor=world.users["focal_a"],
            task=world.tasks["a_soon"],
            note="X",
            files=[upload(effective_on=tomorrow)],
        )
    assert nothing_written(world, settings) == before
    # a document dated today is fine
    progress.evidence_add(
        actor=world.users["focal_a"], task=world.tasks["a_soon"], item=upload(effective_on=today())
    )


def test_an_update_with_files_attaches_them_to_the_entry(world):
    update = progress.task_update_post(
        actor=world.users["focal_a"],
        task=world.tasks["a_soon"],
        note="Kèm hai tài liệu",
        files=[upload("a.pdf", b"aaa"), upload("b.pdf", b"bbb")],
    )
    assert sorted(e.original_name for e in update.evidence.all()) == ["a.pdf", "b.pdf"]
    assert all(e.task_id == world.tasks["a_soon"].pk for e in update.evidence.all())


# --- bulk actions --------------------------------------------------------------------------


def test_bulk_due_date_writes_one_event_per_changed_task(world):
    t = world.tasks
    ids = [t["a_overdue"].pk, t["a_soon"].pk, t["b_track"].pk, t["draft_task"].pk]
    start = AuditEvent.objects.order_by("-id").first().id
    count = services.tasks_set_due(
        actor=world.users["office"], task_ids=ids, due_date=D(2026, 9, 30), due_text="Quý III/2026"
    )
    assert count == 4
    events = list(AuditEvent.objects.filter(id__gt=start).order_by("id"))
    assert [(e.action, e.object_id) for e in events] == [
        ("task.set_due", str(pk)) for pk in sorted(ids)
    ]
    for pk in ids:
        task = Task.objects.get(pk=pk)
        assert (task.due_date, task.due_text, task.is_recurring) == (
            D(2026, 9, 30),
            "Quý III/2026",
            False,
        )
    # the same again changes nothing, so writes nothing
    services.tasks_set_due(
        actor=world.users["office"], task_ids=ids, due_date=D(2026, 9, 30), due_text="Quý III/2026"
    )
    assert AuditEvent.objects.filter(id__gt=events[-1].id).count() == 0
    assert verify_chain()[1] is None


def test_bulk_lead_unit_writes_one_event_per_changed_task(world):
    t = world.tasks
    start = AuditEvent.objects.order_by("-id").first().id
    services.tasks_set_lead_unit(
        actor=world.users["office"],
        task_ids=[t["a_soon"].pk, t["b_track"].pk, t["b_recurring"].pk],
        lead_unit=world.units["CTC"],
    )
    events = AuditEvent.objects.filter(id__gt=start)
    # b_track and b_recurring were already CTC's: one event, for a_soon
    assert [(e.action, e.object_id) for e in events] == [
        ("task.set_lead_unit", str(t["a_soon"].pk))
    ]
    assert fresh(t["a_soon"]).lead_unit == world.units["CTC"]
    # the new lead unit now works on it; the old one no longer sees it
    assert selectors.task_get(user=world.users["focal_b"], pk=t["a_soon"].pk)
    with pytest.raises(Http404):
        selectors.task_get(user=world.users["focal_a"], pk=t["a_soon"].pk)


def test_bulk_action_is_all_or_nothing(world):
    t = world.tasks
    before = list(Task.objects.order_by("pk").values_list("pk", "due_date", "lead_unit_id"))
    start = AuditEvent.objects.count()
    # parent_task belongs to the ministry's plan: the department's office may not move it
    with pytest.raises(PermissionDenied):
        services.tasks_set_due(
            actor=world.users["office"],
            task_ids=[t["a_soon"].pk, t["parent_task"].pk],
            due_date=D(2026, 12, 31),
        )
    with pytest.raises(PermissionDenied):
        services.tasks_set_lead_unit(
            actor=world.users["office"],
            task_ids=[t["a_soon"].pk, t["parent_task"].pk],
            lead_unit=world.units["VP"],
        )
    assert list(Task.objects.order_by("pk").values_list("pk", "due_date", "lead_unit_id")) == (
        before
    )
    assert AuditEvent.objects.count() == start


# --- issuing -------------------------------------------------------------------------------


def test_plan_issue_on_an_issued_plan_is_refused(world):
    start = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        services.plan_issue(actor=world.users["office"], plan=world.plan)
    assert AuditEvent.objects.count() == start
    assert fresh_plan(world.plan).document_number == "25/KH-CT"


def test_plan_issue_of_an_empty_draft_is_refused(world):
    plan = services.plan_create(
        actor=world.users["office"], year=2027, title="Trống", issuing_unit=world.units["TCCT"]
    )
    with pytest.raises(ValidationError):
        services.plan_issue(actor=world.users["office"], plan=plan)
    assert fresh_plan(plan).status == PlanStatus.DRAFT


def test_issuing_a_draft_shows_its_tasks_to_their_units(world):
    focal = world.users["focal_a"]
    draft_task = world.tasks["draft_task"]
    with pytest.raises(Http404):  # not before it is issued
        selectors.task_get(user=focal, pk=draft_task.pk)
    plan = services.plan_issue(actor=world.users["office"], plan=world.draft)
    assert (plan.status, plan.issued_on) == (PlanStatus.ISSUED, today())
    assert selectors.task_get(user=focal, pk=draft_task.pk) == draft_task
    progress.task_update_post(actor=focal, task=draft_task, progress=10, note="Bắt đầu")
    with pytest.raises(ValidationError):
        services.plan_issue(actor=world.users["office"], plan=world.draft)


def fresh_plan(plan):
    return type(plan).objects.get(pk=plan.pk)


# --- the dashboard's numbers -------------------------------------------------------------


@pytest.fixture
def busy_world(world, monkeypatch):
    """The world with every timeliness category present in the department's plan."""
    t, u = world.tasks, world.users
    progress.task_update_post(
        actor=u["focal_a"],
        task=t["a_soon"],
        status="done",
        deliverable="Quyết định",
        completed_on=D(2026, 6, 10),
        reported_on=D(2026, 6, 10),
    )  # done on time (due 20/6)
    progress.task_update_post(
        actor=u["focal_a"],
        task=t["a_overdue"],
        status="done",
        deliverable="Kế hoạch",
        completed_on=D(2026, 6, 14),
        reported_on=D(2026, 6, 14),
    )  # done late (due 12/6)
    progress.task_update_post(
        actor=u["focal_b"],
        task=t["b_recurring"],
        status="cancelled",
        note="Bỏ",
        reported_on=world.today,
    )
    progress.task_update_post(
        actor=u["focal_b"], task=t["b_track"], progress=35, note="A", reported_on=world.today
    )
    area = {a.code: a for a in Area.objects.all()}
    extra = [
        ("6.1", area[6], world.units["CTC"], D(2026, 6, 1), ""),  # overdue
        ("6.2", area[6], world.units["CTH"], world.today, ""),  # due soon (today)
        ("1.2", area[1], world.units["CTH-P1"], None, "Theo hướng dẫn của Bộ Nội vụ"),
        ("1.3", area[1], world.units["VP"], None, "Thường xuyên"),
    ]
    with monkeypatch.context() as clock:
        freeze_today(clock, world.today)  # added to the plan on the world's day
        for code, a, unit, due, text in extra:
            services.task_create(
                actor=u["office"], plan=world.plan, area=a, code=code, title=f"Nhiệm vụ {code}",
                lead_unit=unit, due_date=due, due_text=text,
            )  # fmt: skip
    return world


def summary_by_hand(user, plan, today, unit=None):
    """The dashboard's numbers counted in Python with timeliness(), task by task."""
    visible = {
        t.pk
        for t in selectors.task_list(
            user=user, filters=selectors.TaskFilters(plan=plan.pk, unit=unit), today=today
        )
    }
    tasks = list(
        Task.objects.filter(pk__in=visible).select_related("area", "lead_unit").order_by("pk")
    )
    category = {t.pk: task_timeliness(t, today) for t in tasks}
    counted = [t for t in tasks if category[t.pk] != Timeliness.CANCELLED]
    by_timeliness = {key: 0 for key, _ in Timeliness.choices}
    by_timeliness.update(Counter(category[t.pk] for t in counted))
    done = by_timeliness[Timeliness.DONE_ON_TIME] + by_timeliness[Timeliness.DONE_LATE]
    late = by_timeliness[Timeliness.OVERDUE]

    def rows(key):
        # Rows by area and by unit list every task, cancelled ones too, as the task list
        # behind each number does; the timeliness counts above leave cancelled tasks out.
        groups = {}
        for t in tasks:
            groups.setdefault(key(t), []).append(t)
        return {
            k: {
                "n": len(g),
                "done": sum(t.status == "done" for t in g),
                "overdue": sum(category[t.pk] == Timeliness.OVERDUE for t in g),
                "progress": mean(t.progress for t in g),
            }
            for k, g in groups.items()
        }

    return {
        "total": len(counted),
        "by_timeliness": by_timeliness,
        # The Government Office's way: cut, not rounded, to two decimals.
        "completion_rate": int(10000 * done / (done + late)) / 100 if done + late else None,
        "by_area": rows(lambda t: t.area.code),
        "by_unit": rows(lambda t: t.lead_unit_id),
    }


def summary_from_selector(user, plan, today, unit=None):
    s = selectors.plan_summary(user=user, plan=plan, today=today, unit=unit)

    def rows(items, key):
        return {
            r[key]: {
                "n": r["n"],
                "done": r["done"],
                "overdue": r["overdue"],
                "progress": pytest.approx(float(r["progress"])),
            }
            for r in items
        }

    return {
        "total": s.total,
        "by_timeliness": s.by_timeliness,
        "completion_rate": s.completion_rate,
        "by_area": rows(s.by_area, "area__code"),
        "by_unit": rows(s.by_unit, "lead_unit_id"),
    }


@pytest.mark.parametrize("role", ["office", "leader", "viewer", "focal_a", "head_b", "nobody"])
def test_plan_summary_matches_a_count_by_hand(busy_world, role):
    w = busy_world
    user = w.users[role]
    by_hand = summary_by_hand(user, w.plan, w.today)
    assert summary_from_selector(user, w.plan, w.today) == by_hand
    if role == "office":
        # every category is there, and the numbers are the ones the fixture built
        assert by_hand["by_timeliness"] == {
            Timeliness.DONE_ON_TIME: 1,
            Timeliness.DONE_LATE: 1,
            Timeliness.OVERDUE: 1,
            Timeliness.DUE_SOON: 1,
            Timeliness.ON_TRACK: 3,  # b_track, p1_task, 1.2 (no date named)
            Timeliness.RECURRING: 1,
        }
        assert by_hand["total"] == 8  # the cancelled task is outside the counts
        assert by_hand["completion_rate"] == 66.66
        # A unit leads tasks in more than one area, so its row sums groups of both.
        areas = (
            Task.objects.filter(plan=w.plan)
            .values("lead_unit")
            .annotate(n=Count("area", distinct=True))
        )
        assert max(row["n"] for row in areas) > 1


@pytest.mark.parametrize("unit", ["CTH", "CTC", "CTH-P1", "VP"])
def test_plan_summary_of_one_branch_matches_a_count_by_hand(busy_world, unit):
    w = busy_world
    pk = w.units[unit].pk
    assert summary_from_selector(w.users["office"], w.plan, w.today, pk) == summary_by_hand(
        w.users["office"], w.plan, w.today, pk
    )


def test_plan_summary_at_another_reference_date(busy_world):
    w = busy_world
    later = D(2026, 12, 31)
    assert summary_from_selector(w.users["office"], w.plan, later) == summary_by_hand(
        w.users["office"], w.plan, later
    )


def test_plan_summary_of_an_empty_plan(world):
    plan = services.plan_create(
        actor=world.users["office"], year=2027, title="Trống", issuing_unit=world.units["TCCT"]
    )
    summary = selectors.plan_summary(user=world.users["office"], plan=plan, today=world.today)
    assert summary.total == 0 and summary.completion_rate is None
    assert summary.by_area == [] and summary.by_unit == []


# --- cascade: the plan and the plan it concretises ------------------------------------------


def test_child_tasks_of_a_parent_task(world):
    office, parent = world.users["office"], world.tasks["parent_task"]
    children = list(selectors.child_tasks(user=office, task=parent, today=world.today))
    assert children == [world.tasks["a_soon"]]
    assert children[0].timeliness == Timeliness.DUE_SOON
    assert selectors.combined_progress(children) == 0
    assert (
        list(
            selectors.child_tasks(
                user=office, task=world.tasks["parent_uncovered"], today=world.today
            )
        )
        == []
    )


def test_combined_progress_of_the_child_tasks(world, monkeypatch):
    freeze_today(monkeypatch, world.today)  # the tasks are added on the world's day
    office, parent = world.users["office"], world.tasks["parent_task"]
    progress.task_update_post(
        actor=world.users["focal_a"],
        task=world.tasks["a_soon"],
        progress=45,
        note="A",
        reported_on=world.today,
    )
    second = services.task_create(
        actor=office,
        plan=world.plan,
        area=Area.objects.get(code=2),
        code="2.2",
        title="Rà soát văn bản về công tác cán bộ",
        lead_unit=world.units["CTC"],
        due_text="Quý III/2026",
        parent_task=parent,
    )
    progress.task_update_post(
        actor=world.users["focal_b"], task=second, progress=20, note="B", reported_on=world.today
    )
    children = list(selectors.child_tasks(user=office, task=parent, today=world.today))
    assert {c.pk for c in children} == {world.tasks["a_soon"].pk, second.pk}
    assert selectors.combined_progress(children) == round((45 + 20) / 2)
    # each unit sees only the child tasks it may see
    seen_by_b = selectors.child_tasks(user=world.users["focal_b"], task=parent, today=world.today)
    assert list(seen_by_b) == [second]
    assert selectors.combined_progress([]) is None


def test_covered_and_uncovered_parent_tasks(world):
    office = world.users["office"]
    covered = selectors.covered_parent_tasks(user=office, plan=world.plan, today=world.today)
    uncovered = selectors.uncovered_parent_tasks(user=office, plan=world.plan, today=world.today)
    assert list(covered) == [world.tasks["parent_task"]]
    assert list(uncovered) == [world.tasks["parent_uncovered"]]
    # covering it moves it from one list to the other
    services.task_create(
        actor=office,
        plan=world.plan,
        area=Area.objects.get(code=7),
        code="7.2",
        title="Triển khai chữ ký số tại Tổng cục",
        lead_unit=world.units["VP"],
        due_text="Quý IV/2026",
        parent_task=world.tasks["parent_uncovered"],
    )
    covered = selectors.covered_parent_tasks(user=office, plan=world.plan, today=world.today)
    uncovered = selectors.uncovered_parent_tasks(user=office, plan=world.plan, today=world.today)
    assert set(covered) == {world.tasks["parent_task"], world.tasks["parent_uncovered"]}
    assert list(uncovered) == []


def test_uncovered_includes_parent_tasks_the_unit_supports(world, monkeypatch):
    """A ministry task led by the ministry itself, with TCCT supporting, is TCCT's to cover
    too, and its office sees it (it oversees what its unit works on)."""
    freeze_today(monkeypatch, world.today)  # the tasks are added on the world's day
    supported = services.task_create(
        actor=None,
        plan=world.parent_plan,
        area=Area.objects.get(code=5),
        code="3",
        title="Đào tạo, bồi dưỡng cán bộ làm công tác CCHC",
        lead_unit=world.units["BQP"],
        supporting_units=[world.units["TCCT"]],
        due_text="Năm 2026",
    )
    not_ours = services.task_create(
        actor=None,
        plan=world.parent_plan,
        area=Area.objects.get(code=6),
        code="4",
        title="Quyết toán kinh phí",
        lead_unit=world.units["BQP"],
        due_text="Năm 2026",
    )
    office = world.users["office"]
    uncovered = set(
        selectors.uncovered_parent_tasks(user=office, plan=world.plan, today=world.today)
    )
    assert uncovered == {world.tasks["parent_uncovered"], supported}
    assert not_ours not in uncovered


def test_a_plan_without_parent_covers_nothing(world):
    office = world.users["office"]
    for selector in (selectors.covered_parent_tasks, selectors.uncovered_parent_tasks):
        assert list(selector(user=office, plan=world.parent_plan, today=world.today)) == []
        assert list(selector(user=office, plan=world.draft, today=world.today)) == []


def test_units_see_no_parent_tasks_they_do_not_work_on(world):
    for role in ("focal_a", "focal_b", "nobody"):
        user = world.users[role]
        assert (
            list(selectors.covered_parent_tasks(user=user, plan=world.plan, today=world.today))
            == []
        )
        assert (
            list(selectors.uncovered_parent_tasks(user=user, plan=world.plan, today=world.today))
            == []
        )


@pytest.mark.parametrize("field", ["status", "issuing_unit"])
def test_plan_edit_cannot_issue_or_move_the_plan(world, field):
    value = PlanStatus.ISSUED if field == "status" else world.units["CTH"]
    with pytest.raises(ValueError):
        services.plan_update(actor=world.users["office"], plan=world.draft, **{field: value})
    world.draft.refresh_from_db()
    assert world.draft.status == PlanStatus.DRAFT
    assert world.draft.issuing_unit == world.units["TCCT"]


def test_bulk_lead_unit_stays_inside_the_plans_branch(world):
    with pytest.raises(ValidationError) as info:
        services.tasks_set_lead_unit(
            actor=world.users["office"],
            task_ids=[world.tasks["b_track"].pk],
            lead_unit=world.units["BQP"],
        )
    assert "lead_unit" in info.value.error_dict
    assert fresh(world.tasks["b_track"]).lead_unit == world.units["CTC"]


def test_a_task_is_led_only_by_a_unit_of_the_plans_branch(world):
    """Adding or editing a task, like the bulk move, keeps its lead unit in the branch."""
    office, task = world.users["office"], world.tasks["b_track"]
    count = Task.objects.count()
    with pytest.raises(ValidationError) as info:
        services.task_create(
            actor=office, plan=world.plan, area=task.area, title="Mới", lead_unit=world.units["BQP"]
        )
    assert list(info.value.error_dict) == ["lead_unit"]
    assert "Bộ Quốc phòng" in str(info.value)
    assert Task.objects.count() == count
    with pytest.raises(ValidationError):
        services.task_edit(actor=office, task=task, lead_unit=world.units["BQP"])
    assert fresh(task).lead_unit == world.units["CTC"]


def test_bulk_deadline_leaves_done_tasks_alone(world):
    done = world.tasks["a_soon"]
    progress.task_update_post(
        actor=world.users["focal_a"], task=done, status="done", deliverable="QĐ số 1"
    )
    before = fresh(done).due_date
    changed = services.tasks_set_due(
        actor=world.users["office"],
        task_ids=[done.pk, world.tasks["b_track"].pk],
        due_date=datetime.date(2026, 12, 31),
    )
    assert changed == 1
    assert fresh(done).due_date == before
    assert fresh(world.tasks["b_track"]).due_date == datetime.date(2026, 12, 31)


def test_every_supporting_unit_carries_its_tasks_plan(world):
    """Adding a task, many at once, or changing its units: each link carries the task's plan,
    by which a unit's supporting work of one plan is found (permissions.unit_work_q)."""
    office, area = world.users["office"], Area.objects.get(code=2)
    one = services.task_create(
        actor=office,
        plan=world.plan,
        area=area,
        title="Một",
        lead_unit=world.units["CTC"],
        supporting_units=[world.units["VP"]],
    )
    many = services.tasks_create_many(
        actor=office,
        plan=world.plan,
        specs=[
            services.TaskSpec(
                area=area,
                title=f"Nhiều {n}",
                lead_unit=world.units["CTC"],
                supporting_units=[world.units["VP"], world.units["TCCT"]],
            )
            for n in range(2)
        ],
    )
    services.task_edit(
        actor=office, task=world.tasks["b_track"], supporting_units=[world.units["VP"]]
    )
    links = SupportingUnit.objects.filter(
        task__in=[one, *many, world.tasks["b_track"]]
    ).values_list("unit_id", "plan_id")
    assert len(links) == 6
    assert set(links) == {
        (world.units["VP"].pk, world.plan.pk),
        (world.units["TCCT"].pk, world.plan.pk),
    }
    # Across the whole world, no link names another plan than its task's.
    assert not SupportingUnit.objects.exclude(plan_id=F("task__plan_id")).exists()
