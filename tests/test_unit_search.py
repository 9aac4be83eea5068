"""The task list's unit boxes (issue 14): the page names a few units, not a ministry's
thousands; a search box asks for the units matching its words (htmx), scoped to the user,
and the chosen unit is still sent by id. Without JavaScript the words go with the form."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cchc.orgs import services as org_services
from cchc.plans.selectors import UNIT_MATCHES
from tests.web_helpers import freeze_today

SEARCH = reverse("plans:unit-search")
LIST = reverse("plans:task-list")
HUGE = "99999999999999999999"


@pytest.fixture
def office(world, client, monkeypatch):
    freeze_today(monkeypatch, world.today)
    client.force_login(world.users["office"])
    return client


def select_options(html: str, select_id: str) -> list[str]:
    """The option labels of one select, as shown (indentation stripped)."""
    match = re.search(rf'<select[^>]*id="{select_id}".*?</select>', html, re.S)
    assert match, f"no select #{select_id}"
    labels = re.findall(r"<option[^>]*>([^<]*)</option>", match.group(0))
    return [label.replace("\u00a0", "").strip() for label in labels]


def selected_value(html: str, select_id: str) -> str | None:
    match = re.search(rf'<select[^>]*id="{select_id}".*?</select>', html, re.S)
    chosen = re.search(r'<option value="(\d+)" selected>', match.group(0))
    return chosen.group(1) if chosen else None


def test_the_list_offers_the_top_of_ones_scope_not_every_unit(world, office):
    html = office.get(LIST).content.decode()
    # The office of the Tổng cục: its own unit and those just below; deeper ones by search.
    assert select_options(html, "f-unit") == [
        "Tất cả đơn vị",
        "Tổng cục Chính trị",
        "Cục Cán bộ",
        "Cục Tuyên huấn",
        "Văn phòng Tổng cục Chính trị",
    ]
    assert "Bộ Quốc phòng" not in select_options(html, "bulk-unit")
    # Each select still sends the unit's id under its old name.
    assert re.search(r'<select[^>]*id="f-unit" name="unit"', html)
    assert re.search(r'<select[^>]*id="bulk-unit" name="lead_unit" form="bulk-form"', html)
    assert f'hx-get="{SEARCH}?for=filter"' in html and f'hx-get="{SEARCH}?for=bulk"' in html


@pytest.mark.parametrize(("words", "found"), [
    ("phong thong tin", ["Phòng Thông tin"]),
    ("PHÒNG thông", ["Phòng Thông tin"]),
    ("cuc", ["Tổng cục Chính trị", "Cục Cán bộ", "Cục Tuyên huấn",
             "Văn phòng Tổng cục Chính trị"]),
    ("cuc cb", ["Cục Cán bộ"]),  # the short name counts too
    ("khong co don vi nay", []),
])  # fmt: skip
def test_the_search_ignores_diacritics_and_keeps_tree_order(world, office, words, found):
    html = office.get(SEARCH, {"for": "filter", "unit_q": words}).content.decode()
    assert select_options(html, "f-unit") == ["Tất cả đơn vị", *found]
    assert "<html" not in html
    if not found:
        assert "Không có đơn vị nào khớp." in html


def test_the_search_is_scoped_to_the_user(world, client):
    client.force_login(world.users["focal_a"])
    html = client.get(SEARCH, {"for": "filter", "unit_q": "cuc"}).content.decode()
    assert select_options(html, "f-unit") == ["Tất cả đơn vị", "Cục Tuyên huấn"]
    # The bulk box offers the units the office may assign: a focal officer has none.
    html = client.get(SEARCH, {"for": "bulk", "bulk_unit_q": "cuc"}).content.decode()
    assert select_options(html, "bulk-unit") == ["—"]
    assert 'name="lead_unit" form="bulk-form"' in html


def test_the_chosen_unit_stays_chosen_whatever_is_typed(world, office):
    chosen = world.units["CTC"].pk
    html = office.get(SEARCH, {"for": "filter", "unit_q": "thong tin", "unit": chosen})
    html = html.content.decode()
    assert selected_value(html, "f-unit") == str(chosen)
    assert select_options(html, "f-unit") == ["Tất cả đơn vị", "Cục Cán bộ", "Phòng Thông tin"]
    # And on the page, where the filter names it.
    page = office.get(LIST, {"unit": chosen}).content.decode()
    assert selected_value(page, "f-unit") == str(chosen)


def test_without_javascript_the_words_come_back_with_the_units_found(world, office):
    html = office.get(LIST, {"unit_q": "phong thong", "bulk_unit_q": "cuc can"}).content.decode()
    assert select_options(html, "f-unit") == ["Tất cả đơn vị", "Phòng Thông tin"]
    assert select_options(html, "bulk-unit") == ["—", "Cục Cán bộ"]
    assert 'value="phong thong"' in html and 'value="cuc can"' in html
    # The bulk box's words go with the filters' form (a plain GET), not with the bulk POST.
    assert re.search(r'name="bulk_unit_q"[^>]*form="task-filter-form"', html)
    assert 'id="task-filter-form" method="get"' in html


def test_many_matches_are_cut_and_counted(world, office):
    parent = world.units["CTC"]
    for i in range(UNIT_MATCHES + 5):
        org_services.unit_create(actor=None, code=f"D{i}", name=f"Đại đội {i}", parent=parent)
    html = office.get(SEARCH, {"for": "filter", "unit_q": "dai doi"}).content.decode()
    assert len(select_options(html, "f-unit")) == 1 + UNIT_MATCHES
    assert "và 5 đơn vị khác: gõ thêm để thu hẹp" in html


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"for": "filter"},
        {"for": "nonsense", "unit_q": "cuc"},
        {"for": "bulk", "bulk_unit_q": "x" * 100_000},
        {"for": "filter", "unit_q": "9" * 5000, "unit": "9" * 5000},
        {"for": "filter", "unit_q": "%' OR 1=1 --", "unit": HUGE},
        {"for": "filter", "unit_q": "\u0000\ufffd<script>", "unit": "-1"},
        {"for": "filter", "unit_q": "١", "unit": "١"},
        {"for": "filter", "unit": "abc"},
        {"for": ["filter", "bulk"], "unit_q": ["cuc", "phong"]},
    ],
)
def test_hostile_values_answer_a_select_not_an_error(world, office, params):
    response = office.get(SEARCH, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<select" in html and "<script>" not in html


@pytest.mark.parametrize(
    "params", [{"unit_q": "x" * 100_000}, {"bulk_unit_q": "%"}, {"unit": HUGE}]
)
def test_hostile_words_on_the_list_are_harmless(world, office, params):
    assert office.get(LIST, params).status_code == 200


def queries(client, url: str, params: dict) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


def test_queries_do_not_grow_with_the_number_of_units(world, office):
    asks = [
        (SEARCH, {"for": "filter", "unit_q": "cuc"}),
        (SEARCH, {"for": "bulk", "bulk_unit_q": ""}),
        (SEARCH, {"for": "filter", "unit": world.units["CTH-P1"].pk}),
        (LIST, {}),
        (LIST, {"unit_q": "cuc", "bulk_unit_q": "phong"}),
    ]
    [queries(office, url, params) for url, params in asks]  # the session settles
    few = [queries(office, url, params) for url, params in asks]
    for i in range(40):
        parent = world.units["CTH"] if i % 2 else world.units["TCCT"]
        org_services.unit_create(actor=None, code=f"N{i}", name=f"Cục mới {i}", parent=parent)
    assert [queries(office, url, params) for url, params in asks] == few
    # And the page stays small: the new units are not all on it.
    assert len(select_options(office.get(LIST).content.decode(), "f-unit")) <= UNIT_MATCHES + 1


def move(client, task, unit) -> int:
    """Queries of a bulk move of `task` to `unit`, which must then lead it."""
    with CaptureQueriesContext(connection) as ctx:
        client.post(
            reverse("plans:task-bulk"),
            {"ids": [task.pk], "action": "set_lead_unit", "lead_unit": unit.pk},
        )
    task.refresh_from_db()
    assert task.lead_unit == unit
    return len(ctx.captured_queries)


def test_a_bulk_move_checks_the_one_unit_chosen(world, office):
    task = world.tasks["a_soon"]
    few = move(office, task, world.units["CTC"])
    for i in range(30):
        parent = world.units["CTC"]
        org_services.unit_create(actor=None, code=f"M{i}", name=f"Đơn vị {i}", parent=parent)
    assert move(office, task, world.units["CTH"]) == few


def test_the_dashboard_offers_the_top_of_ones_scope_and_keeps_the_chosen_unit(world, office):
    dashboard = reverse("plans:dashboard")
    html = office.get(dashboard, {"plan": world.plan.pk}).content.decode()
    assert select_options(html, "dash-unit")[:2] == ["Toàn bộ phạm vi", "Tổng cục Chính trị"]
    assert "Phòng Thông tin" not in select_options(html, "dash-unit")
    assert re.search(r'<select[^>]*id="dash-unit" name="unit" data-autosubmit', html)
    deep = world.units["CTH-P1"].pk
    html = office.get(dashboard, {"plan": world.plan.pk, "unit": deep}).content.decode()
    assert selected_value(html, "dash-unit") == str(deep)
    # Without JavaScript the words typed come back with the units found.
    html = office.get(dashboard, {"plan": world.plan.pk, "unit_q": "phong thong"}).content
    assert select_options(html.decode(), "dash-unit") == ["Toàn bộ phạm vi", "Phòng Thông tin"]
    html = office.get(SEARCH, {"for": "dashboard", "unit_q": "cuc can", "unit": deep}).content
    assert select_options(html.decode(), "dash-unit") == [
        "Toàn bộ phạm vi",
        "Phòng Thông tin",
        "Cục Cán bộ",
    ]
    assert office.get(dashboard, {"unit_q": "x" * 100_000}).status_code == 200
