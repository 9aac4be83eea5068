"""The consolidated report reads like one an office would sign: the figures first, each task
done or behind once (as of the cut-off), each unit's point once, proposals that are
proposals, empty lists that say so, and one way of writing a rate on every page."""

import datetime
import io
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from django.test import Client
from docx import Document
from openpyxl import load_workbook

from cchc.documents import consolidated
from cchc.lib.text import fold
from cchc.orgs import services as org_services
from cchc.plans import progress as plan_progress
from cchc.plans import services as plan_services
from cchc.plans.models import Area, Task
from cchc.reporting import consolidation, data, services
from tests.test_reporting_board import enrich
from tests.test_reporting_world import ON_TIME, independent_counts, make_period, submit, write
from tests.web_helpers import on_day
from tests.world import sign_in

D = datetime.date
CUT_OFF = D(2026, 6, 14)
BUILT_ON = D(2026, 6, 21)
OPENING = (
    "Đơn vị đã quán triệt, triển khai Kế hoạch cải cách hành chính của Tổng cục Chính trị; "
    "phân công cán bộ đầu mối."
)


def rate_text(part: int, whole: int) -> str:
    """part ÷ whole in percent as the documents write it, from the exact fraction: one
    decimal rounded half up, no trailing zero, decimal comma, no-break space, “%”."""
    exact = Fraction(100 * part, whole)
    tenths = Decimal((exact * 10 + Fraction(1, 2)).__floor__()) / 10
    text = str(tenths.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
    return text.rstrip("0").rstrip(".").replace(".", ",") + "\u00a0%"


def category(task, day: datetime.date) -> str:
    """The task's timeliness as of `day`, judged on its own updates (tests.independent_counts,
    not plans.history); “cancelled” when it was cancelled by then."""
    counts = independent_counts([task], day)
    return next((key for key, n in counts.items() if n), "cancelled")


def body(doc) -> list[str]:
    """The paragraphs of sections I–V (the appendix and the tables left out)."""
    texts = [p.text for p in doc.paragraphs]
    return texts[: texts.index("PHỤ LỤC")]


def section(texts: list[str], start: str, end: str) -> list[str]:
    begin = next(i for i, t in enumerate(texts) if t.startswith(start))
    return texts[begin + 1 : next(i for i, t in enumerate(texts) if t.startswith(end))]


def accept(world, report, head: str):
    submit(world, report, head, now=ON_TIME)
    services.unit_report_accept(actor=world.users["office"], report=report)


def docx_of(period, today=BUILT_ON):
    payload = consolidation.document_data(period, None, today=today)
    return payload, Document(io.BytesIO(consolidated.render(payload, "docx")))


def prefilled(world, period, unit_code: str) -> dict:
    """The draft the system writes for a unit from its tasks (what a unit sends when it
    writes nothing of its own), with the opening sentence every unit writes."""
    rows = data.unit_tasks(period, world.units[unit_code], period.as_of(world.today))
    narrative = data.prefill_narrative(rows)
    first = narrative.setdefault("1", {"results": ""})
    first["results"] = f"{OPENING}\n{first['results']}".strip()
    return narrative


@pytest.fixture
def history(world, settings, tmp_path):
    """enrich()'s states, plus what happens after the cut-off (14/06): a done task's result
    is corrected, and another task is finished."""
    settings.MEDIA_ROOT = tmp_path
    enrich(world)
    t = world.tasks
    plan_progress.task_update_post(
        actor=world.users["focal_a"],
        task=t["a_soon"],
        status="done",
        deliverable="Báo cáo rà soát bổ sung số 99/BC-TH",
        note="Bổ sung sản phẩm sau kỳ báo cáo",
        reported_on=D(2026, 6, 15),
    )
    plan_progress.task_update_post(
        actor=world.users["focal_b"],
        task=t["b_track"],
        status="done",
        deliverable="Quyết định số 77/QĐ-CB",
        reported_on=D(2026, 6, 15),
    )
    plan_progress.task_update_post(
        actor=world.users["focal_a"],
        task=t["a_overdue"],
        status="in_progress",
        progress=40,
        note="Chờ kinh phí in tài liệu",
        reported_on=D(2026, 6, 10),
    )
    plan_progress.task_update_post(
        actor=world.users["focal_a"],
        task=t["a_overdue"],
        status="in_progress",
        progress=60,
        note="Đã có kinh phí sau kỳ báo cáo",
        reported_on=D(2026, 6, 15),
    )
    return make_period(world)


def test_each_task_done_is_listed_once_with_its_result_as_of_the_cut_off(world, history):
    # Both units send the system's draft: every task they lead or support, restated.
    for code, focal, head in (("CTH", "focal_a", "head_a"), ("CTC", "focal_b", "head_b")):
        report = write(world, history, code, focal, narrative=prefilled(world, history, code))
        accept(world, report, head)
    payload, doc = docx_of(history)
    texts = body(doc)
    tasks = list(Task.objects.filter(plan=world.plan).select_related("area", "lead_unit"))
    done = [t for t in tasks if category(t, CUT_OFF) in ("done_on_time", "done_late")]
    assert {t.code for t in done} == {"2.1", "3.2"}  # b_track (3.1) was done after the cut-off
    assert [t["id"] for t in payload["done"]] == [
        t.pk for t in sorted(done, key=lambda t: (t.area.code, t.order, t.pk))
    ]
    behind = [t for t in tasks if category(t, CUT_OFF) == "overdue"]
    assert {t.code for t in behind} == {"1.1", "6.1"}
    for task in tasks:
        mentions = [t for t in texts if f"{task.code} {task.title}" in t]
        # Each task done or behind once, under its own area, with its lead unit; the units'
        # restatements of their tasks (done, behind or not) do not come back under “c)”.
        assert len(mentions) == (task in done or task in behind), task.code
        if mentions:
            assert f"chủ trì: {task.lead_unit.short_name or task.lead_unit.name}" in mentions[0]
    line = next(t for t in texts if "2.1 Rà soát văn bản quy phạm nội bộ" in t)
    assert line.endswith(": Báo cáo rà soát.")
    whole = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for table in doc.tables for row in table.rows for c in row.cells)
    # Nothing reported after the cut-off is cited, in the body or in the tables.
    for later in ("99/BC-TH", "77/QĐ-CB", "sau kỳ báo cáo"):
        assert later not in whole and later not in cells
    # What is behind says why, with the note reported by the cut-off.
    behind = next(t for t in texts if t.startswith("- 1.1 Tuyên truyền"))
    assert behind.endswith(": Chờ kinh phí in tài liệu.") and "tiến độ 40 %" in behind
    # What the units wrote beyond their tasks is kept: the sentence they all wrote, once.
    points = section(texts, "c) Các cơ quan, đơn vị báo cáo", "II. KẾT QUẢ")
    assert points == [f"- Các cơ quan, đơn vị {OPENING.removeprefix('Đơn vị ')}"]


def test_a_sentence_many_units_wrote_appears_once_naming_them(world, history):
    variants = {
        # The same sentence, folded: case, diacritics, punctuation and spacing differ.
        "CTH": OPENING + "\nTổ chức 5 hội nghị tuyên truyền.",
        "CTH-P1": OPENING.upper().replace(";", ",") + "\nTổ chức 3 hội nghị tuyên truyền.",
        "CTC": fold(OPENING) + "\nRà soát 12 thủ tục nội bộ.",
    }
    people = {"CTH": ("focal_a", "head_a"), "CTH-P1": ("focal_a", "head_a")}
    people["CTC"] = ("focal_b", "head_b")
    for code, text in variants.items():
        focal, head = people[code]
        narrative = {"1": {"results": text, "limitations": "Thiếu cán bộ chuyên trách."}}
        accept(world, write(world, history, code, focal, narrative=narrative), head)
    payload, doc = docx_of(history)
    texts = body(doc)
    opening = [t for t in texts if "quan triet" in fold(t)]
    assert opening == [
        "- Các cơ quan, đơn vị đã quán triệt, triển khai Kế hoạch cải cách hành chính của "
        "Tổng cục Chính trị; phân công cán bộ đầu mối."
    ]
    # Points that differ (even by a number) are each kept, naming their unit.
    assert "- Cục Tuyên huấn: Tổ chức 5 hội nghị tuyên truyền." in texts
    assert "- Phòng Thông tin: Tổ chức 3 hội nghị tuyên truyền." in texts
    assert "- Cục Cán bộ: Rà soát 12 thủ tục nội bộ." in texts
    limitations = section(texts, "2. Hạn chế", "3. Nguyên nhân")
    assert limitations.count("- Các cơ quan, đơn vị: Thiếu cán bộ chuyên trách.") == 1


def test_two_of_three_units_are_named_and_near_duplicates_merge():
    class U:
        def __init__(self, name, short=""):
            self.name, self.short_name = name, short

    a, b, c = U("Cục Tuyên huấn", "Cục TH"), U("Cục Cán bộ", "Cục CB"), U("Phòng Thông tin")
    lines = consolidation.condense(
        [
            (a, "- Cập nhật tiến độ trên hệ thống đúng quy định."),
            (b, "Cập nhật tiến độ trên hệ thống đúng quy định"),
            (b, "Cập nhật tiến độ trên hệ thống đúng quy định."),  # the same unit twice
            (c, "Tổ chức 3 hội nghị."),
            (a, "Tổ chức 5 hội nghị."),
        ],
        everyone=3,
    ).splitlines()
    assert lines == [
        "- Cục TH và Cục CB: Cập nhật tiến độ trên hệ thống đúng quy định.",
        "- Phòng Thông tin: Tổ chức 3 hội nghị.",
        "- Cục Tuyên huấn: Tổ chức 5 hội nghị.",
    ]


def _grouped_one_by_one(items):
    """The grouping as first written (a fresh matcher per pair, the units in a list): the
    reference the faster group_points must agree with."""
    import re
    from difflib import SequenceMatcher

    groups, exact, near = [], {}, {}
    for source, text in items:
        for line in consolidation.points(text):
            k = consolidation.key(line)
            point = exact.get(k)
            if point is None:
                nums = tuple(re.findall(r"\d+", k))
                words = k.split()
                buckets = [("<", nums, *words[:3]), (">", nums, *words[-3:])]
                for g in (g for b in buckets for g in near.get(b, [])):
                    short, long = sorted((len(g[1]), len(k)))
                    if g[1] == k or (
                        g[2] == nums
                        and short / long >= consolidation.SIMILAR
                        and SequenceMatcher(None, g[1], k, autojunk=False).ratio()
                        >= consolidation.SIMILAR
                    ):
                        point = g
                        break
                else:
                    point = (line, k, nums, [])
                    groups.append(point)
                    for b in buckets:
                        near.setdefault(b, []).append(point)
                exact[k] = point
            if source not in point[3]:
                point[3].append(source)
    return [(g[0], g[3]) for g in groups]


def test_grouping_many_units_gives_what_comparing_one_by_one_gave():
    """Hundreds of units writing near-identical lines (names, numbers and endings that
    differ by a letter or a word), so that the prefilters and the shared matcher are used."""
    names = ["Cục Tuyên huấn", "Cục Cán bộ", "Phòng Thông tin", "Ban Tài chính", "Đại đội 8"]
    endings = [
        "kết quả cơ bản đạt yêu cầu.",
        "kết quả cơ bản đạt yêu cầu",
        "kết quả bước đầu đạt yêu cầu.",
        "kết quả cơ bản đạt yêu cầu đề ra.",
    ]
    items = []
    for i in range(400):
        name = f"{names[i % 5]}{'' if i % 3 else ', Lữ đoàn ' + str(300 + i % 7)}"
        items.append(
            (
                i % 150,
                f"- {name} đã triển khai các nhiệm vụ lĩnh vực {i % 4} theo kế hoạch; "
                f"{endings[i % 4]}\nĐơn vị đã quán triệt kế hoạch{'.' if i % 2 else ''}",
            )
        )
    grouped = [(p.text, p.units) for p in consolidation.group_points(items)]
    assert grouped == _grouped_one_by_one(items)
    distinct = {
        consolidation.key(line) for _u, text in items for line in consolidation.points(text)
    }
    # Near-identical lines did merge, and distinct ones stayed apart.
    assert 10 < len(grouped) < len(distinct)


def test_proposals_are_deduplicated_named_and_never_to_oneself(world, history):
    proposals = {
        "CTH": "Đề nghị Cục Tuyên huấn biên soạn thêm tài liệu.\n"
        "Đề nghị Bộ Quốc phòng bổ sung kinh phí số hóa.",
        "CTH-P1": "Đề nghị Văn phòng Tổng cục Chính trị tổ chức tập huấn.",
        "CTC": "- đề nghị Bộ Quốc phòng bổ sung kinh phí số hóa\n"
        "Đề nghị Văn phòng Tổng cục Chính trị tổ chức tập huấn.\n"
        "Đề nghị Cục Cán bộ rà soát biên chế.",
    }
    people = {"CTH": ("focal_a", "head_a"), "CTH-P1": ("focal_a", "head_a")}
    people["CTC"] = ("focal_b", "head_b")
    for code, text in proposals.items():
        focal, head = people[code]
        accept(world, write(world, history, code, focal, proposals=text), head)
    payload, doc = docx_of(history)
    texts = body(doc)
    section_v = [t for t in texts[texts.index("V. KIẾN NGHỊ, ĐỀ XUẤT") + 1 :] if t.strip()]
    section_iv = section(texts, "IV. NHIỆM VỤ", "V. KIẾN NGHỊ")
    # To the level above: once, both units named.
    assert section_v == ["- Cục TH và Cục CB đề nghị Bộ Quốc phòng bổ sung kinh phí số hóa."]
    # To the issuing unit's own office: the issuing unit answers it, it does not propose it.
    assert "- Phòng Thông tin và Cục CB đề nghị Văn phòng Tổng cục Chính trị tổ chức tập huấn." in (
        section_iv
    )
    # A unit asking itself is no proposal at all.
    whole = "\n".join(texts)
    assert "biên soạn thêm tài liệu" not in whole and "rà soát biên chế" not in whole


def test_empty_lists_and_tables_say_so(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # As of quý I's cut-off (14/03) nothing is done and nothing is overdue yet.
    period = make_period(world, "quy_1")
    payload, doc = docx_of(period, today=D(2026, 3, 21))
    assert payload["done"] == [] and payload["overdue"] == []
    texts = body(doc)
    areas = Area.objects.count()
    assert texts.count("Chưa có nhiệm vụ hoàn thành.") == areas
    assert texts.count("Không có nhiệm vụ quá hạn.") == areas
    tables = {
        t.rows[0].cells[-1].text: [[c.text for c in r.cells] for r in t.rows[1:]]
        for t in doc.tables[2:]
    }
    assert set(tables["Số, ký hiệu văn bản"][0]) == {"Chưa có nhiệm vụ hoàn thành."}
    assert set(tables["Lý do, vướng mắc"][0]) == {"Không có nhiệm vụ quá hạn."}
    book = load_workbook(io.BytesIO(consolidated.render(payload, "xlsx")))
    assert book["Nhiệm vụ quá hạn"]["A5"].value == "Không có nhiệm vụ quá hạn."
    assert book["Nhiệm vụ đã hoàn thành"]["A5"].value == "Chưa có nhiệm vụ hoàn thành."


def test_the_figures_lead_with_the_government_offices_rate_and_formula(world, history):
    payload, doc = docx_of(history)
    texts = body(doc)
    kinds = [category(t, CUT_OFF) for t in Task.objects.filter(plan=world.plan)]
    tasks = [k for k in kinds if k != "cancelled"]
    done = sum(k in ("done_on_time", "done_late") for k in kinds)
    overdue = kinds.count("overdue")
    intro = next(i for i, t in enumerate(texts) if t.startswith("Thực hiện "))
    assert texts[intro + 1].startswith(
        f"{done}/{len(tasks)} nhiệm vụ đã hoàn thành ({rate_text(done, len(tasks))})"
    )
    formula = texts[intro + 2]
    assert "Văn phòng Chính phủ" in formula
    assert "số nhiệm vụ đã hoàn thành ÷ (số đã hoàn thành + số quá hạn chưa hoàn thành)" in formula
    assert formula.endswith(f"{done} ÷ ({done} + {overdue}) = {rate_text(done, done + overdue)}.")


def test_a_rate_is_written_the_same_on_the_dashboard_the_board_and_the_docx(world, history):
    # Two more tasks done by the cut-off: 4 done, 2 overdue, a rate with a decimal (66,7 %).
    area = Area.objects.get(code=4)
    for code in ("4.1", "4.2"):
        with on_day(world.issued_on):
            task = plan_services.task_create(
                actor=None,
                plan=world.plan,
                area=area,
                code=code,
                title=f"Nhiệm vụ {code}",
                lead_unit=world.units["CTC"],
                due_date=D(2026, 6, 30),
            )
        plan_progress.task_update_post(
            actor=world.users["focal_b"],
            task=task,
            status="done",
            deliverable="Xong",
            reported_on=D(2026, 6, 10),
        )
    expected = rate_text(4, 4 + 2)
    assert expected == "66,7\u00a0%"
    client = Client()
    assert sign_in(client, "office")
    dashboard = client.get("/dashboard/", {"plan": world.plan.pk, "as_of": "14/06/2026"})
    assert f'<div class="stat-number">{expected}</div>' in dashboard.content.decode()
    board = client.get(f"/reporting/periods/{history.pk}/").content.decode()
    assert f'<span class="stat-number ms-2">{expected}</span>' in board
    _payload, doc = docx_of(history)
    assert any(t.endswith(f"= {expected}.") for t in body(doc))
    # …and in the appendix's table.
    totals = [[c.text for c in r.cells] for r in doc.tables[2].rows][-1]
    assert totals[-1] == expected


def test_only_the_issuing_units_aliases_name_an_addressee(world, sibling):
    tcct = world.units["TCCT"]
    org_services.unit_alias_create(
        actor=world.users["office"], unit=world.units["CTH"], alias="Ban Tuyên huấn cũ", owner=tcct
    )
    org_services.unit_alias_create(
        actor=sibling["office"], unit=sibling["vp"], alias="Ban Kinh tế", owner=sibling["unit"]
    )
    addressee = consolidation.Addressees(tcct)
    assert addressee("Đề nghị Ban Tuyên huấn cũ biên soạn tài liệu") == world.units["CTH"]
    assert addressee("Đề nghị Ban Kinh tế hỗ trợ kinh phí") is None
