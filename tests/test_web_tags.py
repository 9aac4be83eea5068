"""Template helpers: badges always carry words, dates are dd/mm/yyyy, percentages read well."""

import datetime
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import translation

from cchc.plans.timeliness import Timeliness
from cchc.web.templatetags import cchc


@pytest.mark.parametrize("code", list(Timeliness.labels))
def test_every_timeliness_badge_shows_its_words(code):
    html = str(cchc.timeliness_badge(code))
    assert str(Timeliness.labels[code]) in html
    assert f"text-bg-{Timeliness.colours[code]}" in html


def test_dates_and_times():
    assert cchc.vndate(datetime.date(2026, 6, 5)) == "05/06/2026"
    assert cchc.vndate("2026-06-05") == "05/06/2026"
    assert cchc.vndate(None) == ""
    utc = datetime.datetime(2026, 6, 30, 20, 15, tzinfo=zoneinfo.ZoneInfo("UTC"))
    # Shown in Hanoi time: 20:15 UTC is 03:15 the next day.
    assert cchc.vndatetime(utc) == "01/07/2026 03:15"


def test_percentages():
    assert cchc.pct(45) == "45%"
    assert cchc.pct(None) == "—"
    with translation.override("vi"):
        assert cchc.pct(66.6666, 1) == "66,7%"


def test_progress_bar_writes_its_number_and_uses_no_inline_style():
    html = str(cchc.progress_bar(37.6))
    assert "38%" in html and "w-pct-38" in html and "style=" not in html
    assert "w-pct-100" in str(cchc.progress_bar(140))


def test_unit_options_escape_and_indent():
    class U:
        def __init__(self, pk, name, path):
            self.pk, self.name, self.path = pk, name, path

    html = str(cchc.unit_options([U(1, "Bộ <A>", "/1/"), U(2, "Cục B", "/1/2/")], 2))
    assert "Bộ &lt;A&gt;" in html
    assert '<option value="2" selected>\u00a0\u00a0Cục B</option>' in html


def test_url_with_drops_empty_params():
    assert cchc.url_with("plans:task-list", plan=3, unit=None, q="") == "/tasks/?plan=3"


def test_tags_load_in_templates():
    out = Template("{% load cchc %}{{ d|vndate }} {% timeliness_badge 'overdue' %}").render(
        Context({"d": datetime.date(2026, 1, 2)})
    )
    assert out.startswith("02/01/2026") and "Quá hạn" in out


def test_a_plans_history_names_its_actions_and_fields_in_vietnamese():
    class Event:
        def __init__(self, changes):
            self.changes = changes

    for action in ("plan.import", "plan.import_update", "task.create_many", "task.edit"):
        assert cchc.audit_action(action) != action
    created = cchc.audit_changes(
        Event(
            {"year": [None, 2026], "document_number": [None, "12/KH-VP"], "status": [None, "draft"]}
        )
    )
    assert created == [
        ("năm", "—", "2026"),
        ("số, ký hiệu", "—", "12/KH-VP"),
        ("trạng thái", "—", "Dự thảo"),
    ]
    imported = cchc.audit_changes(
        Event({"file": [None, "kh.xlsx"], "tasks": [None, [{"id": 1}, {"id": 2}]]})
    )
    assert imported == [("tệp", "—", "kh.xlsx"), ("số nhiệm vụ", "—", "2")]
