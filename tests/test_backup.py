"""`cchc backup` and `cchc restore` (issue 9): an archive taken from a running system,
restored into an empty installation, gives back every table and file, and the audit
chain still verifies."""

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from cchc.plans import progress
from cchc.plans.progress import EvidenceFile
from tests.world import build_world

EXCLUDE = ["--exclude", "contenttypes", "--exclude", "auth.permission", "--exclude", "sessions"]


def _dump_here() -> list:
    out = StringIO()
    call_command("dumpdata", *EXCLUDE, "--indent", "0", stdout=out)
    return json.loads(out.getvalue())


def _files(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


@pytest.fixture
def fresh_install(tmp_path):
    """An empty installation beside this one: its own data folder and database, the same
    audit key (kept apart from backups, brought by the operator)."""
    data = tmp_path / "fresh"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        CCHC_DEMO="true",
        CCHC_DATA_DIR=str(data),
        CCHC_AUDIT_KEY_FILE=str(settings.CCHC_AUDIT_KEY_FILE),
    )
    name = None
    if connection.vendor == "postgresql":
        name = f"restore_{uuid.uuid4().hex[:10]}"
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        db = settings.DATABASES["default"]
        env["DATABASE_URL"] = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{name}"

    def cchc(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "cchc", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    cchc.data = data
    yield cchc
    if name:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_every_table_and_file(tmp_path, fresh_install):
    world = build_world()
    progress.task_update_post(
        actor=world.users["focal_a"],
        task=world.tasks["a_soon"],
        note="Đã có quyết định",
        files=[
            EvidenceFile(
                file=SimpleUploadedFile("quyết-định.pdf", b"%PDF-1.4 scan", "application/pdf"),
                effective_on=world.today,
            )
        ],
    )
    archive = tmp_path / "cchc-backup.tar.gz"
    call_command("backup", str(archive), stdout=StringIO())
    expected_rows, expected_files = _dump_here(), _files(Path(settings.MEDIA_ROOT))
    assert expected_files  # the evidence is there to be restored

    assert fresh_install("migrate", "--noinput").returncode == 0
    restored = fresh_install("restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert "Nhật ký hệ thống toàn vẹn" in restored.stdout
    dumped = fresh_install("dumpdata", *EXCLUDE, "--indent", "0")
    assert json.loads(dumped.stdout) == expected_rows
    assert _files(fresh_install.data / "media") == expected_files

    again = fresh_install("restore", str(archive))  # no longer empty: refused
    assert again.returncode != 0
    assert "already holds data" in again.stderr


@pytest.mark.django_db(transaction=True)
def test_a_damaged_archive_changes_nothing(tmp_path, fresh_install):
    build_world()
    archive = tmp_path / "cchc-backup.tar.gz"
    call_command("backup", str(archive), stdout=StringIO())
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            content = source.extractfile(member).read()
            if member.name.startswith("database"):
                content = content[:-10] + b"0" * 10
            member.size = len(content)
            target.addfile(member, io.BytesIO(content))
    assert fresh_install("migrate", "--noinput").returncode == 0
    result = fresh_install("restore", str(damaged))
    assert result.returncode != 0
    assert "differs from the manifest" in result.stderr
    assert "database" in result.stderr


def test_restore_refuses_a_file_that_is_no_archive(db, tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a backup")
    with pytest.raises(CommandError, match="not a readable backup archive"):
        call_command("restore", str(bogus))
