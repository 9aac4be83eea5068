"""One archive holds everything needed to bring the system back: the database (SQLite's
online backup, or pg_dump), the uploaded files, and the audit anchors, with a manifest of
checksums. It is taken while the system runs and restored into an empty installation.

The audit key file is not in the archive on purpose: keep it apart from the backups, so
that whoever holds a backup cannot reseal a changed chain.
"""

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection

from cchc.audit import anchors
from cchc.audit.models import AuditEvent

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_NAME = "database.sqlite3"
PG_NAME = "database.pgdump"


class BackupError(Exception):
    """A backup or restore that cannot go on; nothing was changed."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_env() -> tuple[list[str], dict]:
    db = settings.DATABASES["default"]
    args = ["-h", str(db.get("HOST") or "127.0.0.1"), "-p", str(db.get("PORT") or 5432)]
    args += ["-U", db.get("USER") or "postgres", "-d", db["NAME"]]
    env = dict(os.environ, PGPASSWORD=db.get("PASSWORD") or "")
    return args, env


def _dump_database(folder: Path) -> Path:
    if connection.vendor == "sqlite":
        target = folder / SQLITE_NAME
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)  # consistent while others write
        return target
    if connection.vendor == "postgresql":
        target = folder / PG_NAME
        args, env = _pg_env()
        subprocess.run(  # noqa: S603 - fixed program, arguments from settings
            ["pg_dump", "--format=custom", "--no-owner", "-f", str(target), *args],  # noqa: S607
            env=env,
            check=True,
            capture_output=True,
        )
        return target
    raise BackupError(f"no backup for a {connection.vendor} database")


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def create(destination: Path) -> dict:
    """Write the archive to `destination` (through a temporary name); returns the manifest."""
    anchors.write()
    with tempfile.TemporaryDirectory(dir=settings.DATA_DIR) as tmp:
        database = _dump_database(Path(tmp))
        members: list[tuple[str, Path]] = [(database.name, database)]
        media_root = Path(settings.MEDIA_ROOT)
        members += [(f"media/{p.relative_to(media_root)}", p) for p in _media_files()]
        anchor_dir = Path(settings.CCHC_AUDIT_ANCHOR_DIR)
        if anchor_dir.exists():
            members += [(f"audit-anchors/{p.name}", p) for p in sorted(anchor_dir.glob("*.json"))]
        manifest = {
            "format": FORMAT,
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
            "database": connection.vendor,
            "audit_events": AuditEvent.objects.count(),
            "files": {
                name: {"sha256": _sha256(p), "size": p.stat().st_size} for name, p in members
            },
        }
        partial = destination.with_name(destination.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            body = json.dumps(manifest, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(body)
            archive.addfile(info, io.BytesIO(body))
            for name, path in members:
                archive.add(path, arcname=name, recursive=False)
        partial.replace(destination)
    return manifest


def _is_empty() -> bool:
    from django.contrib.auth import get_user_model

    from cchc.orgs.models import Unit

    return not (
        get_user_model().objects.exists() or Unit.objects.exists() or AuditEvent.objects.exists()
    )


def _check(folder: Path, manifest: dict) -> None:
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown archive format {manifest.get('format')!r}")
    if manifest.get("database") != connection.vendor:
        raise BackupError(
            f"the archive holds a {manifest.get('database')} database; this installation "
            f"uses {connection.vendor}"
        )
    for name, expected in manifest["files"].items():
        path = folder / name
        if not path.is_file() or _sha256(path) != expected["sha256"]:
            raise BackupError(f"{name} is missing or differs from the manifest")


def _restore_database(folder: Path) -> None:
    if connection.vendor == "sqlite":
        with sqlite3.connect(folder / SQLITE_NAME) as source:
            connection.ensure_connection()
            source.backup(connection.connection)
        return
    args, env = _pg_env()
    connection.close()
    subprocess.run(  # noqa: S603 - fixed program, arguments from settings
        ["pg_restore", "--clean", "--if-exists", "--no-owner", *args, str(folder / PG_NAME)],  # noqa: S607
        env=env,
        check=True,
        capture_output=True,
    )


def _copy_tree(source: Path, target: Path) -> None:
    if source.exists():
        shutil.copytree(source, target, dirs_exist_ok=True)


def restore(archive_path: Path) -> dict:
    """Bring an archive back into this empty installation; returns its manifest."""
    if not _is_empty():
        raise BackupError("this installation already holds data; restore into an empty one")
    with tempfile.TemporaryDirectory(dir=settings.DATA_DIR) as tmp:
        folder = Path(tmp)
        try:
            with tarfile.open(archive_path, "r:gz") as archive:
                archive.extractall(folder, filter="data")  # no absolute paths, no '..'
            manifest = json.loads((folder / MANIFEST).read_text())
        except (OSError, tarfile.TarError, ValueError, KeyError) as exc:
            raise BackupError(f"{archive_path} is not a readable backup archive: {exc}") from exc
        _check(folder, manifest)
        _restore_database(folder)
        _copy_tree(folder / "media", Path(settings.MEDIA_ROOT))
        _copy_tree(folder / "audit-anchors", Path(settings.CCHC_AUDIT_ANCHOR_DIR))
    return manifest
