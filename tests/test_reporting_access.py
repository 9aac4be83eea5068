"""Every action of the reporting pages has its own URL; each is probed here for every role.

The roles allowed are redirected and the action is done; the others get the same answer as
the page itself gives them (404 when they may not see the period or the unit's report, 403
when they may see it but not act) and nothing changes; the anonymous are sent to log in.
A URL of the app that is neither probed here nor named in TESTED_ELSEWHERE fails
`test_every_reporting_url_is_placed`.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse

from cchc.reporting import consolidated, urls
from cchc.reporting.models import ConsolidatedReport, UnitReport, UnitReportVersion
from tests.test_access_matrix import ROLES, assert_login_redirect
from tests.test_reporting_views import form_data
from tests.test_reporting_world import make_period, submit, write

# CTC's people see the period (the plan is theirs too) but not CTH's report.
NOT_CTH = ("head_b", "focal_b")


@dataclass
class Action:
    allowed: set[str]
    prepare: Callable  # (world, period) -> (url kwargs, posted data)
    effect: Callable  # (world, period) -> what the action changes
    hidden: tuple[str, ...] = ()  # roles besides "nobody" to whom the object is not found

    def refusal(self, role: str) -> int:
        return 404 if role in (*self.hidden, "nobody") else 403


def _unit_report(world, period):
    report = write(world, period, "CTH", "focal_a", results="Bản nháp")
    return {"pk": period.pk, "unit_pk": report.unit_id}, form_data(report.version, "Bản mới")


def _drafted(world, period, *, send: bool = False):
    report = consolidated.consolidated_open(actor=world.users["office"], period=period)
    if send:
        consolidated.consolidated_send(actor=world.users["office"], report=report)
    return {"pk": period.pk}, {"version": report.version, "place": "Thành phố Hồ Chí Minh"}


def _sent(data: dict):
    return lambda world, period: (_drafted(world, period, send=True)[0], data)


def _consolidated(field: str):
    return lambda world, period: ConsolidatedReport.objects.values_list(field, flat=True).first()


ACTIONS = {
    "unit-report-save": Action(
        allowed={"head_a", "focal_a"},
        prepare=_unit_report,
        effect=lambda world, period: UnitReport.objects.get().part(1, "results"),
        hidden=NOT_CTH,
    ),
    "unit-report-submit": Action(
        allowed={"head_a"},  # CTH has a head: its focal officer drafts only
        prepare=_unit_report,
        effect=lambda world, period: UnitReportVersion.objects.count(),
        hidden=NOT_CTH,
    ),
    "consolidated-open": Action(
        allowed={"office"},
        prepare=lambda world, period: ({"pk": period.pk}, {}),
        effect=lambda world, period: ConsolidatedReport.objects.count(),
    ),
    "consolidated-save": Action({"office"}, _drafted, _consolidated("place")),
    "consolidated-regenerate": Action({"office"}, _drafted, _consolidated("version")),
    "consolidated-send": Action({"office"}, _drafted, _consolidated("status")),
    "consolidated-return": Action(
        {"leader"}, _sent({"comment": "Bổ sung số liệu"}), _consolidated("status")
    ),
    "consolidated-approve": Action(
        {"leader"},
        _sent({"document_number": "15/BC-CT", "issued_on": "20/06/2026"}),
        _consolidated("status"),
    ),
}

# Not probed here: the pages (GET) and the actions that had their own URL before this file.
# test_reporting_views walks most of them with the roles that matter; the attachment download
# and the template pages are covered only through their selectors and services.
TESTED_ELSEWHERE = {
    "period-list",
    "period-detail",
    "period-edit",
    "period-nudge",
    "unit-report",
    "unit-report-attach",
    "report-return",
    "report-accept",
    "report-version",
    "attachment-download",
    "consolidated",
    "export-create",
    "export-detail",
    "export-download",
    "template-list",
    "template-deactivate",
    "template-default",
}


# Pages (GET) probed here for every role: what each role gets.
PAGES = {"plan-completeness"}


def test_every_reporting_url_is_placed():
    assert {p.name for p in urls.urlpatterns} == set(ACTIONS) | TESTED_ELSEWHERE | PAGES


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(ACTIONS))
def test_each_action_for_each_role(world, client, settings, tmp_path, name, role):
    settings.MEDIA_ROOT = tmp_path
    action = ACTIONS[name]
    period = make_period(world)
    kwargs, data = action.prepare(world, period)
    before = action.effect(world, period)
    if role != "anonymous":
        client.force_login(world.users[role])
    response = client.post(reverse(f"reporting:{name}", kwargs=kwargs), data)
    if role == "anonymous":
        assert_login_redirect(response)
    elif role in action.allowed:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert action.effect(world, period) != before
        return
    else:
        assert response.status_code == action.refusal(role)
    assert action.effect(world, period) == before


def test_opening_a_drafted_report_again_is_still_the_offices_alone(world, client):
    period = make_period(world)
    kwargs, _data = _drafted(world, period)
    url = reverse("reporting:consolidated-open", kwargs=kwargs)
    client.force_login(world.users["leader"])
    assert client.post(url).status_code == 403
    client.force_login(world.users["office"])
    assert client.post(url).status_code == 302
    assert ConsolidatedReport.objects.count() == 1


# The dashboard's card: the board's counts for those who see the board; to the units' people
# a sentence saying so; to someone who may not read the plan, not found.
COMPLETENESS = {
    "office": "counts",
    "leader": "counts",
    "appraiser": "counts",
    "viewer": "counts",
    "head_a": "words",
    "focal_a": "words",
    "head_b": "words",
    "focal_b": "words",
    "nobody": 404,
}


@pytest.mark.parametrize("role", ROLES)
def test_the_completeness_card_for_each_role(world, client, role):
    period = make_period(world)
    submit(world, write(world, period, "CTH", "focal_a", results="Đã làm"), "head_a")
    url = reverse("reporting:plan-completeness", kwargs={"pk": world.plan.pk})
    if role == "anonymous":
        assert_login_redirect(client.get(url))
        return
    client.force_login(world.users[role])
    response = client.get(url, HTTP_HX_REQUEST="true")
    expected = COMPLETENESS[role]
    if expected == 404:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    text = response.content.decode()
    assert period.label in text
    if expected == "counts":
        assert response.context["card"].submitted == 1
        assert f"1/{period.units.count()}" in text
    else:
        assert response.context["card"].counts is None
        assert "chỉ Văn phòng và lãnh đạo xem được" in text and "data-count" not in text
