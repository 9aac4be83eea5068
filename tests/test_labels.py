"""The words users read: one name for the lead unit (the glossary's “cơ quan chủ trì”), no
abbreviations, and a database id never written as a document's “số”."""

import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "cchc"
TEMPLATES = sorted(SRC.glob("*/templates/**/*.html"))
COMMANDS = sorted(SRC.glob("*/management/commands/*.py"))

# "số" followed by an id (a pk, an options id) rather than a document number.
ID_AS_NUMBER = re.compile(r"số \{\{? ?[\w.]*(pk|\.id|_id)\b|số %\((pk|id)\)|số \{options\[")


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(SRC)))
def test_templates_use_the_glossarys_words(path):
    text = path.read_text()
    assert "Đơn vị chủ trì" not in text and "đơn vị chủ trì cập nhật" not in text
    assert "Số NV" not in text
    assert not ID_AS_NUMBER.search(text)


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: str(p.relative_to(SRC)))
def test_commands_do_not_call_an_id_a_number(path):
    assert not ID_AS_NUMBER.search(path.read_text())
