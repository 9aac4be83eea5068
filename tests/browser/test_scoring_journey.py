"""Journey 7, score: the office opens the year's assessments; agency A's focal officer
scores a criterion with a file (on a phone or a desktop), its head sends; the appraiser
lands on the appraisal queue and scores that criterion lower; the unit answers; the office
enters a survey's points and finalises, and the page shows the total, locked; the result
table ranks the unit and downloads as XLSX and DOCX."""

import datetime
import re
from decimal import Decimal

import docx
import openpyxl
import pytest
from playwright.sync_api import expect

from cchc.scoring import assessment_services as services
from cchc.scoring import services as set_services
from cchc.scoring.models import Assessment, AssessmentStatus, Method
from tests.browser.conftest import login, screenshot
from tests.web_helpers import on_day


def fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def nav(page, name: str) -> None:
    """Follow a link of the top navigation (behind its menu button on a phone)."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        # The menu slides open: a click before it has finished may miss the link.
        expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))
    page.locator("#main-nav").get_by_role("link", name=name, exact=True).click()
    page.wait_for_load_state("networkidle")


def _rest_scored(assessment, actor, done_code: str) -> None:
    """The unit's other criteria, scored as on the page, through the same service."""
    for score in assessment.scores.select_related("criterion"):
        method, code = score.criterion.method, score.criterion.code
        if method in services.UNIT_SCORED and code != done_code:
            services.score_save(
                actor=actor,
                score=score,
                self_points=score.criterion.max_points,
                explanation="Đã thực hiện",
                no_evidence_reason="Văn bản nội bộ, không công bố",
            )


@pytest.mark.parametrize("width, height", [(1366, 768), (390, 844)])
def test_a_unit_scored_appraised_and_finalised(page, live_world, tmp_path, width, height):
    world, office = live_world, live_world.users["office"]
    made = set_services.criteria_set_create_example(
        actor=office, unit=world.units["TCCT"], year=2026
    )
    criteria_set = set_services.criteria_set_mark_in_use(actor=office, criteria_set=made)
    page.set_viewport_size({"width": width, "height": height})

    # The office opens the assessments of the units that lead tasks.
    login(page, "office")
    page.goto(f"{page.base_url}/scoring/criteria/{criteria_set.pk}/")
    page.get_by_role("link", name="Mở đánh giá").click()
    expect(page.get_by_label("Cục Tuyên huấn")).to_be_checked()
    expect(page.get_by_label("Cục Cán bộ")).to_be_checked()
    fits(page, width)
    page.get_by_role("button", name="Mở đánh giá").click()
    expect(page.get_by_text("Đã mở 2 bản đánh giá; các đơn vị đã được thông báo.")).to_be_visible()
    expect(page.locator("#progress")).to_contain_text("0/28 tiêu chí")
    fits(page, width)
    screenshot(page, f"scoring-progress-{width}")
    assessment = Assessment.objects.get(criteria_set=criteria_set, unit=world.units["CTH"])
    score = assessment.scores.get(criterion__code="1.5")
    row = f"#score-{score.pk}"

    # Agency A's focal officer scores 1.5 with its evidence; a mistake is named first.
    page.context.clear_cookies()
    login(page, "focal_a")
    nav(page, "Chấm điểm")
    expect(page).to_have_url(re.compile(r"/scoring/assessments/$"))
    page.get_by_role("link", name="Cục Tuyên huấn – Bộ tiêu chí mẫu").click()
    expect(page.locator("#assessment-total")).to_contain_text("Điểm dự kiến")
    criterion = page.locator(row)
    criterion.get_by_text("Tự chấm tiêu chí 1.5").click()
    criterion.get_by_label("Điểm tự chấm").fill("5")
    criterion.get_by_role("button", name="Lưu tiêu chí 1.5").click()
    expect(page.locator(row).locator(".invalid-feedback")).to_contain_text(
        "Điểm của tiêu chí 1.5 phải là số từ 0 đến 2"
    )
    criterion = page.locator(row)
    criterion.get_by_label("Điểm tự chấm").fill("2")
    criterion.get_by_label("Giải thích, số liệu kê khai").fill("Ban hành Kế hoạch 12/KH-TH")
    evidence = tmp_path / "ke-hoach-12.pdf"
    evidence.write_bytes(b"%PDF-1.4 ke hoach")
    criterion.get_by_label("Tài liệu kiểm chứng", exact=True).set_input_files(str(evidence))
    criterion.get_by_role("button", name="Lưu tiêu chí 1.5").click()
    expect(page.get_by_text("Đã lưu điểm tự chấm tiêu chí 1.5.")).to_be_visible()
    expect(page.locator(row).get_by_role("status")).to_have_text("Đã lưu.")
    expect(page.locator(row).get_by_role("link", name="ke-hoach-12.pdf")).to_be_visible()
    fits(page, width)
    screenshot(page, f"scoring-self-{width}")
    _rest_scored(assessment, world.users["focal_a"], "1.5")

    # Its head sends it.
    page.context.clear_cookies()
    login(page, "head_a")
    page.goto(f"{page.base_url}/scoring/assessments/{assessment.pk}/")
    expect(page.locator("#submit-problems")).to_have_count(0)
    page.get_by_role("button", name="Gửi hội đồng thẩm định").click()
    expect(page.get_by_text("Đã gửi bản tự đánh giá đến hội đồng thẩm định.")).to_be_visible()

    # The appraiser lands on the queue and scores 1.5 lower.
    page.context.clear_cookies()
    login(page, "appraiser")
    expect(page.get_by_role("heading", name="Bản đánh giá chờ thẩm định")).to_be_visible()
    fits(page, width)
    screenshot(page, f"scoring-queue-{width}")
    page.get_by_role("link", name="Cục Tuyên huấn").click()
    criterion = page.locator(row)
    criterion.get_by_label("Điểm thẩm định").fill("1")
    criterion.get_by_label("Ý kiến thẩm định").fill("Kế hoạch chưa có lộ trình")
    criterion.get_by_role("button", name="Lưu thẩm định 1.5").click()
    expect(page.get_by_text("Đã lưu điểm thẩm định tiêu chí 1.5.")).to_be_visible()
    expect(page.locator(row)).to_contain_text("Hội đồng chấm khác đơn vị: 1 so với 2")
    page.get_by_label("Nhận xét chung của hội đồng").fill("Cơ bản đạt yêu cầu")
    page.get_by_role("button", name="Gửi kết quả thẩm định").click()
    expect(page.get_by_text("Đã gửi kết quả thẩm định cho đơn vị.")).to_be_visible()

    # The unit answers once.
    page.context.clear_cookies()
    login(page, "focal_a")
    page.goto(f"{page.base_url}/scoring/assessments/{assessment.pk}/")
    expect(page.locator(row)).to_contain_text("Kế hoạch chưa có lộ trình")
    page.get_by_label("Giải trình tiêu chí 1.5").fill("Lộ trình ở phụ lục của kế hoạch")
    page.get_by_label("Giải trình chung").fill("Đề nghị hội đồng xem lại tiêu chí 1.5")
    fits(page, width)
    screenshot(page, f"scoring-answer-{width}")
    page.get_by_role("button", name="Gửi giải trình").click()
    expect(page.get_by_text("Đã gửi giải trình đến hội đồng thẩm định.")).to_be_visible()

    # The office enters a survey's points and finalises; the total is the sum that counts.
    surveys = list(assessment.scores.filter(criterion__method=Method.SURVEY))
    for survey in surveys[1:]:
        services.survey_save(actor=office, score=survey, points=Decimal("1"))
    page.context.clear_cookies()
    login(page, "office")
    page.goto(f"{page.base_url}/scoring/assessments/{assessment.pk}/")
    criterion = page.locator(f"#score-{surveys[0].pk}")
    criterion.get_by_label("Điểm điều tra xã hội học").fill("3,5")
    criterion.get_by_role("button", name="Lưu điểm điều tra").click()
    expect(page.get_by_text("Đã lưu điểm điều tra tiêu chí")).to_be_visible()
    # Finalising waits for the set's cut-off (31/12): the year has ended by then.
    with on_day(datetime.date(2027, 1, 5)):
        page.get_by_role("button", name="Chốt kết quả").click()
        expect(page.get_by_text("Đã chốt kết quả; bản đánh giá đã khóa.")).to_be_visible()
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.FINALISED
    total = f"{assessment.total.normalize():f}".replace(".", ",")
    expect(page.locator("#assessment-total")).to_contain_text("Tổng điểm đã chốt")
    expect(page.locator("#assessment-total")).to_contain_text(f"{total} / 100 điểm")
    fits(page, width)
    screenshot(page, f"scoring-finalised-{width}")

    # The result table ranks the finalised unit; the council's files download.
    page.goto(f"{page.base_url}/scoring/criteria/{criteria_set.pk}/")
    page.get_by_role("link", name="Kết quả, xếp loại").click()
    table = page.locator("#results-table")
    expect(table).to_contain_text("Cục Tuyên huấn")
    expect(table).to_contain_text(total)
    fits(page, width)
    screenshot(page, f"scoring-results-{width}")
    with page.expect_download() as download:
        page.get_by_role("link", name="Bảng kết quả (Excel)").click()
    with open(download.value.path(), "rb") as handle:  # saved without its extension
        sheet = openpyxl.load_workbook(handle).active
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert any("Cục Tuyên huấn" in c for c in cells)
    with page.expect_download() as download:
        page.get_by_role("link", name="Báo cáo kết quả (Word)").click()
    document = docx.Document(str(download.value.path()))
    text = "\n".join(
        [p.text for p in document.paragraphs]
        + [c.text for t in document.tables for r in t.rows for c in r.cells]
    )
    assert "Cục Tuyên huấn" in text
