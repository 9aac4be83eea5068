"""The import's upload form (issue 10): on an error it keeps every field it can, says the
file must be chosen again (no browser keeps a file input), preselects the office's own unit
and names units in full."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.fixtures_plans import xlsx_plan


@pytest.fixture
def office(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.users["office"])
    return client


def test_an_error_asks_for_the_file_again_and_keeps_the_rest(office, world):
    response = office.post(
        reverse("imports:upload"),
        {
            "file": SimpleUploadedFile("ke-hoach-2026.xlsx", xlsx_plan()),
            "year": "3000",
            "unit": world.units["CTH"].pk,
            "title": "Tên đã gõ",
            "parent_plan": world.plan.pk,
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "year" in form.errors
    assert "Chọn lại tệp “ke-hoach-2026.xlsx”" in form.errors["file"][0]
    text = response.content.decode()
    assert "Chọn lại tệp" in text
    assert 'value="3000"' in text and 'value="Tên đã gõ"' in text
    assert f'value="{world.units["CTH"].pk}" selected' in text
    assert f'value="{world.plan.pk}" selected' in text


def test_a_missing_file_is_named_as_such(office, world):
    response = office.post(reverse("imports:upload"), {"year": "2026", "unit": ""})
    errors = response.context["form"].errors
    assert "file" in errors and "unit" in errors


def test_the_office_unit_is_preselected_and_named_in_full(office, world):
    response = office.get(reverse("imports:upload"))
    text = response.content.decode()
    tcct = world.units["TCCT"]
    assert response.context["form"]["unit"].value() == tcct.pk
    assert f'value="{tcct.pk}" selected' in text
    assert world.units["CTH"].name in text  # "Cục Tuyên huấn", not only "Cục TH"
