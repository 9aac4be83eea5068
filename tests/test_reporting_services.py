import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.audit.models import AuditEvent
from cchc.audit.services import verify_chain
from cchc.plans import progress as plan_progress
from cchc.reporting import services
from cchc.reporting.models import ReportNudge, ReportStatus, UnitReport, UnitReportVersion
from cchc.reporting.workflow import StaleVersion
from tests.test_reporting_world import LATE, ON_TIME, make_period, submit, write

D = datetime.date


@pytest.fixture
def period(world):
    return make_period(world)


# --- periods ---------------------------------------------------------------------------


def test_a_period_gets_the_rules_window_and_every_unit_with_a_task(world, period):
    assert (period.starts_on, period.ends_on, period.due_on) == (
        D(2025, 12, 15),
        D(2026, 6, 14),
        D(2026, 6, 20),
    )
    # CTC supports CTH's task and leads its own; VP has no task.
    assert {u.code for u in period.units.all()} == {"CTH", "CTH-P1", "CTC"}
    assert AuditEvent.objects.filter(action="period.open", object_id=str(period.pk)).exists()


def test_the_office_can_change_dates_and_units(world, period):
    services.period_update(
        actor=world.users["office"],
        period=period,
        starts_on=D(2026, 1, 1),
        ends_on=D(2026, 6, 10),
        due_on=D(2026, 6, 25),
        units=[world.units["CTH"], world.units["VP"]],
    )
    period.refresh_from_db()
    assert (period.starts_on, period.ends_on, period.due_on) == (
        D(2026, 1, 1),
        D(2026, 6, 10),
        D(2026, 6, 25),
    )
    assert {u.code for u in period.units.all()} == {"CTH", "VP"}
    event = AuditEvent.objects.get(action="period.update")
    assert set(event.changes) == {"starts_on", "ends_on", "due_on", "units"}


def test_only_the_office_opens_periods(world):
    for name in ("focal_a", "head_a", "leader", "viewer", "nobody"):
        with pytest.raises(PermissionDenied):
            services.period_open(actor=world.users[name], plan=world.plan, kind="quy_1")


def test_period_rules_are_checked(world, period):
    office = world.users["office"]
    with pytest.raises(ValidationError, match="đã có kỳ báo cáo"):
        services.period_open(actor=office, plan=world.plan, kind="six_months")
    with pytest.raises(ValidationError, match="đột xuất"):
        services.period_open(actor=office, plan=world.plan, kind="ad_hoc")
    with pytest.raises(ValidationError, match="chưa ban hành"):
        services.period_open(actor=office, plan=world.draft, kind="quy_1")
    with pytest.raises(ValidationError):
        services.period_open(
            actor=office,
            plan=world.plan,
            kind="ad_hoc",
            starts_on=D(2026, 5, 1),
            ends_on=D(2026, 5, 31),
            due_on=D(2026, 5, 20),
        )
    ad_hoc = services.period_open(
        actor=office,
        plan=world.plan,
        kind="ad_hoc",
        title="sơ kết chuyển đổi số",
        starts_on=D(2026, 5, 1),
        ends_on=D(2026, 5, 31),
        due_on=D(2026, 6, 5),
    )
    assert ad_hoc.title_phrase == "sơ kết chuyển đổi số năm 2026"


# --- prefill ---------------------------------------------------------------------------


def test_opening_a_report_prefills_it_from_the_units_tasks(world, period):
    t = world.tasks
    inside = plan_progress.task_update_post(
        actor=world.users["focal_b"],
        task=t["b_track"],
        progress=40,
        status="in_progress",
        note="Đã rà soát 12 thủ tục",
        reported_on=D(2026, 5, 20),
    )
    plan_progress.task_update_post(
        actor=world.users["focal_b"],
        task=t["b_track"],
        note="Ghi sau kỳ báo cáo",
        reported_on=D(2026, 6, 15),
    )
    report = services.unit_report_open(
        actor=world.users["focal_b"], period=period, unit=world.units["CTC"], today=world.today
    )
    assert report.status == ReportStatus.DRAFT and report.version == 0
    # CTC supports task 1.1 (area 1) and leads 3.1 (area 3) and 5.1 (area 5).
    assert set(report.narrative) == {"1", "3", "5"}
    assert "(phối hợp)" in report.narrative["1"]["results"]
    assert "Đã rà soát 12 thủ tục" in report.narrative["3"]["results"]
    assert "tiến độ 40%" in report.narrative["3"]["results"]
    assert "Ghi sau kỳ báo cáo" not in report.narrative["3"]["results"]

    from cchc.reporting.selectors import unit_report_page

    page = unit_report_page(
        user=world.users["focal_b"], period=period, unit=world.units["CTC"], today=world.today
    )
    rows = {row["code"]: row for area in page.areas for row in area.tasks}
    assert rows["1.1"]["role"] == "support" and rows["3.1"]["role"] == "lead"
    assert [u["note"] for u in rows["3.1"]["updates"]] == [inside.note]
    assert rows["1.1"]["timeliness"] == "overdue"
    assert rows["5.1"]["timeliness"] == "recurring"
    # Counts are of the tasks the unit leads: 3.1 on track, 5.1 recurring.
    assert page.figures["by_timeliness"] == {
        "done_on_time": 0,
        "done_late": 0,
        "overdue": 0,
        "due_soon": 0,
        "on_track": 1,
        "recurring": 1,
    }


def test_opening_twice_returns_the_same_report(world, period):
    args = dict(period=period, unit=world.units["CTH"], today=world.today)
    first = services.unit_report_open(actor=world.users["focal_a"], **args)
    again = services.unit_report_open(actor=world.users["head_a"], **args)
    assert first.pk == again.pk
    assert UnitReport.objects.count() == 1


def test_a_unit_not_required_to_report_cannot_open_one(world, period):
    with pytest.raises(ValidationError):
        services.unit_report_open(
            actor=None, period=period, unit=world.units["VP"], today=world.today
        )


# --- the state machine, role by role -----------------------------------------------------


@pytest.mark.parametrize("name", ["office", "leader", "viewer", "focal_b", "head_b", "nobody"])
def test_only_the_units_own_people_write_its_report(world, period, name):
    with pytest.raises(PermissionDenied):
        write(world, period, "CTH", name)


def test_the_unit_head_submits_and_the_focal_officer_only_drafts(world, period):
    report = write(world, period, "CTH", "focal_a", results="Đã tuyên truyền")
    with pytest.raises(PermissionDenied):
        submit(world, report, "focal_a")
    for name in ("office", "leader", "head_b"):
        with pytest.raises(PermissionDenied):
            submit(world, report, name)
    version = submit(world, report, "head_a")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert version.number == 1 and version.submitted_by == world.users["head_a"]
    assert version.part(1, "results") == "Đã tuyên truyền"
    with pytest.raises(ValidationError):
        write(world, period, "CTH", "focal_a")


def test_a_focal_officer_submits_where_the_unit_has_no_head(world, period):
    # CTH-P1 has no unit_head membership of its own; CTH's focal officer covers it.
    report = write(world, period, "CTH-P1", "focal_a", results="Số hóa 40% hồ sơ")
    version = submit(world, report, "focal_a")
    assert version.submitted_by == world.users["focal_a"]


def test_return_resubmit_accept(world, period):
    office = world.users["office"]
    report = write(world, period, "CTH", "focal_a", results="Bản đầu")
    submit(world, report, "head_a")
    for name in ("head_a", "focal_a", "leader", "viewer"):
        with pytest.raises(PermissionDenied):
            services.unit_report_return(actor=world.users[name], report=report, comment="Sửa")
    with pytest.raises(ValidationError):
        services.unit_report_return(actor=office, report=report, comment="  ")
    services.unit_report_return(actor=office, report=report, comment="Bổ sung số liệu lĩnh vực 2")
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    assert report.return_comment == "Bổ sung số liệu lĩnh vực 2"
    with pytest.raises(ValidationError):
        services.unit_report_accept(actor=office, report=report)

    report = write(world, period, "CTH", "focal_a", results="Bản sửa")
    second = submit(world, report, "head_a", now=LATE)
    assert second.number == 2
    for name in ("head_a", "leader", "viewer"):
        with pytest.raises(PermissionDenied):
            services.unit_report_accept(actor=world.users[name], report=report)
    services.unit_report_accept(actor=office, report=report)
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    assert report.accepted_version == second
    # The first submission's date decides timeliness: it was on time.
    assert report.first_submitted_at == ON_TIME and report.last_submitted_at == LATE
    # Both versions stay readable, with who and when.
    first, latest = report.versions.order_by("number")
    assert first.part(1, "results") == "Bản đầu" and latest.part(1, "results") == "Bản sửa"
    assert first.submitted_at == ON_TIME and latest.submitted_at == LATE
    with pytest.raises(ValidationError):
        services.unit_report_return(actor=office, report=report, comment="Muộn rồi")
    assert verify_chain()[1] is None


# --- frozen versions, concurrent edits, double submission --------------------------------


def test_a_submitted_version_does_not_change_when_tasks_change(world, period):
    report = write(world, period, "CTH", "focal_a", results="Đã làm")
    version = submit(world, report, "head_a")
    frozen_tasks, frozen_figures = version.tasks, version.figures
    assert {t["code"]: t["progress"] for t in frozen_tasks} == {"1.1": 0, "2.1": 0}

    plan_progress.task_update_post(
        actor=world.users["focal_a"],
        task=world.tasks["a_overdue"],
        status="done",
        deliverable="Kế hoạch tuyên truyền số 12",
        reported_on=D(2026, 6, 10),
    )
    plan_progress.task_update_post(
        actor=world.users["focal_a"],
        task=world.tasks["a_soon"],
        progress=70,
        note="Gần xong",
        reported_on=D(2026, 6, 12),
    )
    stored = UnitReportVersion.objects.get(pk=version.pk)
    assert stored.tasks == frozen_tasks and stored.figures == frozen_figures
    assert {t["code"]: t["progress"] for t in stored.tasks} == {"1.1": 0, "2.1": 0}
    assert stored.figures["by_timeliness"]["overdue"] == 1

    from cchc.reporting import data

    live = data.unit_tasks(period, world.units["CTH"], period.as_of(world.today))
    assert {t["code"]: t["progress"] for t in live} == {"1.1": 100, "2.1": 70}


def test_the_second_of_two_concurrent_saves_is_refused_with_the_newer_text(world, period):
    unit = world.units["CTH"]
    report = services.unit_report_open(
        actor=world.users["focal_a"], period=period, unit=unit, today=world.today
    )
    loaded = report.version
    services.unit_report_save(
        actor=world.users["focal_a"],
        period=period,
        unit=unit,
        expected_version=loaded,
        narrative={"1": {"results": "Văn bản của đầu mối"}},
    )
    with pytest.raises(StaleVersion) as refused:
        services.unit_report_save(
            actor=world.users["head_a"],
            period=period,
            unit=unit,
            expected_version=loaded,
            narrative={"1": {"results": "Văn bản của thủ trưởng"}},
        )
    assert "focal_a" in refused.value.messages[0]
    assert refused.value.current.part(1, "results") == "Văn bản của đầu mối"
    report.refresh_from_db()
    assert report.part(1, "results") == "Văn bản của đầu mối"
    assert AuditEvent.objects.filter(action="unit_report.save").count() == 1


def test_a_stale_submit_is_refused(world, period):
    report = write(world, period, "CTH", "focal_a", results="Một")
    stale = report.version
    write(world, period, "CTH", "focal_a", results="Hai")
    with pytest.raises(StaleVersion):
        services.unit_report_submit(
            actor=world.users["head_a"], report=report, expected_version=stale
        )
    assert not UnitReportVersion.objects.exists()


def test_submitting_twice_makes_one_submission(world, period):
    report = write(world, period, "CTH", "focal_a", results="Một lần")
    seen = report.version
    kwargs = dict(actor=world.users["head_a"], report=report, expected_version=seen)
    first = services.unit_report_submit(**kwargs, narrative={"1": {"results": "Một lần"}})
    again = services.unit_report_submit(**kwargs, narrative={"1": {"results": "Một lần"}})
    assert first.pk == again.pk
    assert UnitReportVersion.objects.count() == 1
    assert AuditEvent.objects.filter(action="unit_report.submit").count() == 1


# --- nudges and evidence ---------------------------------------------------------------


def test_the_office_nudges_only_units_that_have_not_submitted(world, period):
    submit(world, write(world, period, "CTH", "focal_a"), "head_a")
    with pytest.raises(PermissionDenied):
        services.report_nudge(actor=world.users["focal_b"], period=period)
    nudges = services.report_nudge(actor=world.users["office"], period=period)
    assert {n.unit.code for n in nudges} == {"CTH-P1", "CTC"}
    assert "20/06/2026" in nudges[0].message
    assert ReportNudge.objects.count() == 2
    assert AuditEvent.objects.filter(action="report.nudge").count() == 2
    one = services.report_nudge(
        actor=world.users["office"], period=period, units=[world.units["CTC"], world.units["CTH"]]
    )
    assert [n.unit.code for n in one] == ["CTC"]


def test_evidence_attached_is_listed_in_the_submission(world, period, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = write(world, period, "CTH", "focal_a")
    services.unit_report_attach(
        actor=world.users["focal_a"],
        report=report,
        file=SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 evidence"),
        description="Biên bản hội nghị",
    )
    with pytest.raises(PermissionDenied):
        services.unit_report_attach(
            actor=world.users["focal_b"],
            report=report,
            file=SimpleUploadedFile("x.pdf", b"x"),
        )
    version = submit(world, report, "head_a")
    assert [a["name"] for a in version.attachments] == ["bien-ban.pdf"]
