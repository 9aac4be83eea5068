"""The check after `make load`: what the server said it saved, looked up in the database and
on disk; anything absent or changed is named."""

import hashlib
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cchc.demo import load
from cchc.plans import progress


# Committed: an upload takes its own name on disk only when its transaction commits.
@pytest.mark.django_db(transaction=True)
def test_the_check_names_a_lost_update_and_a_changed_file(world, tmp_path):
    task = world.tasks["a_soon"]
    content = b"%PDF bien ban hop"
    progress.task_update_post(
        actor=world.users["focal_a"],
        task=task,
        note="Tải thử 1",
        files=[
            progress.EvidenceFile(
                file=SimpleUploadedFile("bien-ban.pdf", content),
                effective_on=timezone.localdate(),
            )
        ],
    )
    sent = {"name": "bien-ban.pdf", "size": len(content)}
    sent["sha256"] = hashlib.sha256(content).hexdigest()
    record = tmp_path / "saved.jsonl"
    lines = [
        {"task": task.pk, "note": "Tải thử 1", "files": [sent]},
        {"task": task.pk, "note": "Tải thử 2, never stored", "files": []},
    ]
    record.write_text("".join(json.dumps(line) + "\n" for line in lines))
    updates, files, missing = load.check(record)
    assert (updates, files) == (2, 1)
    assert missing == [f"update “Tải thử 2, never stored” on task {task.pk}"]

    stored = Path(task.evidence.get().file.path)
    stored.write_bytes(b"%PDF something else")
    first, second = load.check(record)[2]
    assert first.startswith("file bien-ban.pdf of “Tải thử 1” on disk")
    assert second.startswith("update “Tải thử 2")
