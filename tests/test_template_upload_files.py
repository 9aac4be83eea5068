"""A report template is an uploaded Office file like a plan: it passes the same checks
before python-docx opens it (issue 9: a 1.6 MB DOCX took the worker to 3.2 GB)."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.reporting import services
from cchc.reporting.models import ReportTemplate
from tests.fixtures_plans import corrupted, docx_plan, encrypted_ooxml, old_binary

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def docx_bomb(megabytes: int = 120) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            f'<Types><Override ContentType="{DOCX_TYPE}" PartName="/word/document.xml"/></Types>',
        )
        archive.writestr("word/document.xml", b" " * (megabytes * 1024 * 1024))
    return out.getvalue()


CASES = [
    ("bomb.docx", docx_bomb, "tệp nén độc hại"),
    ("mau.doc", old_binary, "Word 97-2003"),
    ("mau.pdf", lambda: b"%PDF-1.7", "chỉ nhận tệp Word (.docx)"),
    ("mat-khau.docx", encrypted_ooxml, "đặt mật khẩu"),
    ("hong.docx", lambda: corrupted(docx_plan()), "bị hỏng"),
    ("rong.docx", lambda: b"", "rỗng"),
]


@pytest.mark.parametrize(("name", "build", "message"), CASES, ids=[c[0] for c in CASES])
def test_a_bad_template_file_is_refused_on_the_field(world, name, build, message):
    data = build()
    if name == "bomb.docx":
        assert len(data) < 1024 * 1024  # small on the wire, 120 MB inflated
    with pytest.raises(ValidationError) as refused:
        services.template_upload(
            actor=world.users["office"],
            unit=world.plan.issuing_unit,
            name="Mẫu",
            file=SimpleUploadedFile(name, data),
        )
    assert message in " ".join(refused.value.message_dict["file"])
    assert not ReportTemplate.objects.exists()
