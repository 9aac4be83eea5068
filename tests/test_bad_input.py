"""Bad input never costs the user their work (issue 10): a value out of range, a day not on
the calendar or an empty required field is named on its field, the page answers 200 and
everything typed comes back in the form."""

import pytest
from django.urls import reverse

from cchc.plans.models import TaskUpdate
from tests import test_web_update

focal = test_web_update.focal  # the fixture: the lead unit's focal point, on 15/06/2026


@pytest.mark.parametrize("value", ["150", "-5", "99999999999999999999999"])
def test_progress_out_of_range_is_named_on_its_field_and_keeps_the_rest(world, focal, value):
    task = world.tasks["a_soon"]
    response = focal.post(
        reverse("plans:task-update", args=[task.pk]),
        {
            "note": "Ghi chú dài đã gõ",
            "status": "in_progress",
            "progress": value,
            "deliverable": "Sản phẩm đã gõ",
            "reported_on": "15/06/2026",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "0 đến 100" in form.errors["progress"][0]
    text = response.content.decode()
    for typed in ("Ghi chú dài đã gõ", "Sản phẩm đã gõ", "15/06/2026", f'value="{value}"'):
        assert typed in text, typed
    assert 'value="in_progress" selected' in text
    assert not TaskUpdate.objects.exists()


def test_a_day_not_on_the_calendar_is_named_as_such(world, focal):
    task = world.tasks["a_soon"]
    response = focal.post(
        reverse("plans:task-update", args=[task.pk]),
        {"note": "Ghi chú", "status": task.status, "progress": "10", "reported_on": "31/02/2026"},
    )
    assert response.status_code == 200
    assert "không có trên lịch" in response.context["form"].errors["reported_on"][0]
    assert "31/02/2026" in response.content.decode()


@pytest.mark.parametrize("bad", ["31/02/2027", "hôm qua"])
def test_issuing_with_a_bad_date_keeps_the_input_and_names_the_field(world, client, bad):
    client.force_login(world.users["office"])
    draft = world.draft
    response = client.post(
        reverse("plans:plan-issue", args=[draft.pk]),
        {"document_number": "99/KH-CT", "issued_on": bad},
    )
    assert response.status_code == 200
    form = response.context["issue_form"]
    assert form.errors["issued_on"]
    text = response.content.decode()
    assert f'value="{bad}"' in text and 'value="99/KH-CT"' in text
    assert "is-invalid" in text and form.errors["issued_on"][0] in text
    draft.refresh_from_db()
    assert draft.status == "draft"
