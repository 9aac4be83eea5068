"""The PDFs draw every Vietnamese letter in one serif face.

With Liberation Serif 1.x (Debian's fonts-liberation) the letters with a dot or hook below
(ạ ệ ở ự …) are missing, and LibreOffice silently borrows them from another face (DejaVu
Serif): the PDF then embeds two body families. `pdffonts` lists what the PDF embeds; the
charts are PNG images and embed no font.
"""

import re
import shutil
import subprocess

import pytest

from cchc.documents import consolidated
from cchc.documents.pdf import docx_to_pdf, pdf_available
from cchc.documents.plan import plan_docx
from cchc.plans.exports import plan_export_data
from cchc.reporting import consolidation
from cchc.reporting import services as reporting_services
from tests.conftest import require


@pytest.fixture(autouse=True)
def pdf_tools():
    require(
        pdf_available(),
        "LibreOffice is not installed (make install adds libreoffice-writer-nogui)",
    )
    require(
        shutil.which("pdffonts") is not None,
        "pdffonts is not installed (make install adds poppler-utils)",
    )


# What a face's variants add to its PostScript name: "LiberationSerif-BoldItalic".
STYLES = {"", "Regular", "Roman", "Bold", "Italic", "Oblique", "BoldItalic", "BoldOblique"}


def embedded_fonts(pdf: bytes, tmp_path) -> list[str]:
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    # Two header lines, then one font per line; the name is the first column.
    return [line.split()[0] for line in out.splitlines()[2:] if line.strip()]


def families(names: list[str]) -> set[str]:
    """ "BAAAAA+LiberationSerif-Bold" -> "LiberationSerif": the subset tag and the style go."""
    out = set()
    for name in names:
        name = re.sub(r"^[A-Z]{6}\+", "", name)
        family, _, style = name.partition("-")
        assert style in STYLES, f"unexpected font variant {name!r}"
        out.add(family)
    return out


def test_family_names_drop_subset_tags_and_styles():
    names = ["BAAAAA+LiberationSerif-Bold", "CAAAAA+LiberationSerif", "DAAAAA+DejaVuSerif"]
    assert families(names) == {"LiberationSerif", "DejaVuSerif"}


def assert_one_serif_family(pdf: bytes, tmp_path) -> None:
    names = embedded_fonts(pdf, tmp_path)
    assert names, "the PDF embeds no font at all"
    found = families(names)
    assert len(found) == 1, f"more than one body font family in the PDF: {sorted(names)}"
    # Times New Roman itself, or a face with its metrics (Liberation Serif, Tinos).
    assert found <= {"LiberationSerif", "TimesNewRomanPSMT", "TimesNewRoman", "Tinos"}, found


def test_the_consolidated_report_pdf_has_one_body_font_family(world, tmp_path):
    period = reporting_services.period_open(
        actor=world.users["office"], plan=world.plan, kind="six_months"
    )
    payload = consolidation.document_data(period, None, today=world.today)
    pdf = consolidated.render(payload, "pdf")
    assert pdf.startswith(b"%PDF")
    assert_one_serif_family(pdf, tmp_path)


def test_the_plan_pdf_has_one_body_font_family(world, tmp_path):
    # The signer's name and title carry the letters that used to fall back (ạ ệ ộ ễ).
    from cchc.orgs import services as org_services

    org_services.unit_document_settings_update(
        actor=world.users["office"],
        unit=world.units["TCCT"],
        symbol="CT",
        signer_authority="KT. Chủ nhiệm",
        signer_title="Phó Chủ nhiệm",
        signer_name="Thiếu tướng Nguyễn Văn Hạnh",
    )
    data = plan_export_data(user=world.users["office"], plan=world.plan, today=world.today)
    pdf = docx_to_pdf(plan_docx(data))
    assert_one_serif_family(pdf, tmp_path)
