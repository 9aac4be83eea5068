"""Every form of the application, sent hostile values (issue 10): numbers out of range or too
big for the database, days not on the calendar, empty required fields, very long text and
malformed ids. No answer is a 500; a form that refuses says why on the page it gives back.

The forms are found on the pages themselves: each URL of test_every_url.py is opened by the
people who may use it, and every <form> on the page is sent back with its fields spoiled.
"""

import re
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests import test_every_url
from tests.fixtures_plans import xlsx_from_rows, xlsx_plan
from tests.test_every_url import ANY_USER, SCOPED, url_of
from tests.web_helpers import freeze_today

objects = test_every_url.objects  # the fixture: one of everything a URL can name

# What each field receives, one spoiled form per entry.
HOSTILE = [
    "150",
    "-5",
    "9" * 40,
    "31/02/2026",
    "2026-02-31",
    "",
    "x" * 20_000,
    "1.5e400",
    "abc",
    "0x1F",
    "\x00",
    "99999999999999999999,1",
]
# Pages that answer a file or end the session: nothing to fill in there.
SKIP = {"logout", "accounts:logout-everywhere", "web:healthz"}
# Forms that end the session: sent, they would leave the rest untried.
LEAVING = {"/logout/", "/account/logout-everywhere/"}
PEOPLE = ["office", "focal_a", "head_a"]


class _Forms(HTMLParser):
    """The forms of a page: where each posts, and the names of its fields."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "method": (a.get("method") or "get").lower(),
                    "action": a.get("action"),
                    "fields": {},
                }
            )
        elif tag in ("input", "select", "textarea") and self.forms and a.get("name"):
            self.forms[-1]["fields"][a["name"]] = a.get("type") or tag


def _forms(client: Client, url: str) -> list[dict]:
    response = client.get(url)
    if response.status_code != 200 or response.streaming:
        return []
    if "html" not in response.get("Content-Type", ""):
        return []
    parser = _Forms()
    parser.feed(response.content.decode())
    return parser.forms


def _spoiled(fields: dict, value: str) -> dict:
    data = {}
    for name, kind in fields.items():
        if name == "csrfmiddlewaretoken" or kind in ("submit", "button"):
            continue
        if kind == "file":
            data[name] = SimpleUploadedFile("x.pdf", value.encode()[:100] or b"", "application/pdf")
        else:
            data[name] = value
    return data


def _urls(objects) -> list[tuple[str, str]]:
    names = sorted((ANY_USER | set(SCOPED)) - SKIP)
    urls = [(n, url_of(n, objects) if n in SCOPED else reverse(n)) for n in names]
    # The draft's page holds the form that issues it.
    return [*urls, ("draft", reverse("plans:plan-detail", args=[objects["draft"].pk]))]


def _shape(name: str, target: str, form: dict) -> tuple:
    """What makes two forms of a page the same form: their method, their target and their
    fields' names and kinds, numbers aside (an assessment shows one score form per
    criterion, `/scores/1/` with `s1-…`, `/scores/5/` with `s5-…`; a yes/no criterion's
    points are a list, the others' a text). Two actions without fields stay two forms."""
    fields = tuple(sorted((re.sub(r"\d+", "#", n), kind) for n, kind in form["fields"].items()))
    return name, form["method"], re.sub(r"\d+", "#", target), fields


def _every_form(world, objects, monkeypatch, person):
    """The person's client, and each form they are shown, once per shape on a page: (page
    name, target, form). Thirty score forms of one assessment sent the same values through
    the same code thirty times, a third of the suite's time."""
    freeze_today(monkeypatch, world.today)
    client = Client()
    client.force_login(world.users[person])
    seen: set[tuple] = set()
    for name, url in _urls(objects):
        for form in _forms(client, url):
            target = form["action"] or url
            shape = _shape(name, target, form)
            if target not in LEAVING and shape not in seen:
                seen.add(shape)
                yield client, name, target, form


@pytest.mark.parametrize("person", PEOPLE)
def test_no_form_answers_hostile_values_with_a_500(world, objects, monkeypatch, person):
    tried = 0
    for client, name, target, form in _every_form(world, objects, monkeypatch, person):
        for value in HOSTILE:
            data = _spoiled(form["fields"], value)
            send = client.post if form["method"] == "post" else client.get
            response = send(target, data)
            assert response.status_code != 500, (person, name, target, value)
            tried += 1
    assert tried > 100


@pytest.mark.parametrize(
    "name, data",
    [
        ("reporting:period-list", {"kind": "q1", "title": "Kỳ đã gõ", "starts_on": "31/02/2026"}),
        ("reporting:period-edit", {"title": "Kỳ đã gõ", "starts_on": "31/02/2026"}),
    ],
)
def test_a_day_not_on_the_calendar_comes_back_with_what_was_typed(world, objects, name, data):
    client = Client()
    client.force_login(world.users["office"])
    url = url_of(name, objects) if name in SCOPED else reverse(name)
    response = client.post(url, {**data, "plan": objects["plan"].pk})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Ngày 31/02/2026 không có trên lịch." in text
    assert 'value="31/02/2026"' in text and "Kỳ đã gõ" in text


TYPED = "Giữ lại 150"  # text where a number is due: refused, and shown back as typed
TYPED_KINDS = {"text", "textarea", "number"}


@pytest.mark.parametrize("person", ["office", "focal_a"])
def test_a_refused_form_gives_back_everything_typed(world, objects, monkeypatch, person):
    shown = 0
    for client, name, target, form in _every_form(world, objects, monkeypatch, person):
        if form["method"] != "post":
            continue
        response = client.post(target, _spoiled(form["fields"], TYPED))
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue  # an action that redirects with its message
        typed = [n for n, kind in form["fields"].items() if kind in TYPED_KINDS]
        assert response.content.decode().count(TYPED) >= len(typed), (name, target, typed)
        shown += 1
    assert shown >= 3


# A file whose names need resolving, and one with a heading whose area the office picks.
PREVIEW_FILES = {
    "names": (xlsx_plan, {"alias", "group"}),
    "heading": (
        lambda: xlsx_from_rows(
            [
                ["STT", "Nội dung", "Cơ quan chủ trì"],
                ["", "PHẦN THỨ BA: CÁC NHIỆM VỤ KHÁC"],
                ["1", "Tổng kết", "Cục Cán bộ"],
            ]
        ),
        {"area"},
    ),
}


@pytest.mark.parametrize("case", PREVIEW_FILES)
def test_the_import_preview_forms_answer_hostile_values(world, client, settings, tmp_path, case):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.users["office"])
    build, actions = PREVIEW_FILES[case]
    upload = {"file": SimpleUploadedFile("kh.xlsx", build()), "year": 2026}
    response = client.post(reverse("imports:upload"), upload | {"unit": world.units["TCCT"].pk})
    preview = response["Location"]
    forms = [f for f in _forms(client, preview) if f["method"] == "post"]
    targets = {f["action"] for f in forms}
    assert {f"{preview}{action}/" for action in actions} <= targets
    for form in forms:
        if form["action"].endswith(("/confirm/", "/cancel/")) or form["action"] in LEAVING:
            continue
        for value in HOSTILE:
            response = client.post(form["action"], _spoiled(form["fields"], value))
            assert response.status_code != 500, (form["action"], value)
