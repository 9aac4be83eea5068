import datetime
import os
import time

from django.core.files.storage import default_storage
from django.core.management import call_command

from cchc.plans.imports.staging import stage_file


def test_unconfirmed_uploads_are_cleared_after_the_grace_period(world, capsys):
    old = stage_file(actor=world.users["office"], name="Kế hoạch cũ.xlsx", data=b"old")
    new = stage_file(actor=world.users["office"], name="Kế hoạch mới.xlsx", data=b"new")
    three_days_ago = time.time() - datetime.timedelta(days=3).total_seconds()
    os.utime(default_storage.path(old), (three_days_ago, three_days_ago))
    call_command("clear_import_uploads", "--days", "2")
    assert not default_storage.exists(old)
    assert default_storage.exists(new)
    assert "Đã xóa 1 tệp" in capsys.readouterr().out
