import datetime
import io
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import docx
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from cchc.audit.models import AuditEvent
from cchc.audit.services import verify_chain
from cchc.demo.organisation import DEMO_PASSWORD
from cchc.orgs.models import Membership, Role, Unit
from cchc.plans.due_text import parse_due_text
from cchc.plans.history import annotate_state
from cchc.plans.models import Evidence, Plan, PlanStatus, Task, TaskStatus, TaskUpdate
from cchc.plans.selectors import uncovered_parent_tasks
from cchc.plans.timeliness import Timeliness, task_timeliness
from cchc.reporting import data
from cchc.reporting.models import (
    ConsolidatedReport,
    ReportingPeriod,
    UnitReport,
    UnitReportVersion,
)

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
    assert "Đã nạp dữ liệu mẫu:" in output and " nhiệm vụ" in output
    assert "Tài khoản mẫu (chỉ dùng với dữ liệu mẫu):" in output

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
    assert {e.original_name.rsplit(".", 1)[1] for e in evidence} == {"pdf", "docx"}
    for t in tasks:
        if t.status == "done":
            assert t.result and t.completed_on <= today

    # A ministry task assigned to the department is left uncovered.
    office = get_user_model().objects.get(username="vanphong")
    uncovered = uncovered_parent_tasks(user=office, plan=plan, today=today)
    assert uncovered.filter(lead_unit=tcct).exists()

    # The issuing units' documents carry their symbol and signer.
    assert (tcct.symbol, tcct.signer_title) == ("CT", "Phó Chủ nhiệm") and tcct.signer_name
    assert Unit.objects.get(code="BQP").signer_name

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
    assert "không thay đổi gì" in output
    assert verify_chain()[1] is None


@pytest.mark.django_db
def test_load_demo_keeps_what_an_admin_revoked(media):
    """`make run` loads the demo at every start; a revoked role must stay revoked."""
    load(no_logins=True)
    office = Membership.objects.filter(role="office").select_related("user").first()
    office.delete()  # as the admin's delete does
    load(no_logins=True)
    assert not Membership.objects.filter(user=office.user, role="office").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("day", [datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)])
def test_every_category_on_the_edges_of_the_year(media, day):
    """Loaded on the first or last day of the year, every category still appears."""
    with mock.patch("django.utils.timezone.localdate", return_value=day):
        load(no_logins=True)
    seen = {task_timeliness(t, day) for t in department_plan(day.year).tasks.all()}
    assert seen >= CATEGORIES
    assert verify_chain()[1] is None


# --- the demo is consistent in time --------------------------------------------------------
#
# One demo, loaded once for the tests below on a fixed day late in the year, when the quý I,
# 6 tháng and quý III periods all exist; its rows are rolled back when the module ends.

TODAY = datetime.date(2026, 11, 30)
DATE_FORMS = [
    # dd/mm/yyyy and d/m/yyyy
    (re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])"), (3, 2, 1)),
    # “ngày 3 tháng 4 năm 2026”
    (re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.I), (3, 2, 1)),
    # the ISO dates the frozen JSON keeps (as_of, reported_on, completed_on)
    (re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)"), (1, 2, 3)),
]


def dates_in(text: str) -> list[datetime.date]:
    found = []
    for pattern, (y, m, d) in DATE_FORMS:
        for match in pattern.finditer(text):
            found.append(datetime.date(int(match[y]), int(match[m]), int(match[d])))
    return found


def strings(value, path: str = ""):
    """(path, text) of every string inside a JSON value."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings(item, f"{path}[{index}]")
    elif isinstance(value, str):
        yield path, value


def at_today(day: datetime.date):
    """Patch today's date only: `timezone.localdate(value)` still converts `value`."""
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return day if value is None else real(value, timezone)

    return mock.patch("django.utils.timezone.localdate", side_effect=localdate)


@dataclass
class Demo:
    media: Path
    plan: Plan
    periods: dict[str, ReportingPeriod]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), transaction.atomic():
        with (
            override_settings(
                MEDIA_ROOT=media,
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            ),
            at_today(TODAY),
        ):
            load(no_logins=True)
        plan = department_plan(TODAY.year)
        periods = {p.kind: p for p in ReportingPeriod.objects.filter(plan=plan)}
        yield Demo(media=media, plan=plan, periods=periods)
        transaction.set_rollback(True)


@pytest.fixture
def demo_media(demo, settings):
    settings.MEDIA_ROOT = demo.media
    return demo.media


def test_the_demo_reports_on_three_periods(demo):
    assert set(demo.periods) == {"quy_1", "six_months", "quy_3"}


@pytest.mark.django_db
def test_no_report_cites_a_date_after_its_cut_off(demo):
    """Frozen versions and the reports' current text speak only of what was true at the
    cut-off; the period's own deadline may be named. A task row's deadline (`due_text`,
    `due_date`) is the plan's, issued before every cut-off: known then, so not a later fact."""
    checked = 0
    for period in demo.periods.values():
        assert demo.plan.issued_on <= period.ends_on
        allowed = {period.due_on}
        contents = []
        for report in UnitReport.objects.filter(period=period).select_related("unit"):
            contents.append((report, [report.narrative, report.proposals, report.next_tasks]))
        versions = UnitReportVersion.objects.filter(report__period=period).select_related(
            "report__unit"
        )
        assert versions.exists(), period.kind
        for version in versions:
            content = [
                version.narrative,
                version.proposals,
                version.next_tasks,
                version.figures,
                version.tasks,
            ]
            contents.append((version, content))
        for source, content in contents:
            for path, text in strings(content):
                if path.endswith((".due_text", ".due_date")):
                    continue
                for day in dates_in(text):
                    checked += 1
                    assert day <= period.ends_on or day in allowed, (
                        f"{period.kind} {source}: {path} cites {day:%d/%m/%Y}: {text[:200]}"
                    )
    assert checked > 100  # the walk saw the dates it is about


def read_pdf(data: bytes) -> str:
    """Check the file is a whole PDF (header, cross-reference table, trailer) and return
    its text when poppler's pdftotext is installed ("" otherwise)."""
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    xref = int(re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", data)[1])
    assert data[xref : xref + 4] == b"xref"
    table = data[xref:].split(b"trailer")[0].splitlines()[3:]
    for number, row in enumerate(table, start=1):
        offset = int(row.split()[0])
        assert data[offset:].startswith(f"{number} 0 obj".encode()), number
    assert b"/FontFile2" in data  # the font travels with the file
    if shutil.which("pdftotext") is None:
        return ""
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    )
    return done.stdout.decode()


def read_docx(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([*cells, *(p.text for p in document.paragraphs)])


@pytest.mark.django_db
def test_evidence_files_are_real_documents_dated_no_later_than_their_update(demo, demo_media):
    evidence = list(Evidence.objects.select_related("update", "task"))
    assert len(evidence) >= 40
    kinds = Counter()
    for item in evidence:
        kind = item.original_name.rsplit(".", 1)[1]
        kinds[kind] += 1
        with item.file.open("rb") as fh:
            data = fh.read()
        text = read_pdf(data) if kind == "pdf" else read_docx(data)
        if text:
            # What the paper says: the national motto and its own date, in Vietnamese.
            assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text, item.original_name
            day = item.effective_on
            assert f"ngày {day.day} tháng {day.month} năm {day.year}" in text
            assert all(day <= item.effective_on for day in dates_in(text)), item.original_name
        # A paper exists by the day the update citing it reports, never after.
        if item.update_id:
            assert item.effective_on <= item.update.reported_on, item.original_name
        assert item.effective_on <= TODAY
    assert set(kinds) == {"pdf", "docx"}, kinds


@pytest.mark.django_db
def test_updates_say_only_what_had_happened_by_their_date(demo):
    updates = TaskUpdate.objects.all()
    assert updates.count() >= 100
    for update in updates:
        assert update.reported_on <= TODAY
        if update.completed_on:
            assert update.completed_on <= update.reported_on, update.pk
        for day in dates_in(f"{update.note}\n{update.deliverable}"):
            assert day <= update.reported_on, (update.pk, update.note, update.deliverable)


def category(task: Task, status: str, completed_on, on: datetime.date, soon: int) -> str:
    """The design's table of timeliness, written again here on purpose."""
    if status == TaskStatus.DONE:
        on_time = task.due_date is None or (completed_on and completed_on <= task.due_date)
        return "done_on_time" if on_time else "done_late"
    if task.is_recurring:
        return "recurring"
    if task.due_date is None:
        return "on_track"
    if task.due_date < on:
        return "overdue"
    if (task.due_date - on).days <= soon:
        return "due_soon"
    return "on_track"


@pytest.mark.django_db
def test_each_period_counts_what_its_updates_say(demo, settings):
    """quý I, 6 tháng and quý III: the figures are those of the updates reported by each
    cut-off, counted here from the TaskUpdate rows; they differ, and done grows."""
    tasks = list(Task.objects.filter(plan=demo.plan))
    updates: dict[int, list[TaskUpdate]] = {t.pk: [] for t in tasks}
    for update in TaskUpdate.objects.filter(task__plan=demo.plan):
        updates[update.task_id].append(update)
    done = []
    figures = []
    for kind in ("quy_1", "six_months", "quy_3"):
        period = demo.periods[kind]
        on = period.as_of(TODAY)
        assert on == period.ends_on
        expected = Counter()
        for task in tasks:
            known = [u for u in updates[task.pk] if u.reported_on <= on]
            last = max(known, key=lambda u: (u.reported_on, u.pk), default=None)
            status = last.status_after if last else TaskStatus.NOT_STARTED
            if status == TaskStatus.CANCELLED:
                continue
            completed = last.completed_on if last else None
            expected[category(task, status, completed, on, settings.CCHC_DUE_SOON_DAYS)] += 1
        stats = data.task_stats(period, on)
        counts = {k: v for k, v in stats["total"]["counts"].items() if v}
        assert counts == dict(expected), kind
        done.append(expected["done_on_time"] + expected["done_late"])
        figures.append(counts)
    assert done[0] < done[1] < done[2], done
    assert figures[0] != figures[1] != figures[2]


@pytest.mark.django_db
def test_each_task_is_what_its_history_says_today(demo):
    tasks = annotate_state(Task.objects.all(), TODAY, from_history=True, with_result=True)
    assert tasks.count() >= 60
    for task in tasks:
        assert (task.status, task.progress, task.completed_on, task.result) == (
            task.state_status,
            task.state_progress,
            task.state_completed_on,
            task.state_result,
        ), task.code


def docx_text(path: Path) -> list[str]:
    """Every paragraph of the document, in its body and in its tables (nested too)."""
    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]

    def tables(items):
        for table in items:
            for row in table.rows:
                for cell in row.cells:
                    texts.extend(p.text for p in cell.paragraphs)
                    tables(cell.tables)

    tables(document.tables)
    for section in document.sections:
        texts.extend(p.text for p in section.header.paragraphs)
        texts.extend(p.text for p in section.footer.paragraphs)
    return texts


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["quy_1", "six_months", "quy_3"])
def test_the_consolidated_docx_cites_no_date_after_its_cut_off(demo, demo_media, tmp_path, kind):
    """Apart from its own date, the reporting deadline and the days units sent their
    reports, the document names no date after the period's cut-off."""
    period = demo.periods[kind]
    path = tmp_path / f"{kind}.docx"
    call_command(
        "consolidate",
        period=period.pk,
        format="docx",
        output=str(path),
        date=f"{TODAY:%d/%m/%Y}",
        stdout=io.StringIO(),
    )
    consolidated = ConsolidatedReport.objects.filter(period=period).first()
    own_date = consolidated.issued_on if consolidated and consolidated.issued_on else TODAY
    sent = set()
    for report in UnitReport.objects.filter(period=period):
        for moment in (report.first_submitted_at, report.last_submitted_at):
            if moment:
                sent.add(timezone.localtime(moment).date())
    allowed = {own_date, period.due_on, *sent}
    later = [
        (day, text)
        for text in docx_text(path)
        for day in dates_in(text)
        if day > period.ends_on and day not in allowed
    ]
    assert not later, "\n".join(f"{d:%d/%m/%Y}: {t[:200]}" for d, t in later[:10])


def test_the_demo_scores_its_units_in_every_state(demo):
    """Journey 7 shows content at once: a set in use with assessments in each state, and
    each finalised total the sum of its frozen points."""
    from cchc.scoring.models import Assessment, AssessmentStatus, CriteriaSet, SetStatus

    (criteria_set,) = CriteriaSet.objects.all()
    assert criteria_set.status == SetStatus.IN_USE
    # Fixed through the office's settings service, so the audit log holds it.
    assert criteria_set.cut_off == datetime.date(criteria_set.year, 11, 15)
    assert AuditEvent.objects.filter(object_id=str(criteria_set.pk), action__contains="settings")
    states = set(Assessment.objects.values_list("status", flat=True))
    assert {
        AssessmentStatus.DRAFT,
        AssessmentStatus.SUBMITTED,
        AssessmentStatus.APPRAISED,
    } <= states
    for assessment in Assessment.objects.filter(status=AssessmentStatus.FINALISED):
        assert assessment.total == sum(s.final_points for s in assessment.scores.all())
