"""Inspections and findings through the API (issue 13): each role and an outsider read what
the web's pages show them; the responsible unit answers with evidence, the office or the
team head accepts or reopens, through the web's services and their audit events; hostile
ids and bodies get a JSON error, never a 500."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cchc.audit.models import AuditEvent
from cchc.oversight import inspection_selectors
from cchc.oversight.models import Finding, FindingAnswer, FindingStatus, InspectionStatus
from tests.api_helpers import ROLES, ApiClient, api_as, token_for
from tests.test_inspections import pdf, started_with_findings

PEOPLE = [*ROLES, "member"]  # the team head is a person of the inspection, not a role
READS_ONE = {"office", "leader", "appraiser", "viewer", "member", "focal_a", "head_a"}
ANSWERS = {"focal_a", "head_a"}
DECIDES = {"office", "member"}


def error_of(response) -> dict:
    data = response.json()
    assert set(data) == {"error"} and set(data["error"]) == {"code", "message", "fields"}, data
    return data["error"]


def client_of(world, person: str) -> ApiClient:
    return ApiClient(token_for(world.users[person]))


def web_status(world, person: str, name: str, pk: int) -> int:
    web = Client()
    web.force_login(world.users[person])
    return web.get(reverse(f"oversight:{name}", args=[pk])).status_code


def answer(client, finding, text="Đã ban hành kế hoạch tuyên truyền.", files=(), key=None):
    data = {"text": text, "files": list(files)} if files else {"text": text}
    return client.post_multipart(f"/findings/{finding.pk}/answers", data, key=key)


@pytest.mark.parametrize("person", PEOPLE)
def test_reads_are_the_webs(world, person):
    inspection, one, two = started_with_findings(world)
    client, user = client_of(world, person), world.users[person]
    rows = client.get("/inspections").json()
    expected = [i.pk for i in inspection_selectors.inspection_list(user=user)]
    assert [r["id"] for r in rows] == expected
    web = web_status(world, person, "inspection-detail", inspection.pk)
    got = client.get(f"/inspections/{inspection.pk}")
    assert got.status_code == web, got.content
    if web == 200:
        body = got.json()
        seen = {f.pk for f in inspection_selectors.findings_of(user=user, inspection=inspection)}
        assert {f["id"] for f in body["findings"]} == seen
        assert bool(body["checklist"]) == body["whole"]
        assert [m["is_head"] for m in body["members"]] == [True]
    for finding in (one, two):
        web = web_status(world, person, "finding-detail", finding.pk)
        got = client.get(f"/findings/{finding.pk}")
        assert got.status_code == web, (finding.number, got.content)
        if web == 404:
            assert error_of(got)["code"] == "not_found"
    assert (client.get(f"/findings/{one.pk}").status_code == 200) == (person in READS_ONE)


def test_filters_of_the_list(world):
    inspection, _one, _two = started_with_findings(world)
    office = api_as(world, "office")

    def ids(**query) -> list[int]:
        response = office.get("/inspections", query)
        assert response.status_code == 200, response.content
        return [r["id"] for r in response.json()]

    assert ids() == [inspection.pk]
    assert ids(year=2026, status="in_progress", unit=world.units["TCCT"].pk) == [inspection.pk]
    assert ids(year=2025) == ids(status="closed") == ids(unit=world.units["CTC"].pk) == []
    assert ids(unit=world.units["CTH-P1"].pk) == []  # CTH is inspected, not its section
    assert ids(unit=2**31 - 1) == []
    row = office.get("/inspections").json()[0]
    assert (row["finding_count"], row["open_count"], row["heads"]) == (2, 2, ["Trần Hà"])
    for query, field in (
        ({"year": "1999"}, "year"),
        ({"year": "abc"}, "year"),
        ({"status": "done"}, "status"),
        ({"unit": str(2**70)}, "unit"),
        ({"unit": "0"}, "unit"),
    ):
        response = office.get("/inspections", query)
        assert response.status_code == 400 and field in error_of(response)["fields"], query


@pytest.mark.parametrize("person", PEOPLE)
def test_only_the_responsible_unit_answers(world, person):
    _inspection, one, _two = started_with_findings(world)
    response = answer(client_of(world, person), one, files=[pdf()])
    if person in ANSWERS:
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["status"] == "answered" and body["can_answer"] is False
        [made] = body["answers"]
        assert made["files"][0]["name"] == "bien-ban.pdf"
        event = AuditEvent.objects.filter(action="finding.answer").get()
        assert event.actor == world.users[person]
        assert event.changes["files"] == [None, ["bien-ban.pdf"]]
        # Answered already: the unit's step, not the finding's state any more (409).
        again = answer(client_of(world, person), one)
        assert again.status_code == 409 and error_of(again)["code"] == "conflict"
        assert error_of(again)["message"] == (
            "Kiến nghị đang ở trạng thái “Đã trả lời”, không trả lời được nữa."
        )
        assert FindingAnswer.objects.count() == 1
    else:
        assert response.status_code == (403 if person in READS_ONE else 404), response.content
        assert not FindingAnswer.objects.exists()
        assert not AuditEvent.objects.filter(action="finding.answer").exists()
    if response.status_code == 403:
        assert error_of(response)["message"] == "Chỉ đơn vị khắc phục trả lời kiến nghị đang mở."


@pytest.mark.parametrize("person", PEOPLE)
def test_only_the_office_or_the_team_head_accepts(world, person):
    inspection, one, _two = started_with_findings(world)
    assert answer(api_as(world, "focal_a"), one).status_code == 201
    response = client_of(world, person).post(f"/findings/{one.pk}/accept")
    if person in DECIDES:
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "closed"
        assert response.json()["answers"][0]["outcome"] == "accepted"
        event = AuditEvent.objects.filter(action="finding.accept").get()
        assert event.actor == world.users[person]
        again = client_of(world, person).post(f"/findings/{one.pk}/accept")
        assert again.status_code == 409 and error_of(again)["code"] == "conflict"
        assert "Chỉ đóng được kiến nghị đơn vị đã trả lời." in error_of(again)["message"]
    else:
        assert response.status_code == (403 if person in READS_ONE else 404), response.content
        assert Finding.objects.get(pk=one.pk).status == FindingStatus.ANSWERED
    assert Finding.objects.get(pk=one.pk).inspection.status == InspectionStatus.IN_PROGRESS


@pytest.mark.parametrize("person", PEOPLE)
def test_only_the_office_or_the_team_head_reopens_with_a_reason(world, person):
    _inspection, one, _two = started_with_findings(world)
    assert answer(api_as(world, "focal_a"), one).status_code == 201
    client = client_of(world, person)
    if person in DECIDES:
        for reason in ("", "   "):
            bare = client.post(f"/findings/{one.pk}/reopen", {"reason": reason})
            assert bare.status_code == 400, bare.content
            assert error_of(bare)["fields"]["reason"] == ["Hãy ghi lý do mở lại."]
        response = client.post(f"/findings/{one.pk}/reopen", {"reason": "Chưa có quyết định."})
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["status"] == "open" and body["reopen_reason"] == "Chưa có quyết định."
        assert body["answers"][0]["outcome"] == "reopened"
        assert AuditEvent.objects.get(action="finding.reopen").actor == world.users[person]
        again = client.post(f"/findings/{one.pk}/reopen", {"reason": "Lần nữa"})
        assert again.status_code == 409, again.content
    else:
        response = client.post(f"/findings/{one.pk}/reopen", {"reason": "Chưa đạt"})
        assert response.status_code == (403 if person in READS_ONE else 404), response.content
        assert Finding.objects.get(pk=one.pk).status == FindingStatus.ANSWERED


def test_the_last_finding_accepted_closes_a_concluded_inspection(world):
    from cchc.oversight import inspection_services as services

    inspection, one, two = started_with_findings(world)
    services.inspection_conclude(
        actor=world.users["member"], inspection=inspection, conclusion="Đạt", concluded_on=None
    )
    office = api_as(world, "office")
    for person, finding in (("focal_a", one), ("focal_a", two)):
        assert answer(api_as(world, person), finding).status_code == 201
        assert office.post(f"/findings/{finding.pk}/accept").status_code == 200
    assert office.get(f"/inspections/{inspection.pk}").json()["status"] == "closed"


def test_an_answer_with_evidence_is_checked_as_on_the_web(world, settings):
    _inspection, one, two = started_with_findings(world)
    focal = api_as(world, "focal_a")
    missing = focal.post_multipart(f"/findings/{one.pk}/answers", {})
    assert missing.status_code == 400
    assert error_of(missing)["fields"]["text"] == ["Hãy ghi kết quả khắc phục."]
    empty = answer(focal, one, files=[SimpleUploadedFile("rong.pdf", b"", "application/pdf")])
    assert empty.status_code == 400 and "files" in error_of(empty)["fields"]
    long = answer(focal, one, text="x" * 10_001)
    assert long.status_code == 400 and "text" in error_of(long)["fields"]
    nul = answer(focal, one, text="a\x00b")
    assert nul.status_code == 400 and "text" in error_of(nul)["fields"]
    settings.CCHC_MAX_UPLOAD_BYTES = 10
    big = answer(focal, one, files=[pdf()])
    assert big.status_code == 413 and error_of(big)["code"] == "too_large"
    assert "files" in error_of(big)["fields"]
    assert not FindingAnswer.objects.exists()
    settings.CCHC_MAX_UPLOAD_BYTES = 1000
    # Two files, and a retry with the same key that writes nothing new.
    files = [pdf("a.pdf"), pdf("b.pdf")]
    first = answer(focal, two, files=files, key="ans-1")
    assert first.status_code == 201, first.content
    for f in files:
        f.seek(0)
    again = answer(focal, two, files=files, key="ans-1")
    assert again.status_code == 201 and again.json() == first.json()
    assert FindingAnswer.objects.count() == 1
    assert AuditEvent.objects.filter(action="finding.answer").count() == 1
    other = answer(focal, two, text="Khác", key="ans-1")
    assert other.status_code == 422
    # The files are downloaded by who sees the finding.
    url = first.json()["answers"][0]["files"][1]["download_url"].removeprefix("/api/v1")
    for person, status in (("focal_a", 200), ("office", 200), ("focal_b", 404)):
        got = api_as(world, person).get(url)
        assert got.status_code == status, person
        if status == 200:
            assert b"".join(got.streaming_content) == b"%PDF-1.4 kiem chung"


HOSTILE_IDS = ["0", "-1", str(2**31), str(2**70), "abc", "1.5", "%00"]


def test_hostile_ids_and_bodies_never_answer_500(world):
    _inspection, one, _two = started_with_findings(world)
    office = api_as(world, "office")
    for value in HOSTILE_IDS:
        for path in ("/inspections/{}", "/findings/{}", "/finding-files/{}"):
            response = office.get(path.format(value))
            assert response.status_code in (400, 404), (path, value, response.status_code)
            error_of(response)
        for action in ("accept", "reopen"):
            response = office.post(f"/findings/{value}/{action}", {"reason": "x"})
            assert response.status_code in (400, 404), (action, value, response.status_code)
            error_of(response)
        response = api_as(world, "focal_a").post_multipart(
            f"/findings/{value}/answers", {"text": "x"}
        )
        assert response.status_code in (400, 404), (value, response.status_code)
    url = f"/api/v1/findings/{one.pk}/reopen"
    raw = office.client
    auth = office.headers
    for body in ("{", "[]", '"x"', '{"reason": 5}', '{"reason": ["a"]}', "\x00", "null"):
        response = raw.post(url, body, content_type="application/json", headers=auth)
        # Unreadable: 400; read as no reason on a finding not answered: 409.
        assert response.status_code in (400, 409), (body, response.content)
        error_of(response)
    huge = office.post(f"/findings/{one.pk}/reopen", {"reason": "x" * 5001})
    assert huge.status_code == 400 and "reason" in error_of(huge)["fields"]


def test_the_list_costs_the_same_queries_for_one_or_several(world, django_assert_max_num_queries):
    from tests.test_inspections import make_inspection, make_plan

    plan = make_plan(world)
    make_inspection(world, plan)
    office = api_as(world, "office")
    office.get("/inspections")  # the token's last use is written once, here
    with django_assert_max_num_queries(6):
        assert len(office.get("/inspections").json()) == 1
    for unit in ("CTC", "CTH", "CTC"):
        make_inspection(world, plan, unit=unit)
    with django_assert_max_num_queries(6):
        assert len(office.get("/inspections").json()) == 4
