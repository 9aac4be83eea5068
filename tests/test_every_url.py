"""Every URL of the project, found by walking the URL configuration (issue 9): a view added
without being placed here fails `test_every_url_is_placed`; each placed URL is then tried,
GET and POST, by someone not logged in and by a logged-in person with no role at all.
The API's URLs (`API`) answer 401 JSON without a token instead of sending to the login
page, and the same nothing to the token of a person with no role.

The anonymous are sent to log in (or refused); the person with no role is refused (403,
404 or 405), sees none of the world's data on the pages open to every user, and changes
nothing (the audit log does not grow). What each role may do is the matrices' subject
(test_access_matrix.py, test_reporting_access.py); this test makes sure no URL escapes.
"""

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cchc.api import services as api_services
from cchc.audit.models import AuditEvent
from cchc.notifications.models import Kind
from cchc.notifications.services import Message, notify
from cchc.orgs import services as org_services
from cchc.oversight import guidance_services, inspection_services
from cchc.plans import progress
from cchc.reporting import consolidated, services
from cchc.reporting.models import ReportExport, ReportTemplate, UnitReportVersion
from cchc.scoring import assessment_services
from cchc.scoring import services as scoring_services
from tests.api_helpers import ApiClient, token_for
from tests.snapshots import restore_or_build
from tests.test_reporting_world import make_period, submit, write
from tests.world import sign_in

Kwargs = Callable[[dict], dict]
NONE: Kwargs = lambda o: {}  # noqa: E731


def _pk(key: str) -> Kwargs:
    return lambda o: {"pk": o[key].pk}


def _unit(o: dict) -> dict:
    return {"pk": o["period"].pk, "unit_pk": o["unit"].pk}


# Open to anyone, logged in or not.
PUBLIC = {
    "login",
    "logout",
    "web:healthz",
    "admin-login",
    "api:api-root",
    "api:openapi-json",
    "api:openapi-view",
}
# Open to every logged-in person (their own account, lists that show only what they may see).
ANY_USER = {
    "web:home",
    "plans:dashboard",
    "plans:plan-list",
    "plans:task-list",
    "plans:task-mine",
    "plans:task-export",
    "plans:unit-search",
    "reporting:period-list",
    "reporting:template-default",
    "accounts:account",
    "accounts:password-change",
    "accounts:logout-everywhere",
    "accounts:second-factor-setup",
    "accounts:second-factor-verify",
    "accounts:recovery-codes-renew",
    "notifications:list",
    "notifications:read-all",
    "notifications:preferences",
    "oversight:guidance-list",
    "scoring:set-list",
    "scoring:assessment-mine",
    "tokens:list",
    "oversight:inspection-home",
}
# Every other URL, with the real objects its parameters name.
SCOPED: dict[str, Kwargs] = {
    "plans:plan-detail": _pk("plan"),
    "plans:plan-issue": _pk("draft"),
    "plans:plan-nudge": _pk("plan"),
    "plans:plan-nudge-units": _pk("plan"),
    "plans:task-bulk": NONE,
    "plans:task-detail": _pk("task"),
    "plans:task-update": _pk("task"),
    "plans:task-reviews": NONE,
    "plans:task-confirm": _pk("task"),
    "plans:task-return": _pk("task"),
    "plans:evidence-download": _pk("evidence"),
    "imports:upload": NONE,
    "imports:template": NONE,
    "imports:preview": lambda o: {"token": "0" * 32},
    "imports:alias": lambda o: {"token": "0" * 32},
    "imports:group": lambda o: {"token": "0" * 32},
    "imports:area": lambda o: {"token": "0" * 32},
    "imports:confirm": lambda o: {"token": "0" * 32},
    "imports:cancel": lambda o: {"token": "0" * 32},
    "imports:plan-export-docx": _pk("plan"),
    "imports:plan-export-xlsx": _pk("plan"),
    "reporting:period-detail": _pk("period"),
    "reporting:plan-completeness": _pk("plan"),
    "reporting:period-edit": _pk("period"),
    "reporting:period-nudge": _pk("period"),
    "reporting:unit-report": _unit,
    "reporting:unit-report-save": _unit,
    "reporting:unit-report-submit": _unit,
    "reporting:unit-report-attach": _unit,
    "reporting:report-return": _pk("report"),
    "reporting:report-accept": _pk("report"),
    "reporting:report-version": lambda o: {"pk": o["report"].pk, "number": 1},
    "reporting:attachment-download": _pk("attachment"),
    "reporting:consolidated": _pk("period"),
    "reporting:consolidated-open": _pk("period"),
    "reporting:consolidated-save": _pk("period"),
    "reporting:consolidated-regenerate": _pk("period"),
    "reporting:consolidated-send": _pk("period"),
    "reporting:consolidated-return": _pk("period"),
    "reporting:consolidated-approve": _pk("period"),
    "reporting:export-create": _pk("period"),
    "reporting:export-detail": _pk("export"),
    "reporting:export-download": _pk("export"),
    "reporting:template-list": _pk("period"),
    "reporting:template-deactivate": lambda o: {
        "pk": o["period"].pk,
        "template_pk": o["template"].pk,
    },
    "orgs:unit-documents": _pk("tcct"),
    "orgs:unit-names": NONE,
    "orgs:alias-create": NONE,
    "orgs:alias-edit": _pk("alias"),
    "orgs:alias-delete": _pk("alias"),
    "orgs:group-create": NONE,
    "orgs:group-edit": _pk("group"),
    "orgs:group-delete": _pk("group"),
    "accounts:member-list": NONE,
    "accounts:member-password": _pk("focal"),
    "accounts:member-unlock": _pk("focal"),
    "accounts:member-second-factor-reset": _pk("focal"),
    "notifications:open": _pk("notification"),
    "notifications:read": _pk("notification"),
    "oversight:reminders": NONE,
    "oversight:reminder-rules": _pk("tcct"),
    "oversight:guidance-create": NONE,
    "oversight:guidance-detail": _pk("guidance"),
    "oversight:guidance-edit": _pk("guidance"),
    "oversight:guidance-file-add": _pk("guidance"),
    "oversight:guidance-publish": _pk("guidance_draft"),
    "oversight:guidance-revise": _pk("guidance"),
    "oversight:guidance-nudge": _pk("guidance"),
    "oversight:guidance-ack-received": _pk("ack"),
    "oversight:guidance-ack-read": _pk("ack"),
    "oversight:guidance-file-download": _pk("guidance_file"),
    "oversight:inspection-plan-create": NONE,
    "oversight:inspection-plan-detail": _pk("inspection_plan"),
    "oversight:inspection-plan-edit": _pk("inspection_plan"),
    "oversight:inspection-create": _pk("inspection_plan"),
    "oversight:inspection-detail": _pk("inspection"),
    "oversight:inspection-edit": _pk("inspection"),
    "oversight:inspection-member-add": _pk("inspection"),
    "oversight:inspection-member-remove": _pk("inspection_member"),
    "oversight:inspection-start": _pk("inspection"),
    "oversight:inspection-conclude": _pk("inspection"),
    "oversight:inspection-close": _pk("inspection"),
    "oversight:inspection-records": _pk("inspection"),
    "oversight:checklist-save": _pk("inspection"),
    "oversight:checklist-add": _pk("inspection"),
    "oversight:finding-create": _pk("inspection"),
    "oversight:finding-detail": _pk("finding"),
    "oversight:finding-edit": _pk("finding"),
    "oversight:finding-answer": _pk("finding"),
    "oversight:finding-accept": _pk("finding"),
    "oversight:finding-reopen": _pk("finding"),
    "oversight:finding-file-download": _pk("finding_file"),
    "oversight:inspection-minutes": lambda o: {"pk": o["inspection"].pk, "fmt": "docx"},
    "oversight:inspection-conclusion": lambda o: {"pk": o["inspection"].pk, "fmt": "docx"},
    "tokens:revoke": _pk("token"),
    "scoring:set-create": NONE,
    "scoring:set-example": NONE,
    "scoring:set-import": NONE,
    "scoring:set-detail": _pk("criteria_set"),
    "scoring:set-export": _pk("criteria_set"),
    "scoring:set-copy": _pk("criteria_set"),
    "scoring:set-in-use": _pk("criteria_set"),
    "scoring:criterion-create": _pk("criteria_set"),
    "scoring:criterion-edit": _pk("criterion"),
    "scoring:criterion-delete": _pk("criterion"),
    "scoring:assessment-detail": _pk("assessment"),
    "scoring:assessment-progress": _pk("in_use"),
    "scoring:assessments-open": _pk("in_use"),
    "scoring:survey-points": _pk("in_use"),
    "scoring:appraisal-queue": NONE,
    "scoring:assessment-submit": _pk("assessment"),
    "scoring:appraisal-send": _pk("assessment"),
    "scoring:assessment-answer": _pk("assessment"),
    "scoring:assessment-finalise": _pk("assessment"),
    "scoring:assessment-reopen": _pk("assessment"),
    "scoring:score-save": _pk("score"),
    "scoring:score-appraise": _pk("score"),
    "scoring:score-survey": _pk("score"),
    "scoring:score-file-download": _pk("score_file"),
    "scoring:score-file-remove": _pk("score_file"),
    "scoring:set-edit": _pk("criteria_set"),
    "scoring:set-settings": _pk("in_use"),
    "scoring:set-close": _pk("in_use"),
    "scoring:set-results": _pk("in_use"),
    "scoring:results-export": lambda o: {"pk": o["in_use"].pk, "fmt": "xlsx"},
    "scoring:score-sheet": lambda o: {"pk": o["assessment"].pk, "fmt": "xlsx"},
}


def _score(o: dict) -> dict:
    return {"assessment_id": o["assessment"].pk, "score_id": o["score"].pk}


# The API (cchc.api), with the objects its parameters name.
API: dict[str, Kwargs] = {
    "api:unit_list": NONE,
    "api:area_list": NONE,
    "api:plan_list": NONE,
    "api:plan_detail": lambda o: {"plan_id": o["plan"].pk},
    "api:task_list": NONE,
    "api:task_detail": lambda o: {"task_id": o["task"].pk},
    "api:task_update_list": lambda o: {"task_id": o["task"].pk},
    "api:task_update_post": lambda o: {"task_id": o["task"].pk},
    "api:evidence_add": lambda o: {"task_id": o["task"].pk},
    "api:evidence_download": lambda o: {"evidence_id": o["evidence"].pk},
    "api:period_list": NONE,
    "api:period_detail": lambda o: {"period_id": o["period"].pk},
    "api:consolidated_figures": lambda o: {"period_id": o["period"].pk},
    "api:unit_report_detail": lambda o: {"period_id": o["period"].pk, "unit_id": o["unit"].pk},
    "api:unit_report_save": lambda o: {"period_id": o["period"].pk, "unit_id": o["unit"].pk},
    "api:unit_report_submit": lambda o: {"period_id": o["period"].pk, "unit_id": o["unit"].pk},
    "api:notification_list": NONE,
    "api:notification_read": lambda o: {"notification_id": o["notification"].pk},
    "api:review_queue": NONE,
    "api:task_reviews": lambda o: {"task_id": o["task"].pk},
    "api:task_confirm": lambda o: {"task_id": o["task"].pk},
    "api:task_return": lambda o: {"task_id": o["task"].pk},
    "api:inspection_list": NONE,
    "api:inspection_detail": lambda o: {"inspection_id": o["inspection"].pk},
    "api:finding_detail": lambda o: {"finding_id": o["finding"].pk},
    "api:finding_file_download": lambda o: {"file_id": o["finding_file"].pk},
    "api:finding_answer": lambda o: {"finding_id": o["finding"].pk},
    "api:finding_accept": lambda o: {"finding_id": o["finding"].pk},
    "api:finding_reopen": lambda o: {"finding_id": o["finding"].pk},
    "api:criteria_set_list": NONE,
    "api:criteria_set_detail": lambda o: {"set_id": o["criteria_set"].pk},
    "api:assessment_list": NONE,
    "api:assessment_detail": lambda o: {"assessment_id": o["assessment"].pk},
    "api:score_file_download": lambda o: {"file_id": o["score_file"].pk},
    "api:score_save": _score,
    "api:score_files_add": _score,
    "api:score_file_remove": lambda o: _score(o) | {"file_id": o["score_file"].pk},
    "api:score_appraise": _score,
    "api:score_survey": _score,
    "api:assessment_submit": lambda o: {"assessment_id": o["assessment"].pk},
    "api:appraisal_send": lambda o: {"assessment_id": o["assessment"].pk},
    "api:assessment_answer": lambda o: {"assessment_id": o["assessment"].pk},
    "api:assessment_finalise": lambda o: {"assessment_id": o["assessment"].pk},
    "api:assessment_reopen": lambda o: {"assessment_id": o["assessment"].pk},
}


def _walk(patterns, namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or namespace
            if inner != "admin":
                yield from _walk(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            name = entry.name or "admin-login"
            yield f"{namespace}:{name}" if namespace else name


def test_every_url_is_placed():
    found = set(_walk(get_resolver().url_patterns))
    placed = PUBLIC | ANY_USER | set(SCOPED) | set(API)
    assert found - placed == set(), "new URLs: place each in PUBLIC, ANY_USER or SCOPED"
    assert placed - found == set(), "placed URLs that no longer exist"


@pytest.fixture
def objects(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return restore_or_build("objects", lambda: make_objects(world))


def make_objects(world) -> dict:
    """One of everything a URL can name, made by the people allowed to make it."""
    office, focal = world.users["office"], world.users["focal_a"]
    update = progress.task_update_post(
        actor=world.users["focal_a"],
        task=world.tasks["a_soon"],
        note="Có văn bản",
        files=[
            progress.EvidenceFile(
                file=SimpleUploadedFile("van-ban.pdf", b"%PDF-1.4 x", "application/pdf"),
                effective_on=world.today,
            )
        ],
    )
    # Reported done: the task's page carries the office's confirm and return forms.
    progress.task_update_post(
        actor=world.users["focal_a"], task=world.tasks["a_soon"], status="done",
        deliverable="Báo cáo rà soát",
    )  # fmt: skip
    period = make_period(world)
    report = write(world, period, "CTH", "focal_a", results="Kết quả bí mật")
    attachment = services.unit_report_attach(
        actor=world.users["focal_a"],
        report=report,
        file=SimpleUploadedFile("phu-luc.pdf", b"%PDF-1.4 y", "application/pdf"),
    )
    submit(world, report, "head_a")
    consolidated.consolidated_open(actor=office, period=period)
    export = consolidated.export_request(actor=office, period=period, fmt="docx")
    template = ReportTemplate.objects.create(
        unit=world.plan.issuing_unit, name="Mẫu", sha256="0" * 64, uploaded_by=office
    )
    assert UnitReportVersion.objects.filter(report=report).exists()
    tcct = world.units["TCCT"]
    alias = org_services.unit_alias_create(
        actor=office, unit=world.units["CTH"], alias="Cục TH cũ", owner=tcct
    )
    group = org_services.unit_group_define(
        actor=office, owner=tcct, words="các cục", mode="list", units=[world.units["CTH"]]
    )
    [notification] = notify(
        actor=office,
        recipients=[world.users["focal_a"]],
        message=Message(kind=Kind.NUDGE, title="Đôn đốc", url="/tasks/mine/"),
    )
    guidance, guidance_draft = make_guidance(world, period)
    inspection = make_inspection_objects(world)
    criteria_set = scoring_services.criteria_set_create_example(actor=office, unit=tcct, year=2026)
    next_year = scoring_services.criteria_set_copy(actor=office, criteria_set=criteria_set)
    in_use = scoring_services.criteria_set_mark_in_use(actor=office, criteria_set=next_year)
    (assessment,) = assessment_services.assessments_open(
        actor=office, criteria_set=in_use, units=[world.units["CTH"]]
    )
    score = assessment.scores.filter(criterion__method="manual").first()
    assessment_services.score_save(
        actor=focal,
        score=score,
        self_points=None,
        explanation="",
        no_evidence_reason="",
        files=[SimpleUploadedFile("kiem-chung.pdf", b"%PDF-1.4 s", "application/pdf")],
    )
    return inspection | {
        "assessment": assessment,
        "in_use": in_use,
        "score": score,
        "score_file": score.files.get(),
        "criteria_set": criteria_set,
        "criterion": criteria_set.criteria.get(code="1.5"),
        "guidance": guidance,
        "guidance_draft": guidance_draft,
        "guidance_file": guidance.files.get(),
        "ack": guidance.acks.get(unit=world.units["CTH"]),
        "notification": notification,
        "plan": world.plan,
        "draft": world.draft,
        "task": world.tasks["a_soon"],
        "evidence": update.evidence.first(),
        "period": period,
        "unit": world.units["CTH"],
        "report": report,
        "attachment": attachment,
        "export": ReportExport.objects.get(pk=export.pk),
        "template": template,
        "tcct": world.units["TCCT"],
        "focal": world.users["focal_a"],
        "alias": alias,
        "group": group,
        "token": api_services.token_create(actor=focal, name="Hệ thống", days=30)[0],
    }


def make_guidance(world, period) -> tuple:
    """A guidance sent to agency A, linked to a task and a period, and a draft."""
    office, tcct = world.users["office"], world.units["TCCT"]
    values = {
        "kind": "guide",
        "number": "12/HD-VP",
        "title": "Hướng dẫn bí mật",
        "issued_on": world.today,
        "effective_on": world.today,
        "summary": "",
        "include_below": False,
    }
    made = []
    for number in ("12/HD-VP", "13/HD-VP"):
        guidance = guidance_services.guidance_create(
            actor=office,
            issuing_unit=tcct,
            values=values | {"number": number},
            units=[world.units["CTH"]],
            tasks=[world.tasks["a_soon"]],
            periods=[period],
        )
        guidance_services.guidance_file_add(
            actor=office,
            guidance=guidance,
            file=SimpleUploadedFile("huong-dan.pdf", b"%PDF-1.4 g", "application/pdf"),
        )
        made.append(guidance)
    guidance_services.guidance_publish(actor=office, guidance=made[0])
    return made[0], made[1]


def make_inspection_objects(world) -> dict:
    """An inspection of agency A in progress, with a finding it answered with a file."""
    from tests.test_inspections import FINDING, make_inspection

    inspection = make_inspection(world)
    member = inspection.members.get()
    inspection_services.inspection_start(actor=world.users["member"], inspection=inspection)
    finding = inspection_services.finding_create(
        actor=world.users["member"],
        inspection=inspection,
        values=FINDING
        | {"responsible_unit": world.units["CTH"], "description": "Phát hiện bí mật"},
    )
    answer = inspection_services.finding_answer(
        actor=world.users["focal_a"],
        finding=finding,
        text="Đã khắc phục",
        files=[SimpleUploadedFile("khac-phuc.pdf", b"%PDF-1.4 k", "application/pdf")],
    )
    return {
        "inspection_plan": inspection.plan,
        "inspection": inspection,
        "inspection_member": member,
        "finding": finding,
        "finding_file": answer.files.get(),
    }


def url_of(name: str, objects: dict) -> str:
    return reverse(name, kwargs=SCOPED[name](objects))


# What the person with no role must not see on a page open to every user.
SECRETS = [
    "Tuyên truyền về cải cách hành chính",
    "Kết quả bí mật",
    "Tổng cục Chính trị",
    "Hướng dẫn bí mật",
    "Phát hiện bí mật",
]


@pytest.mark.parametrize("name", sorted(SCOPED))
def test_no_role_no_entry(objects, name):
    url = url_of(name, objects)
    anonymous = Client()
    for method in (anonymous.get, anonymous.post):
        response = method(url)
        assert response.status_code in (302, 403, 404, 405), (name, response.status_code)
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("login")), name
    nobody = Client()
    assert sign_in(nobody, "nobody")
    events = AuditEvent.objects.count()
    for method in (nobody.get, nobody.post):
        response = method(url)
        assert response.status_code in (403, 404, 405), (name, method, response.status_code)
    assert AuditEvent.objects.count() == events  # nothing written


@pytest.mark.parametrize("name", sorted(ANY_USER))
def test_pages_open_to_everyone_show_no_role_nothing(objects, name):
    nobody = Client()
    assert sign_in(nobody, "nobody")
    before = AuditEvent.objects.exclude(action__startswith="auth.").count()
    response = nobody.get(reverse(name), follow=True)
    assert response.status_code in (200, 405), (name, response.status_code)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode(errors="replace")
    for secret in SECRETS:
        assert secret not in text, (name, secret)
    assert AuditEvent.objects.exclude(action__startswith="auth.").count() == before


@pytest.mark.parametrize("name", sorted(API))
def test_api_no_token_no_entry(objects, name):
    """No token: 401 JSON, never a login page; a token of a person with no role: nothing
    seen (an empty list or 404), nothing written."""
    url = reverse(name, kwargs=API[name](objects)).removeprefix("/api/v1")
    anonymous = ApiClient(None)
    for method in (anonymous.get, anonymous.post):
        response = method(url)
        assert response.status_code in (401, 405), (name, response.status_code)
        if response.status_code == 401:
            assert response.json()["error"]["code"] == "unauthorized"
    nobody = ApiClient(token_for(objects["focal"].__class__.objects.get(username="nobody")))
    events = AuditEvent.objects.count()
    for method in (nobody.get, nobody.post):
        response = method(url)
        assert response.status_code in (200, 400, 403, 404, 405), (name, response.status_code)
        for secret in SECRETS:
            assert secret not in response.content.decode(), (name, secret)
    assert AuditEvent.objects.count() == events
