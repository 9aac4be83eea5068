"""A worker killed mid-job (issue 9): the export stops beating, the page that polls notices,
queues it again and says so; after CCHC_JOB_MAX_ATTEMPTS runs it fails with a message."""

import datetime
import time

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cchc.audit.services import verify_chain
from cchc.reporting import generation
from cchc.reporting.models import ExportStatus, ReportExport
from tests.test_reporting_views import login
from tests.test_reporting_world import make_period
from tests.world import build_world


@pytest.fixture
def killed(world, django_capture_on_commit_callbacks):
    """An export whose worker started it (run 1, at 85 %) and died ten minutes ago."""
    period = make_period(world)
    office = login("office")
    with django_capture_on_commit_callbacks(execute=True):
        office.post(f"/reporting/periods/{period.pk}/exports/", {"format": "docx"})
    export = ReportExport.objects.get()
    ReportExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.RUNNING,
        progress=85,
        attempts=1,
        heartbeat_at=timezone.now() - datetime.timedelta(minutes=10),
    )
    return office, export


def test_the_page_queues_a_job_whose_worker_died_and_says_so(
    killed, django_capture_on_commit_callbacks
):
    office, export = killed
    queued_before = DBTaskResult.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        page = office.get(f"/reporting/exports/{export.pk}/", HTTP_HX_REQUEST="true")
    assert "bị gián đoạn; đã xếp hàng chạy lại (lần 2)" in page.content.decode()
    export.refresh_from_db()
    assert (export.status, export.progress) == (ExportStatus.QUEUED, 0)
    assert DBTaskResult.objects.count() == queued_before + 1
    assert verify_chain()[1] is None


def test_after_the_last_attempt_the_job_fails_with_a_message(killed, settings):
    office, export = killed
    ReportExport.objects.filter(pk=export.pk).update(attempts=settings.CCHC_JOB_MAX_ATTEMPTS)
    page = office.get(f"/reporting/exports/{export.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "dừng giữa chừng 3 lần" in page
    assert "hx-trigger" not in page  # no more polling
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED


def test_a_job_that_still_beats_is_left_to_run(killed):
    office, export = killed
    ReportExport.objects.filter(pk=export.pk).update(heartbeat_at=timezone.now())
    office.get(f"/reporting/exports/{export.pk}/", HTTP_HX_REQUEST="true")
    export.refresh_from_db()
    assert (export.status, export.progress) == (ExportStatus.RUNNING, 85)


@pytest.mark.django_db(transaction=True)
def test_the_worker_beats_while_it_works(settings):
    world = build_world()
    export = ReportExport.objects.create(
        period=make_period(world), format="docx", status=ExportStatus.RUNNING
    )
    settings.CCHC_JOB_STALE_SECONDS = 4  # a beat every second
    with generation._heartbeat(export.pk):
        time.sleep(2.5)
    export.refresh_from_db()
    assert export.heartbeat_at is not None
    assert not export.lost_worker()
