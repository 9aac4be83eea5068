"""The dashboard at a glance (issue 10): the charts of timeliness by area and by unit draw
exactly the figures of the tables below them, each segment opens the tasks it counts, and the
card beside the figures says how the units' reports stand, as the period's board says."""

import datetime
import json
import re
from collections import Counter
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cchc.orgs import services as org_services
from cchc.plans import progress, selectors
from cchc.plans.models import Task
from cchc.plans.timeliness import Timeliness, task_timeliness
from cchc.reporting import selectors as reporting_selectors
from tests.test_reporting_world import LATE, ON_TIME, make_period, submit, write
from tests.test_services import busy_world  # noqa: F401 (a fixture)
from tests.web_helpers import add_tasks, freeze_today

D = datetime.date
CODES = [code for code, __ in Timeliness.choices]


@pytest.fixture
def busy(request):
    """The world with every timeliness category present (test_services' busy_world)."""
    return request.getfixturevalue("busy_world")


@pytest.fixture
def office(world, client, monkeypatch):
    freeze_today(monkeypatch, world.today)
    client.force_login(world.users["office"])
    return client


def dashboard(client, world, **params):
    response = client.get(reverse("plans:dashboard"), {"plan": world.plan.pk, **params})
    assert response.status_code == 200
    return response


def chart_data(response) -> dict:
    text = response.content.decode()
    found = re.search(
        r'<script id="dashboard-chart-data" type="application/json">(.*?)</script>', text, re.S
    )
    assert found, "the chart's data is in the page"
    return json.loads(found.group(1))


class Tables(HTMLParser):
    """Each table's body rows, by table id: the cells' text and first link."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[tuple[str, str]]]] = {}
        self.table = self.cell = None
        self.in_body = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.table = self.tables.setdefault(attrs.get("id") or "", [])
        elif tag == "tbody":
            self.in_body = True
        elif tag == "tr" and self.in_body and self.table is not None:
            self.table.append([])
        elif tag in ("td", "th") and self.in_body and self.table is not None:
            self.cell = ["", ""]
            self.table[-1].append(self.cell)
        elif tag == "a" and self.cell is not None and not self.cell[1]:
            self.cell[1] = attrs.get("href", "")

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.cell = None
        elif tag == "tbody":
            self.in_body = False
        elif tag == "table":
            self.table = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[0] += data


def table(response, table_id: str) -> list[list[tuple[str, str]]]:
    parser = Tables()
    parser.feed(response.content.decode())
    return [[(text.strip(), href) for text, href in row] for row in parser.tables[table_id]]


def by_hand(world, user, key) -> dict:
    """Each row's categories counted in Python, task by task, with timeliness()."""
    visible = selectors.task_list(
        user=user, filters=selectors.TaskFilters(plan=world.plan.pk), today=world.today
    )
    counts: dict = {}
    for task in Task.objects.filter(pk__in=visible.values("pk")).select_related("area"):
        counts.setdefault(key(task), Counter())[task_timeliness(task, world.today)] += 1
    return counts


def follow(client, link: str) -> int:
    """How many tasks the list behind a link holds."""
    response = client.get(link)
    assert response.status_code == 200
    return response.context["page"].paginator.count


# --- the charts' figures are the tables' ---------------------------------------------------


@pytest.mark.parametrize("role", ["office", "focal_b"])
def test_the_area_chart_draws_the_figures_of_its_table(busy, client, monkeypatch, role):
    world = busy
    freeze_today(monkeypatch, world.today)
    client.force_login(world.users[role])
    response = dashboard(client, world)
    data = chart_data(response)
    # Every colour with its words: the badges' labels and Bootstrap colours.
    assert [(c["code"], c["label"], c["colour"]) for c in data["categories"]] == [
        (code, str(label), Timeliness.colours[code]) for code, label in Timeliness.choices
    ]
    # The seven areas always, in the plan's order.
    assert [row["label"].split(".")[0] for row in data["area"]] == [str(n) for n in range(1, 8)]
    rows = table(response, "table-areas")
    assert len(rows) == 7
    hand = by_hand(world, world.users[role], lambda t: t.area.code)
    for code, (row, cells) in enumerate(zip(data["area"], rows, strict=True), start=1):
        assert cells[0][0] == row["label"]
        shown = [int(text) for text, __ in cells[2 : 2 + len(CODES)]]
        assert shown == row["counts"]
        assert row["counts"] == [hand.get(code, Counter())[c] for c in CODES]
        # Each number in the table is the link the chart's segment opens.
        for (text, href), link in zip(cells[2 : 2 + len(CODES)], row["links"], strict=True):
            assert href == (link if text != "0" else "")
    assert sum(sum(row["counts"]) for row in data["area"]) == response.context["summary"].total


def test_the_unit_chart_draws_the_branch_table(busy, office):
    world = busy
    response = dashboard(office, world)
    data = chart_data(response)
    rows = table(response, "table-units")
    branches = response.context["branches"]
    assert len(data["unit"]) == len(rows) == len(branches) > 1
    for row, cells, branch in zip(data["unit"], rows, branches, strict=True):
        assert [int(text) for text, __ in cells[2 : 2 + len(CODES)]] == row["counts"]
        assert row["counts"] == [branch.by_timeliness[c] for c in CODES]
        assert branch.name in row["label"]
    # Cục TH's branch: its own tasks and those of its section (Phòng Thông tin).
    hand = by_hand(world, world.users["office"], lambda t: t.lead_unit.path)
    cth = world.units["CTH"].path
    expected = sum((c for p, c in hand.items() if p.startswith(cth)), Counter())
    found = next(r for r in data["unit"] if r["label"] == "Cục TH")
    assert found["counts"] == [expected[c] for c in CODES]


@pytest.mark.parametrize("unit", [None, "CTH"])
def test_each_segment_opens_the_tasks_it_counts(busy, office, unit):
    world = busy
    params = {"unit": world.units[unit].pk} if unit else {}
    response = dashboard(office, world, **params)
    data = chart_data(response)
    segments = [
        (count, link)
        for row in data["area"] + data["unit"]
        for count, link in zip(row["counts"], row["links"], strict=True)
    ]
    assert sum(count for count, __ in segments if count) > 0
    for count, link in segments:
        assert follow(office, link) == count, link
    # The rows' totals too, cancelled tasks included (as the list counts them).
    for row in response.context["area_rows"] + response.context["unit_rows"]:
        assert follow(office, row.link) == row.total
        assert follow(office, row.cancelled.link) == row.cancelled.count
    if unit:
        # The root's own tasks: exactly the tasks it leads, not its section's.
        direct = response.context["unit_rows"][0]
        assert direct.direct and "lead_unit=" in direct.link


def test_a_past_day_changes_the_charts_and_their_links(world, office):
    focal = world.users["focal_a"]
    progress.task_update_post(
        actor=focal, task=world.tasks["a_soon"], status="done", deliverable="QĐ 7/QĐ-CT",
        reported_on=D(2026, 6, 10),
    )  # fmt: skip
    area_2 = 1  # the row of area 2, where task 2.1 (due 20/06) lies
    done = CODES.index(Timeliness.DONE_ON_TIME)
    soon = CODES.index(Timeliness.DUE_SOON)
    on_track = CODES.index(Timeliness.ON_TRACK)
    now = chart_data(dashboard(office, world))
    assert now["area"][area_2]["counts"][done] == 1
    past = chart_data(dashboard(office, world, as_of="05/06/2026"))
    # On 05/06 task 2.1 was still open, due in 15 days: on track.
    assert past["area"][area_2]["counts"][done] == 0
    assert past["area"][area_2]["counts"][soon] == 0
    assert past["area"][area_2]["counts"][on_track] == 1
    for row in past["area"] + past["unit"]:
        for count, link in zip(row["counts"], row["links"], strict=True):
            assert link.endswith("as_of=05%2F06%2F2026")
            assert follow(office, link) == count


def test_the_charts_come_as_data_and_a_static_script_under_the_csp(world, office):
    response = dashboard(office, world)
    text = response.content.decode()
    scripts = re.findall(r"<script[^>]*>", text)
    # Every script is a file of ours or data (never run); no inline code, no inline style.
    for tag in scripts:
        assert 'src="/static/' in tag or 'type="application/json"' in tag, tag
    assert '<script src="/static/vendor/chart.js/chart.umd.min.js" defer>' in text
    assert '<script src="/static/web/dashboard.js" defer>' in text
    assert "style=" not in text
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    # Each chart is an image described by its table.
    for key, table_id in (("area", "table-areas"), ("unit", "table-units")):
        assert f'data-chart="{key}" role="img"' in text
        assert f'aria-describedby="{table_id}"' in text and f'id="{table_id}"' in text
    # The other pages do not load the chart library.
    other = office.get(reverse("plans:task-list")).content.decode()
    assert "chart.umd" not in other and "dashboard.js" not in other


def test_the_dashboard_queries_do_not_grow_with_tasks(world, office, django_assert_max_num_queries):
    add_tasks(world, 10)
    with CaptureQueriesContext(connection) as small:
        dashboard(office, world)
    add_tasks(world, 500, start=10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = dashboard(office, world)
    total = sum(sum(row["counts"]) for row in chart_data(response)["area"])
    assert total == response.context["summary"].total > 300  # a quarter of them cancelled


@pytest.mark.parametrize("past", [False, True])
@pytest.mark.parametrize("reader", ["office", "focal_a"])
def test_the_overdue_tasks_come_longest_overdue_first(world, office, past, reader):
    """The office reads the plan whole (keys first, then rows); a focal officer's tasks are
    checked against its scope (one step): the same order either way."""
    add_tasks(world, 300)
    office.force_login(world.users[reader])
    day = world.today - datetime.timedelta(days=10) if past else world.today
    params = {"as_of": day.strftime("%d/%m/%Y")} if past else {}
    response = dashboard(office, world, **params)
    shown = response.context["overdue"]
    # The overdue tasks as of the day, as the task list finds them (tested on its own).
    overdue = list(
        selectors.task_list(
            user=world.users[reader],
            filters=selectors.TaskFilters(plan=world.plan.pk, timeliness=Timeliness.OVERDUE),
            today=day,
        )
    )
    assert len(overdue) > len(shown) == 20  # more than the page shows: the order decides
    expected = sorted(overdue, key=lambda t: (t.state_due_date, t.pk))[:20]
    assert [t.pk for t in shown] == [t.pk for t in expected]
    assert shown[0].state_due_date < shown[-1].state_due_date


# --- the reports' completeness beside the task figures ------------------------------------


def card(client, world, **headers):
    url = reverse("reporting:plan-completeness", kwargs={"pk": world.plan.pk})
    response = client.get(url, **headers)
    assert response.status_code == 200
    return response


def test_the_dashboard_loads_the_completeness_card_for_today_only(world, office):
    url = reverse("reporting:plan-completeness", kwargs={"pk": world.plan.pk})
    text = dashboard(office, world).content.decode()
    assert f'hx-get="{url}" hx-trigger="load"' in text
    assert f'href="{url}"' in text  # the way without scripts
    past = dashboard(office, world, as_of="05/06/2026").content.decode()
    # Report status has no history: no figure is shown under a past day's date.
    assert url not in past
    assert "Tình trạng báo cáo chỉ xem được tại ngày hôm nay." in past


def test_the_card_counts_the_reports_as_the_board_does(world, client):
    # The real clock: a frozen localdate() would date every submission today.
    today = timezone.localdate()
    office = client
    office.force_login(world.users["office"])
    period = make_period(world)
    submit(world, write(world, period, "CTH", "focal_a", results="Xong"), "head_a", now=ON_TIME)
    submit(world, write(world, period, "CTC", "focal_b", results="Xong"), "head_b", now=LATE)
    board = reporting_selectors.board(user=world.users["office"], period=period, today=today)
    response = card(office, world, HTTP_HX_REQUEST="true")
    counts = response.context["card"].counts
    assert counts == board.counts
    assert (counts["on_time"], counts["late"]) == (1, 1) and counts["missing"] >= 1
    text = response.content.decode()
    assert "<html" not in text  # a fragment for htmx
    for key in ("on_time", "late", "missing"):
        assert f'<span data-count="{key}">{board.counts[key]}</span>' in text
    assert f"2/{board.counts['due']}" in text and f"{today:%d/%m/%Y}, hôm nay" in text
    assert reverse("reporting:period-detail", args=[period.pk]) in text
    # Without htmx, the same card on a page of its own.
    page = card(office, world).content.decode()
    assert "<html" in page and '<span data-count="late">1</span>' in page


def test_a_plan_without_periods_says_so(world, office):
    assert "Chưa có kỳ báo cáo." in card(office, world).content.decode()


def test_the_current_period_is_the_latest_whose_window_has_closed(world):
    quy_1, six, quy_3 = (make_period(world, kind) for kind in ("quy_1", "six_months", "quy_3"))
    periods = [quy_1, six, quy_3]
    pick = reporting_selectors.current_period
    assert pick(periods, D(2026, 3, 1)) == quy_1  # none closed yet: the next to close
    assert pick(periods, D(2026, 3, 14)) == quy_1
    assert pick(periods, D(2026, 6, 15)) == six  # its reports are due on 20/06
    assert pick(periods, D(2026, 7, 30)) == six  # late ones still come in
    assert pick(periods, D(2026, 9, 20)) == quy_3
    assert pick([], D(2026, 9, 20)) is None


def test_the_cards_queries_do_not_grow_with_the_units(world, office):
    period = make_period(world)
    submit(world, write(world, period, "CTH", "focal_a", results="Xong"), "head_a")
    with CaptureQueriesContext(connection) as few:
        card(office, world, HTTP_HX_REQUEST="true")
    for i in range(20):
        unit = org_services.unit_create(
            actor=None, code=f"X{i}", name=f"Đơn vị {i}", parent=world.units["TCCT"]
        )
        period.units.add(unit)
    with CaptureQueriesContext(connection) as many:
        response = card(office, world, HTTP_HX_REQUEST="true")
    assert response.context["card"].counts["missing"] >= 20
    assert len(many.captured_queries) == len(few.captured_queries)
