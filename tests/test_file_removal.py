"""Removing a row that holds an uploaded file removes the file once the removal commits
(`lib.files.remove_stored_after_commit`): a rolled-back removal keeps it, a committed one
leaves nothing behind, and a file another row still names stays, as `cchc cleanup` keeps
it too."""

import datetime
import hashlib
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from cchc.audit.models import AuditEvent
from cchc.demo.scale import BENCH_FOCAL, BENCH_OFFICE, clear_scale, seed_scale
from cchc.lib.files import remove_stored_after_commit
from cchc.lib.storage import INCOMING
from cchc.orgs.models import Membership, Role
from cchc.plans import progress
from cchc.plans.models import Evidence, Task
from cchc.plans.progress import EvidenceFile
from cchc.reporting import generation
from cchc.reporting import services as reporting
from cchc.reporting.models import ReportExport, ReportingPeriod, UnitReportAttachment
from cchc.scoring import assessment_services as services
from cchc.scoring.models import Method, ScoreFile
from tests.snapshots import restore_or_build
from tests.test_reporting_world import make_period
from tests.test_scoring_assessments import _scoring_made
from tests.world import build_world

pytestmark = pytest.mark.django_db
User = get_user_model()
CONTENT = b"%PDF-1.4 evidence"


def on_disk(name: str) -> bool:
    """The file under its name or as a copy waiting for its link."""
    media = Path(settings.MEDIA_ROOT)
    return (media / name).exists() or (media / INCOMING / name).exists()


def pdf(name: str = "qd.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, CONTENT, content_type="application/pdf")


def attach_score_file(world, assessment) -> ScoreFile:
    score = assessment.scores.filter(criterion__method=Method.MANUAL).first()
    services.score_save(
        actor=world.users["focal_a"],
        score=score,
        self_points=score.criterion.max_points,
        explanation="Đã thực hiện",
        no_evidence_reason="",
        files=[pdf()],
    )
    return score.files.get()


def cleanup_would_remove() -> str:
    out = io.StringIO()
    call_command("cleanup", "--older-than", "0", "--dry-run", stdout=out)
    return out.getvalue()


# --- a score's evidence file ----------------------------------------------------------------


@pytest.fixture
def score_file(world, django_capture_on_commit_callbacks):
    scoring = restore_or_build("scoring", lambda: _scoring_made(world))
    with django_capture_on_commit_callbacks(execute=True):
        stored = attach_score_file(world, scoring["CTH"])
    assert (Path(settings.MEDIA_ROOT) / stored.file.name).is_file()
    return stored


def test_a_removed_score_file_leaves_the_disk_once_the_removal_commits(
    world, score_file, django_capture_on_commit_callbacks
):
    pk = score_file.pk  # the delete forgets it on the instance
    with django_capture_on_commit_callbacks(execute=True):
        services.score_file_remove(actor=world.users["focal_a"], score_file=score_file)
        assert on_disk(score_file.file.name)  # not before the commit
    assert not ScoreFile.objects.filter(pk=pk).exists()
    assert not on_disk(score_file.file.name)
    event = AuditEvent.objects.get(action="assessment.file_remove")
    assert event.changes == {"file": "qd.pdf", "sha256": hashlib.sha256(CONTENT).hexdigest()}


def test_a_rolled_back_score_file_removal_keeps_the_file(
    world, score_file, django_capture_on_commit_callbacks
):
    pk = score_file.pk  # the delete forgets it on the instance, rolled back or not
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.score_file_remove(actor=world.users["focal_a"], score_file=score_file)
        raise RuntimeError("after the removal")
    assert callbacks == []
    with ScoreFile.objects.get(pk=pk).file.open("rb") as f:
        assert f.read() == CONTENT


@pytest.mark.django_db(transaction=True)
def test_real_commits_and_rollbacks_of_a_score_file_removal():
    world = build_world()
    stored = attach_score_file(world, _scoring_made(world)["CTH"])
    assert (Path(settings.MEDIA_ROOT) / stored.file.name).is_file()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.score_file_remove(actor=world.users["focal_a"], score_file=stored)
        raise RuntimeError("after the removal")
    assert on_disk(stored.file.name)
    stored = ScoreFile.objects.get(file=stored.file.name)
    services.score_file_remove(actor=world.users["focal_a"], score_file=stored)
    assert not on_disk(stored.file.name)


# --- a file two rows name -------------------------------------------------------------------


def test_a_file_another_row_still_names_stays_and_cleanup_agrees(
    world, django_capture_on_commit_callbacks
):
    period = make_period(world)
    first, second = (ReportExport.objects.create(period=period, format="xlsx") for _ in "12")
    with django_capture_on_commit_callbacks(execute=True):
        for export in (first, second):
            generation.export_run(export_id=export.pk, today=world.today)
    first.refresh_from_db()
    second.refresh_from_db()
    # The second export reused the identical file the first built.
    name = first.file.name
    assert name and second.file.name == name and on_disk(name)
    with django_capture_on_commit_callbacks(execute=True):
        remove_stored_after_commit([name])
        first.delete()
    assert on_disk(name)
    assert name not in cleanup_would_remove()
    with django_capture_on_commit_callbacks(execute=True):
        remove_stored_after_commit([name])
        second.delete()
    assert not on_disk(name)


# --- the scale data cleared -----------------------------------------------------------------


@pytest.fixture
def scale_files(django_capture_on_commit_callbacks):
    """Scale data with a file uploaded on it, as the load test does: a task's evidence and
    a report's attachment."""
    today = datetime.date(2026, 3, 2)
    result = seed_scale(units=3, tasks=10, today=today)
    office, focal = (User.objects.get(username=name) for name in (BENCH_OFFICE, BENCH_FOCAL))
    unit = Membership.objects.get(user=focal, role=Role.FOCAL).unit
    task = Task.objects.filter(plan_id=result.plan_id).first()
    period = ReportingPeriod.objects.filter(plan_id=result.plan_id).order_by("-due_on").first()
    with django_capture_on_commit_callbacks(execute=True):
        evidence = progress.evidence_add(
            actor=office,
            task=task,
            item=EvidenceFile(file=pdf("scale.pdf"), effective_on=timezone.localdate()),
        )
        report = reporting.unit_report_open(actor=focal, period=period, unit=unit, today=today)
        attachment = reporting.unit_report_attach(actor=focal, report=report, file=pdf("bc.pdf"))
    names = [evidence.file.name, attachment.file.name]
    assert all((Path(settings.MEDIA_ROOT) / n).is_file() for n in names)
    return names


def test_clearing_the_scale_data_removes_its_files(scale_files, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert clear_scale() is not None
    assert not Evidence.objects.exists() and not UnitReportAttachment.objects.exists()
    assert [on_disk(n) for n in scale_files] == [False, False]


def test_a_rolled_back_clearing_keeps_the_files(scale_files, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        clear_scale()
        raise RuntimeError("after the clearing")
    assert callbacks == []
    assert [on_disk(n) for n in scale_files] == [True, True]
