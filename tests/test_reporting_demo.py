import datetime
import io

from docx import Document

from cchc.demo.data import DemoLoader
from cchc.demo.reporting import load_reporting_demo
from cchc.documents import consolidated
from cchc.reporting import consolidation, data
from cchc.reporting.models import ConsolidatedStatus, ReportingPeriod, ReportStatus

TODAY = datetime.date(2026, 11, 26)


def test_the_demo_has_reports_in_every_state_and_loads_once(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    DemoLoader(today=TODAY).run()
    created = load_reporting_demo(today=TODAY)
    assert created["reporting periods"] == 3
    assert load_reporting_demo(today=TODAY) == {}

    six = ReportingPeriod.objects.get(kind="six_months")
    rows = data.report_rows(six)
    states = {row["status"] for row in rows}
    assert {"draft", "submitted", "returned", "accepted", None} <= states
    submissions = [row["submission"] for row in rows]
    assert submissions.count("late") >= 1 and submissions.count("missing") >= 2
    assert submissions.count("on_time") >= 3
    returned = next(r["report"] for r in rows if r["status"] == ReportStatus.RETURNED)
    assert returned.return_comment and returned.versions.count() == 1
    assert six.nudges.exists()

    quy_1 = ReportingPeriod.objects.get(kind="quy_1")
    assert quy_1.consolidated.status == ConsolidatedStatus.APPROVED
    assert quy_1.consolidated.approved_data["document_number"] == "45/BC-CT"
    assert six.consolidated.status == ConsolidatedStatus.DRAFT

    payload = consolidation.document_data(six, six.consolidated, today=TODAY)
    doc = Document(io.BytesIO(consolidated.render(payload, "docx")))
    text = "\n".join(p.text for p in doc.paragraphs)
    # The units' points are condensed: each appears once, naming the units that made it.
    points = [p.text for p in doc.paragraphs if p.text.startswith("- ")]
    assert points and len(points) == len(set(points))
    assert "Cục Tổ chức" in text or "Cục Tuyên huấn" in text
    assert "Cơ quan, đơn vị chưa gửi báo cáo:" in text
