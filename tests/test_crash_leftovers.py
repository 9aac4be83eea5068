"""Crash leftovers (issue 9): an upload takes its name only when its row is committed, a
rolled-back one leaves no file, and `cchc cleanup` removes what a crash left behind."""

import datetime
import os
import time
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from cchc.lib.storage import INCOMING
from cchc.plans import progress
from cchc.plans.imports.staging import stage_file
from cchc.plans.models import Evidence
from cchc.plans.progress import EvidenceFile
from cchc.reporting.models import ReportTemplate
from tests.world import build_world

TWO_HOURS_AGO = time.time() - 2 * 3600


@pytest.fixture(autouse=True)
def spill_folder(settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "tmp"
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()
    return settings.FILE_UPLOAD_TEMP_DIR


def files_under(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def media() -> Path:
    return Path(settings.MEDIA_ROOT)


def paper(name="quyet-dinh.pdf", content=b"%PDF-1.4 scan") -> EvidenceFile:
    return EvidenceFile(
        file=SimpleUploadedFile(name, content, "application/pdf"),
        effective_on=timezone.localdate(),
    )


def post_with_paper(world, **extra):
    return progress.task_update_post(
        actor=world.users["focal_a"],
        task=world.tasks["a_soon"],
        note="Đã ban hành quyết định",
        files=[paper()],
        **extra,
    )


def age(path: Path, when: float = TWO_HOURS_AGO) -> Path:
    os.utime(path, (when, when))
    return path


def fail_on_evidence(monkeypatch) -> None:
    """The audit of the stored evidence fails: the service's transaction rolls back after
    the file was written."""
    real = progress.audit_record

    def audit_record(**kwargs):
        if kwargs["action"] == "evidence.add":
            raise RuntimeError("the database went away")
        return real(**kwargs)

    monkeypatch.setattr(progress, "audit_record", audit_record)


# --- writing ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_transaction_that_fails_after_the_upload_leaves_no_file(monkeypatch):
    world = build_world()
    fail_on_evidence(monkeypatch)
    with pytest.raises(RuntimeError):
        post_with_paper(world)
    assert not Evidence.objects.exists()
    assert files_under(media()) == set()


@pytest.mark.django_db(transaction=True)
def test_a_committed_upload_takes_its_name_and_leaves_no_waiting_copy():
    world = build_world()
    update = post_with_paper(world)
    evidence = update.evidence.get()
    assert files_under(media()) == {evidence.file.name}
    with evidence.file.open("rb") as f:
        assert f.read() == b"%PDF-1.4 scan"


def test_a_rolled_back_savepoint_takes_its_files(world, monkeypatch):
    fail_on_evidence(monkeypatch)
    with pytest.raises(RuntimeError):
        post_with_paper(world)
    template = ReportTemplate(
        unit=world.units["TCCT"], name="Mẫu", sha256="0", uploaded_by=world.users["office"]
    )
    with pytest.raises(RuntimeError), transaction.atomic():
        template.file.save("mau.docx", ContentFile(b"PK docx"))
        raise RuntimeError("after the save")
    assert files_under(media()) == set()


def test_a_file_waiting_for_its_commit_is_read_and_its_name_is_taken(world):
    evidence = progress.evidence_add(
        actor=world.users["focal_a"], task=world.tasks["a_soon"], item=paper()
    )
    # The test's own transaction has not committed: the file waits under its name.
    assert files_under(media()) == {f"{INCOMING}/{evidence.file.name}"}
    with evidence.file.open("rb") as f:
        assert f.read() == b"%PDF-1.4 scan"
    assert evidence.file.size == len(b"%PDF-1.4 scan")
    second = progress.evidence_add(
        actor=world.users["focal_a"], task=world.tasks["a_soon"], item=paper()
    )
    assert second.file.name != evidence.file.name


def test_big_uploads_spill_inside_the_data_folder():
    from cchc import settings as project

    assert project.FILE_UPLOAD_TEMP_DIR.is_relative_to(project.DATA_DIR)


def test_a_staged_import_file_takes_its_name_at_once(world):
    path = stage_file(actor=world.users["office"], name="Kế hoạch.xlsx", data=b"xlsx")
    assert files_under(media()) == {path}


# --- cchc cleanup ------------------------------------------------------------------------


def cleanup(*args: str) -> str:
    out = StringIO()
    call_command("cleanup", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def leftovers(world, spill_folder, django_capture_on_commit_callbacks):
    """A committed evidence file, and what a crash leaves: a waiting copy, a spilled upload,
    an orphan in the media folder; each two hours old, with a fresh one of each."""
    with django_capture_on_commit_callbacks(execute=True):
        kept = progress.evidence_add(
            actor=world.users["focal_a"], task=world.tasks["a_soon"], item=paper()
        )
    age(media() / kept.file.name)
    made = {}
    for label, root in (("waiting", media() / INCOMING), ("spilled", spill_folder)):
        for when in ("old", "new"):
            path = root / f"evidence/{when}.pdf" if label == "waiting" else root / f"{when}.upload"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"partial")
            made[f"{label}-{when}"] = path
    for when in ("old", "new"):
        name = default_storage.save_now(f"evidence/{when}-orphan.pdf", ContentFile(b"x"))
        made[f"orphan-{when}"] = media() / name
    for label, path in made.items():
        if label.endswith("-old"):
            age(path)
    made["kept"] = media() / kept.file.name
    return made


def test_cleanup_removes_old_leftovers_and_keeps_named_and_fresh_files(leftovers):
    out = cleanup()
    gone = {label for label, path in leftovers.items() if not path.exists()}
    assert gone == {"waiting-old", "spilled-old", "orphan-old"}
    for label in gone:
        assert f"đã xóa {leftovers[label]}" in out
    assert "0 tệp đã gắn lại, 3 tệp đã xóa." in out


def test_cleanup_dry_run_removes_nothing(leftovers):
    before = {label: path.exists() for label, path in leftovers.items()}
    out = cleanup("--dry-run")
    assert {label: path.exists() for label, path in leftovers.items()} == before
    assert f"sẽ xóa {leftovers['orphan-old']}" in out
    assert "không thay đổi gì" in out


def test_cleanup_older_than_takes_minutes(leftovers):
    cleanup("--older-than", "0")
    gone = {label for label, path in leftovers.items() if not path.exists()}
    assert gone == {"waiting-old", "waiting-new", "spilled-old", "spilled-new"} | {
        "orphan-old",
        "orphan-new",
    }


def test_cleanup_links_a_committed_file_a_crash_left_waiting(world):
    # In a test the commit never comes, as if the process died between commit and link.
    evidence = progress.evidence_add(
        actor=world.users["focal_a"], task=world.tasks["a_soon"], item=paper()
    )
    waiting = age(media() / INCOMING / evidence.file.name)
    out = cleanup()
    assert f"đã gắn lại {waiting}" in out
    assert files_under(media()) == {evidence.file.name}
    with evidence.file.open("rb") as f:
        assert f.read() == b"%PDF-1.4 scan"


def test_cleanup_removes_import_uploads_left_past_their_grace(world):
    old = stage_file(actor=world.users["office"], name="cu.xlsx", data=b"old")
    new = stage_file(actor=world.users["office"], name="moi.xlsx", data=b"new")
    age(media() / old, time.time() - datetime.timedelta(days=3).total_seconds())
    age(media() / new)  # two hours: still waiting for the office
    cleanup()
    assert files_under(media()) == {new}
