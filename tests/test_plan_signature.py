"""The plan's signature block and its number: set per issuing unit by the office of that unit,
and one agency symbol whether the plan is a draft or issued."""

import io

import docx
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from cchc.audit.models import AuditEvent
from cchc.documents.plan import plan_docx, plan_number, plan_xlsx
from cchc.orgs import services as org_services
from cchc.orgs.models import Unit
from cchc.orgs.selectors import agency_symbol
from cchc.plans import services as plan_services
from cchc.plans.exports import plan_export_data

SIGNER = {
    "symbol": " ct ",
    "signer_authority": "KT. Chủ nhiệm",
    "signer_title": "Phó Chủ nhiệm",
    "signer_name": "Thiếu tướng  Nguyễn Văn Hạnh",
}


def set_documents(world, user="office", unit="TCCT", **values) -> Unit:
    return org_services.unit_document_settings_update(
        actor=world.users[user], unit=world.units[unit], **(SIGNER | values)
    )


def exported(world, plan):
    return plan_export_data(user=world.users["office"], plan=plan, today=world.today)


def read_docx(data) -> docx.Document:
    return docx.Document(io.BytesIO(plan_docx(data)))


def signature_lines(document) -> list[str]:
    # The table after the header: "Nơi nhận:" on the left, the signer on the right.
    right = document.tables[1].rows[0].cells[1]
    return [p.text for p in right.paragraphs if p.text]


def number_line(document) -> str:
    left = document.tables[0].rows[0].cells[0]
    return next(p.text for p in left.paragraphs if p.text.startswith("Số:"))


def appendix_note(document) -> str:
    return next(p.text for p in document.paragraphs if p.text.startswith("(Kèm theo"))


# --- the service ---------------------------------------------------------------------------


def test_the_office_sets_the_units_symbol_and_signer_and_it_is_audited(world):
    unit = set_documents(world)
    unit.refresh_from_db()
    assert (unit.symbol, unit.signer_authority, unit.signer_title, unit.signer_name) == (
        "CT",
        "KT. Chủ nhiệm",
        "Phó Chủ nhiệm",
        "Thiếu tướng Nguyễn Văn Hạnh",
    )
    event = AuditEvent.objects.filter(action="unit.documents").get()
    assert event.changes["signer_name"] == ["", "Thiếu tướng Nguyễn Văn Hạnh"]
    assert event.changes["symbol"] == ["", "CT"]
    # Saving the same values again changes nothing and records nothing.
    set_documents(world)
    assert AuditEvent.objects.filter(action="unit.documents").count() == 1


def test_the_office_covers_the_units_below_but_not_the_ministry(world):
    set_documents(world, unit="CTH", symbol="TH")
    assert Unit.objects.get(code="CTH").symbol == "TH"
    with pytest.raises(PermissionDenied):
        set_documents(world, unit="BQP")
    assert Unit.objects.get(code="BQP").signer_name == ""


@pytest.mark.parametrize("role", ["leader", "appraiser", "viewer", "head_a", "focal_a", "nobody"])
def test_no_one_else_sets_them(world, role):
    with pytest.raises(PermissionDenied):
        set_documents(world, user=role)
    unit = Unit.objects.get(code="TCCT")
    assert (unit.symbol, unit.signer_name) == ("", "")
    assert not AuditEvent.objects.filter(action="unit.documents").exists()


@pytest.mark.parametrize(
    "values, field",
    [
        ({"symbol": "KH/CT"}, "symbol"),
        ({"symbol": "C T-"}, "symbol"),
        ({"symbol": "Cục TH"}, "symbol"),
        ({"signer_title": ""}, "signer_title"),
    ],
)
def test_wrong_values_are_refused_on_their_field(world, values, field):
    with pytest.raises(ValidationError) as caught:
        set_documents(world, **values)
    assert set(caught.value.message_dict) == {field}
    assert Unit.objects.get(code="TCCT").signer_name == ""


# --- the plan's signature block ------------------------------------------------------------


def test_the_plan_is_signed_by_the_units_signer(world):
    set_documents(world)
    lines = signature_lines(read_docx(exported(world, world.plan)))
    assert lines == ["KT. CHỦ NHIỆM", "PHÓ CHỦ NHIỆM", "Thiếu tướng Nguyễn Văn Hạnh"]


def test_the_draft_is_signed_by_the_same_signer(world):
    set_documents(world)
    lines = signature_lines(read_docx(exported(world, world.draft)))
    assert lines == ["KT. CHỦ NHIỆM", "PHÓ CHỦ NHIỆM", "Thiếu tướng Nguyễn Văn Hạnh"]


def test_without_a_signer_the_block_names_the_head_and_leaves_the_name_blank(world):
    assert signature_lines(read_docx(exported(world, world.plan))) == ["THỦ TRƯỞNG"]


def test_the_head_signing_himself_has_no_authority_line(world):
    set_documents(world, signer_authority="", signer_title="Chủ nhiệm", signer_name="Lê Văn A")
    lines = signature_lines(read_docx(exported(world, world.plan)))
    assert lines == ["CHỦ NHIỆM", "Lê Văn A"]


# --- one agency symbol in the numbers, draft and issued alike ------------------------------


def test_draft_and_issued_plan_carry_the_same_symbol(world):
    # The world's plan was issued as "25/KH-CT"; the office set no symbol: the draft of the
    # same unit takes the symbol its plans are issued with, not the unit's code (TCCT).
    issued = read_docx(exported(world, world.plan))
    draft = read_docx(exported(world, world.draft))
    assert number_line(issued) == "Số: 25/KH-CT"
    assert number_line(draft).endswith("/KH-CT") and number_line(draft).startswith("Số:  ")
    assert "Kế hoạch số 25/KH-CT ngày" in appendix_note(issued)
    assert appendix_note(draft).startswith("(Kèm theo Kế hoạch số ")
    assert "/KH-CT của Tổng cục Chính trị)" in appendix_note(draft)
    assert "TCCT" not in number_line(draft) + appendix_note(draft)


def test_the_xlsx_number_line_carries_the_same_symbol(world):
    def line(plan):
        sheet = load_workbook(io.BytesIO(plan_xlsx(exported(world, plan)))).active
        return sheet["A3"].value

    assert line(world.plan).startswith("Số: 25/KH-CT, ngày ")
    assert "/KH-CT" in line(world.draft) and "chưa ban hành" in line(world.draft)


def test_the_symbol_the_office_sets_is_used_by_drafts_and_bare_numbers(world):
    set_documents(world, symbol="CTQĐ")
    assert agency_symbol(Unit.objects.get(code="TCCT")) == "CTQĐ"
    assert number_line(read_docx(exported(world, world.draft))).endswith("/KH-CTQĐ")
    # Issued with the bare number, the plan gets the same symbol.
    plan_services.plan_issue(actor=world.users["office"], plan=world.draft, document_number="7")
    assert number_line(read_docx(exported(world, world.draft))) == "Số: 7/KH-CTQĐ"


def test_a_unit_without_symbol_or_issued_plans_uses_its_code(world):
    assert agency_symbol(world.units["CTC"]) == "CTC"


def test_plan_numbers():
    assert plan_number("", "CT") == ("", "KH-CT")
    assert plan_number(" 25 ", "CT") == ("25/KH-CT", "KH-CT")
    # What was signed stays as written.
    assert plan_number("25/KH-CT", "CT") == ("25/KH-CT", "KH-CT")


# --- the page ------------------------------------------------------------------------------


def page_url(world, unit="TCCT"):
    return reverse("orgs:unit-documents", kwargs={"pk": world.units[unit].pk})


def test_the_plan_page_links_the_office_to_the_signer_page(client, world):
    plan_url = reverse("plans:plan-detail", kwargs={"pk": world.plan.pk})
    client.force_login(world.users["office"])
    assert page_url(world) in client.get(plan_url).content.decode()
    client.force_login(world.users["leader"])
    assert page_url(world) not in client.get(plan_url).content.decode()


def test_the_office_edits_on_the_page_and_returns_to_the_plan(client, world):
    client.force_login(world.users["office"])
    plan_url = reverse("plans:plan-detail", kwargs={"pk": world.plan.pk})
    page = client.get(page_url(world), {"next": plan_url})
    body = page.content.decode()
    assert page.status_code == 200
    assert "Quyền hạn ký" in body and "Chức vụ người ký" in body and "Tổng cục Chính trị" in body
    assert 'name="viewport"' in body  # the base layout scales to a 390 px phone
    response = client.post(page_url(world), SIGNER | {"next": plan_url})
    assert response.status_code == 302 and response["Location"] == plan_url
    assert Unit.objects.get(code="TCCT").signer_title == "Phó Chủ nhiệm"


def test_an_error_is_shown_on_its_field(client, world):
    client.force_login(world.users["office"])
    response = client.post(page_url(world), SIGNER | {"symbol": "KH/CT"})
    assert response.status_code == 200
    body = response.content.decode()
    field_start = body.index('id="id_symbol"')
    error = body.index("Chữ viết tắt chỉ gồm chữ in hoa")
    # The message sits right after its input, before the next field.
    assert field_start < error < body.index('id="id_signer_authority"')
    assert 'aria-invalid="true"' in body[body.rindex("<input", 0, field_start) : error]
    assert Unit.objects.get(code="TCCT").symbol == ""


def test_a_foreign_next_is_ignored(client, world):
    client.force_login(world.users["office"])
    response = client.post(page_url(world), SIGNER | {"next": "https://example.com/"})
    assert response["Location"] == page_url(world)
