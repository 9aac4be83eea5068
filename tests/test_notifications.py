"""Notifications (issue 11): in the application and by mail through a real SMTP server on
loopback; a plan issued tells each responsible unit what it owns; the board's nudges reach
the units; each person chooses how each kind arrives; a failed send is tried again."""

import datetime
import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cchc.notifications import services as notices
from cchc.notifications.models import Digest, EmailStatus, Kind, Notification, Preference
from cchc.notifications.tasks import (
    requeue_lost_mail,
    schedule_requeue,
    send_digest,
    send_email,
    send_emails,
)
from cchc.orgs import services as org_services
from cchc.orgs.selectors import unit_contacts
from cchc.oversight.tasks import send_daily_reminders
from cchc.plans import services
from cchc.plans.models import Area
from cchc.reporting import services as reporting
from tests.test_reporting_world import make_period
from tests.world import make_user


class Mailbox:
    """An SMTP server's handler that keeps what arrives, and the connections (sessions) it
    came by; `refuse` answers the next N sends with a temporary failure, as a busy server
    does, and `refuse_to` every send to those addresses."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.sessions: list = []
        self.refuse = 0
        self.refuse_to: set[str] = set()

    async def handle_DATA(self, server, session, envelope: Envelope) -> str:
        if self.refuse or self.refuse_to.intersection(envelope.rcpt_tos):
            self.refuse = max(self.refuse - 1, 0)
            return "451 4.3.0 Try again later"
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        if not any(known is session for known in self.sessions):
            self.sessions.append(session)
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in m["X-Envelope-To"]]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def mailbox(settings):
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.CCHC_SITE_URL = "https://cchc.example.vn"
    yield box
    controller.stop()


@pytest.fixture
def addresses(world):
    for name in ["focal_a", "head_a", "focal_b", "head_b", "office"]:
        user = world.users[name]
        user.email = f"{name}@example.vn"
        user.save()
    return world


@pytest.fixture(autouse=True)
def fresh_inbox(world):
    """The world's plans were issued while it was built: start from an empty inbox."""
    Notification.objects.all().delete()
    return world


def mail_jobs():
    return DBTaskResult.objects.filter(
        status="READY", task_path__in=[send_emails.module_path, send_email.module_path]
    )


def run_worker() -> None:
    """What the worker does with each queued mail job (`db_worker` itself closes the test's
    database connection on PostgreSQL, so its task is called here)."""
    for job in mail_jobs():
        job.task.call(*job.args_kwargs["args"], **job.args_kwargs["kwargs"])


def issue_draft(world, django_capture_on_commit_callbacks):
    services.task_create(
        actor=None,
        plan=world.draft,
        area=Area.objects.get(code=2),
        title="Rà soát quy chế làm việc",
        lead_unit=world.units["CTC"],
        supporting_units=[world.units["CTH"]],
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_issue(actor=world.users["office"], plan=world.draft, document_number="3/KH")


def test_contacts_are_the_units_focal_officers_and_heads_or_those_above(world):
    u = world.units
    contacts = unit_contacts(units=[u["CTH"], u["CTH-P1"], u["CTC"], u["VP"]])
    names = {pk: sorted(x.username for x in users) for pk, users in contacts.items()}
    assert names[u["CTH"].pk] == ["focal_a", "head_a"]
    assert names[u["CTH-P1"].pk] == ["focal_a", "head_a"]  # no one of its own: Cục TH's
    assert names[u["CTC"].pk] == ["focal_b", "head_b"]
    assert names[u["VP"].pk] == []  # no focal officer or head on the way up
    world.users["head_a"].is_active = False
    world.users["head_a"].save()
    assert [x.username for x in unit_contacts(units=[u["CTH"]])[u["CTH"].pk]] == ["focal_a"]


def test_issuing_a_plan_tells_each_unit_what_it_leads_and_supports(
    addresses, mailbox, django_capture_on_commit_callbacks
):
    world = addresses
    issue_draft(world, django_capture_on_commit_callbacks)
    by_user = {n.recipient.username: n for n in Notification.objects.filter(kind=Kind.PLAN_ISSUED)}
    assert sorted(by_user) == ["focal_a", "focal_b", "head_a", "head_b"]
    cth = by_user["focal_a"]
    assert "Cục Tuyên huấn chủ trì 1 nhiệm vụ, phối hợp 1 nhiệm vụ" in cth.body
    assert "Cục Cán bộ chủ trì 1 nhiệm vụ, phối hợp 0 nhiệm vụ" in by_user["head_b"].body
    assert cth.url == f"{reverse('plans:task-mine')}?plan={world.draft.pk}"
    assert cth.email_status == EmailStatus.PENDING
    assert mailbox.messages == []  # the worker sends, not the request
    run_worker()
    [mail] = mailbox.to("focal_a@example.vn")
    assert mail["Subject"].strip() == "[CCHC] Kế hoạch 3/KH giao nhiệm vụ cho Cục Tuyên huấn"
    text = mail.get_content()
    assert "Kính gửi đồng chí focal_a" in text
    assert f"https://cchc.example.vn/tasks/mine/?plan={world.draft.pk}" in text
    assert "https://cchc.example.vn/notifications/settings/" in text
    assert len(mailbox.messages) == 4
    cth.refresh_from_db()
    assert cth.email_status == EmailStatus.SENT and cth.emailed_at is not None


def test_no_address_or_the_application_only_means_no_mail(
    addresses, mailbox, django_capture_on_commit_callbacks
):
    world = addresses
    world.users["head_a"].email = ""
    world.users["head_a"].save()
    notices.preference_set(actor=world.users["focal_b"], kind=Kind.PLAN_ISSUED, channel="app")
    issue_draft(world, django_capture_on_commit_callbacks)
    run_worker()
    assert sorted(m["X-Envelope-To"] for m in mailbox.messages) == [
        "focal_a@example.vn",
        "head_b@example.vn",
    ]
    # Everyone still has the notice in the application.
    assert Notification.objects.filter(kind=Kind.PLAN_ISSUED).count() == 4
    statuses = dict(
        Notification.objects.values_list("recipient__username", "email_status").filter(
            kind=Kind.PLAN_ISSUED
        )
    )
    assert statuses["head_a"] == statuses["focal_b"] == EmailStatus.NONE


def test_without_a_mail_server_notifications_stay_in_the_application(
    addresses, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_HOST = ""
    issue_draft(addresses, django_capture_on_commit_callbacks)
    assert not Notification.objects.exclude(email_status=EmailStatus.NONE).exists()
    assert not DBTaskResult.objects.exists()


def test_a_failed_send_is_tried_again_and_never_loses_the_notice(
    addresses, mailbox, settings, django_capture_on_commit_callbacks
):
    settings.CCHC_EMAIL_MAX_ATTEMPTS = 3
    message = notices.Message(kind=Kind.NUDGE, title="Đôn đốc", body="Gửi báo cáo", url="/")
    with django_capture_on_commit_callbacks(execute=True):
        [n] = notices.notify(actor=None, recipients=[addresses.users["focal_a"]], message=message)
    mailbox.refuse = 1
    queued = DBTaskResult.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        n = notices.email_send(notification_id=n.pk)
    assert n.email_status == EmailStatus.PENDING and n.email_attempts == 1
    assert "451" in n.email_error
    retry = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert DBTaskResult.objects.count() == queued + 1 and retry.run_after is not None
    n = notices.email_send(notification_id=n.pk)  # the worker's next try
    assert n.email_status == EmailStatus.SENT and len(mailbox.to("focal_a@example.vn")) == 1
    # Sent once: a stray second run sends nothing more.
    assert notices.email_send(notification_id=n.pk) is None
    assert len(mailbox.messages) == 1

    # A server that keeps refusing: failed after the last attempt, the notice still there.
    with django_capture_on_commit_callbacks(execute=True):
        [n] = notices.notify(actor=None, recipients=[addresses.users["head_a"]], message=message)
    mailbox.refuse = 10
    for _ in range(3):
        n = notices.email_send(notification_id=n.pk)
    assert n.email_status == EmailStatus.FAILED and n.email_attempts == 3
    assert notices.email_send(notification_id=n.pk) is None  # no fourth try
    assert n.read_at is None and Notification.objects.filter(pk=n.pk).exists()


def people(count: int) -> list:
    return [make_user(f"nguoi_{i}", email=f"nguoi_{i}@example.vn") for i in range(count)]


def test_a_notice_to_many_is_one_job_sent_over_one_connection(
    world, mailbox, monkeypatch, django_capture_on_commit_callbacks
):
    everyone = people(25)
    message = notices.Message(kind=Kind.NUDGE, title="Đôn đốc cả ngành", url="/")
    before = set(mail_jobs().values_list("id", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        made = notices.notify_many(actor=None, sends=[(everyone, message)])
    [job] = mail_jobs().exclude(id__in=before)
    assert job.task_path == send_emails.module_path
    assert sorted(job.args_kwargs["args"][0]) == sorted(n.pk for n in made)
    run_worker()
    assert sorted(m["X-Envelope-To"] for m in mailbox.messages) == sorted(u.email for u in everyone)
    assert len(mailbox.sessions) == 1
    statuses = Notification.objects.filter(pk__in=[n.pk for n in made])
    assert set(statuses.values_list("email_status", "email_attempts")) == {(EmailStatus.SENT, 1)}
    # A batch has a cap: 25 at 10 a job are three jobs.
    monkeypatch.setattr(notices, "EMAIL_BATCH", 10)
    before = set(mail_jobs().values_list("id", flat=True))
    second = notices.Message(kind=Kind.NUDGE, title="Lần hai")
    with django_capture_on_commit_callbacks(execute=True):
        notices.notify(actor=None, recipients=everyone, message=second)
    sizes = [len(job.args_kwargs["args"][0]) for job in mail_jobs().exclude(id__in=before)]
    assert sorted(sizes) == [5, 10, 10]


def test_a_refused_mail_in_a_batch_is_tried_again_alone(
    world, mailbox, django_capture_on_commit_callbacks
):
    everyone = people(5)
    refused = everyone[0]  # the batch's first: the others still go after it
    mailbox.refuse_to = {refused.email}
    message = notices.Message(kind=Kind.NUDGE, title="Đôn đốc", url="/")
    with django_capture_on_commit_callbacks(execute=True):
        notices.notify(actor=None, recipients=everyone, message=message)
    [job] = mail_jobs()
    with django_capture_on_commit_callbacks(execute=True):
        job.task.call(*job.args_kwargs["args"])
    job.delete()  # done, as the worker would mark it
    assert sorted(m["X-Envelope-To"] for m in mailbox.messages) == [u.email for u in everyone[1:]]
    waiting = Notification.objects.get(recipient=refused)
    assert waiting.email_status == EmailStatus.PENDING and waiting.email_attempts == 1
    assert "451" in waiting.email_error
    # One new job, for the refused one alone, a minute later.
    [retry] = mail_jobs()
    assert retry.args_kwargs["args"] == [[waiting.pk]] and retry.run_after is not None
    others = Notification.objects.exclude(recipient=refused)
    assert set(others.values_list("email_status", "email_attempts")) == {(EmailStatus.SENT, 1)}
    mailbox.refuse_to = set()
    run_worker()
    assert len(mailbox.to(refused.email)) == 1 and len(mailbox.messages) == 5
    waiting.refresh_from_db()
    assert waiting.email_status == EmailStatus.SENT and waiting.email_attempts == 2


def test_a_one_notification_job_queued_before_batches_still_sends(world, mailbox):
    [person] = people(1)
    message = notices.Message(kind=Kind.NUDGE, title="Đôn đốc", url="/")
    [n] = notices.notify(actor=None, recipients=[person], message=message)  # not queued here
    send_email.enqueue(n.pk)
    run_worker()
    assert len(mailbox.to(person.email)) == 1
    n.refresh_from_db()
    assert n.email_status == EmailStatus.SENT


def test_the_same_key_is_notified_once(world):
    message = notices.Message(kind=Kind.NUDGE, title="Nhắc", key="rule:task:1:2026-06-15")
    users = [world.users["focal_a"], world.users["head_a"]]
    assert len(notices.notify(actor=None, recipients=users, message=message)) == 2
    assert notices.notify(actor=None, recipients=users, message=message) == []
    assert Notification.objects.count() == 2


def test_many_messages_at_once_keep_each_ones_key_and_choice(world):
    focal, head = world.users["focal_a"], world.users["head_a"]
    Preference.objects.create(user=focal, kind=Kind.NUDGE, channel="app")
    first = notices.Message(kind=Kind.NUDGE, title="Một", key="many:1")
    second = notices.Message(kind=Kind.PLAN_ISSUED, title="Hai", key="many:2")
    notices.notify(actor=None, recipients=[head], message=first)  # head has "many:1" already
    made = notices.notify_many(
        actor=None, sends=[([focal, head], first), ([focal], second), ([focal], second)]
    )
    # Named twice in the batch, or known before: once.
    assert sorted((n.recipient.username, n.key) for n in made) == [
        ("focal_a", "many:1"),
        ("focal_a", "many:2"),
    ]
    assert Notification.objects.count() == 3
    # Each person's choice for each kind: the application alone for focal_a's nudges.
    statuses = {n.key: n.email_status for n in made}
    assert statuses["many:1"] == EmailStatus.NONE


def test_issuing_to_many_units_costs_the_queries_of_one(world, django_capture_on_commit_callbacks):
    def issue(draft, units) -> int:
        for unit in units:
            services.task_create(
                actor=None, plan=draft, area=Area.objects.get(code=1), title="Nhiệm vụ",
                lead_unit=unit,
            )  # fmt: skip
        with CaptureQueriesContext(connection) as queries:
            services.plan_issue(actor=world.users["office"], plan=draft, document_number="9/KH")
        return len(queries.captured_queries)

    def draft(title):
        return services.plan_create(
            actor=world.users["office"], year=2027, title=title, issuing_unit=world.units["TCCT"]
        )

    one = issue(draft("Một đơn vị"), [world.units["CTH"]])
    units = []
    for i in range(12):
        unit = org_services.unit_create(
            actor=None, code=f"D{i}", name=f"Đơn vị {i}", parent=world.units["TCCT"]
        )
        person = make_user(f"focal_{i}")
        org_services.membership_grant(actor=None, user=person, unit=unit, role="focal")
        units.append(unit)
    many = issue(draft("Mười hai đơn vị"), units)
    assert many == one
    assert (
        Notification.objects.filter(kind=Kind.PLAN_ISSUED, recipient__username="focal_7").count()
        == 1
    )


def test_the_boards_nudge_reaches_the_units_focal_officers_and_head(world):
    period = make_period(world)
    reporting.report_nudge(
        actor=world.users["office"],
        period=period,
        units=[world.units["CTH"]],
        message="Đề nghị gửi báo cáo trước thứ Sáu.",
    )
    nudges = Notification.objects.filter(kind=Kind.NUDGE)
    assert sorted(n.recipient.username for n in nudges) == ["focal_a", "head_a"]
    n = nudges.first()
    assert n.body == "Đề nghị gửi báo cáo trước thứ Sáu."
    assert n.sent_by == world.users["office"]
    assert n.url == reverse("reporting:unit-report", args=[period.pk, world.units["CTH"].pk])


# --- pages ------------------------------------------------------------------------------


@pytest.fixture
def two_notices(world):
    message = notices.Message(
        kind=Kind.NUDGE, title="Đôn đốc báo cáo quý", url=reverse("plans:task-mine")
    )
    notices.notify(
        actor=world.users["office"], recipients=[world.users["focal_a"]], message=message
    )
    other = notices.Message(kind=Kind.PLAN_ISSUED, title="Kế hoạch 3/KH giao nhiệm vụ")
    notices.notify(actor=None, recipients=[world.users["focal_a"]], message=other)
    return Notification.objects.filter(recipient=world.users["focal_a"])


def test_the_bell_counts_the_unread_on_every_page(world, client, two_notices):
    client.force_login(world.users["focal_a"])
    for url in [reverse("plans:dashboard"), reverse("reporting:period-list")]:
        text = client.get(url).content.decode()
        assert 'id="unread-count">2<' in text, url
    client.force_login(world.users["focal_b"])
    assert 'id="unread-count"' not in client.get(reverse("plans:dashboard")).content.decode()


def test_opening_a_notice_marks_it_read_and_leads_to_its_subject(world, client, two_notices):
    client.force_login(world.users["focal_a"])
    nudge = two_notices.get(kind=Kind.NUDGE)
    response = client.get(reverse("notifications:open", args=[nudge.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("plans:task-mine")
    nudge.refresh_from_db()
    assert nudge.read_at is not None
    unread = client.get(reverse("notifications:list"), {"unread": "on"})
    assert [n.title for n in unread.context["page"]] == ["Kế hoạch 3/KH giao nhiệm vụ"]
    # Without a link, to the list.
    plan_notice = two_notices.get(kind=Kind.PLAN_ISSUED)
    response = client.get(reverse("notifications:open", args=[plan_notice.pk]))
    assert response["Location"] == reverse("notifications:list")
    # Someone else's is not there.
    client.force_login(world.users["focal_b"])
    assert client.get(reverse("notifications:open", args=[nudge.pk])).status_code == 404


def test_the_list_filters_and_all_are_marked_read(world, client, two_notices):
    client.force_login(world.users["focal_a"])
    page = client.get(reverse("notifications:list"), {"kind": Kind.NUDGE})
    assert [n.kind for n in page.context["page"]] == [Kind.NUDGE]
    response = client.post(reverse("notifications:read-all"), {"kind": Kind.NUDGE})
    assert response.status_code == 302
    assert [n.kind for n in two_notices.filter(read_at__isnull=True)] == [Kind.PLAN_ISSUED]
    client.post(reverse("notifications:read-all"))
    assert not two_notices.filter(read_at__isnull=True).exists()


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "bogus"},
        {"kind": "x" * 10_000},
        {"unread": "maybe"},
        {"page": "99999999999999999999"},
        {"page": "-1"},
    ],
)
def test_hostile_list_parameters_show_the_list(world, client, two_notices, params):
    client.force_login(world.users["focal_a"])
    assert client.get(reverse("notifications:list"), params).status_code == 200


def test_each_kind_is_chosen_and_a_bad_choice_is_named(world, client):
    client.force_login(world.users["focal_a"])
    url = reverse("notifications:preferences")
    page = client.get(url).content.decode()
    assert "Kế hoạch được ban hành" in page and "Chỉ trong ứng dụng" in page
    assert page.count('value="digest"') == len(Kind.values)  # the daily digest, for each kind
    chosen = {kind: "email" for kind in Kind.values} | {"plan_issued": "app"}
    response = client.post(url, chosen)
    assert response.status_code == 302
    assert dict(Preference.objects.values_list("kind", "channel")) == chosen
    response = client.post(url, chosen | {"plan_issued": "pigeon", "nudge": ""})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"plan_issued", "nudge"}
    assert Preference.objects.get(kind="plan_issued").channel == "app"  # nothing changed


def test_mail_whose_worker_stopped_mid_batch_is_queued_again_and_sent_once(
    world, mailbox, django_capture_on_commit_callbacks
):
    """A worker stopped in the middle of a batch leaves its job running for ever: the rest
    of the batch waits with no job. The look every quarter of an hour queues them again,
    once their job is long overdue, and each is sent once, however often it looks."""
    everyone = people(4)
    message = notices.Message(kind=Kind.NUDGE, title="Đôn đốc", url="/")
    with django_capture_on_commit_callbacks(execute=True):
        made = notices.notify(actor=None, recipients=everyone, message=message)
    [job] = mail_jobs()
    job.delete()  # the worker took it and was stopped after the first mail
    first = made[0]
    notices.email_send(notification_id=first.pk)
    assert len(mailbox.messages) == 1
    waiting = Notification.objects.filter(email_status=EmailStatus.PENDING)
    assert waiting.count() == 3 and not mail_jobs().exists()
    now = timezone.now()
    # Not yet: a job may only be late behind a long queue.
    assert notices.emails_requeue(now=now + notices.MAIL_LOST_AFTER / 2) == 0
    later = now + notices.MAIL_LOST_AFTER + datetime.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert notices.emails_requeue(now=later) == 3
    [again] = mail_jobs()
    assert sorted(again.args_kwargs["args"][0]) == sorted(n.pk for n in made[1:])
    # A second look finds them queued already; a stray run of the lost job sends none twice.
    assert notices.emails_requeue(now=later) == 0
    run_worker()
    notices.emails_send(notification_ids=[n.pk for n in made])
    assert sorted(m["X-Envelope-To"] for m in mailbox.messages) == sorted(u.email for u in everyone)
    assert not waiting.exists()


def test_the_worker_looks_for_lost_mail_every_quarter_hour(world):
    assert schedule_requeue() is True
    assert schedule_requeue() is False  # one waiting is enough
    [look] = DBTaskResult.objects.filter(task_path=requeue_lost_mail.module_path)
    look.delete()
    assert requeue_lost_mail.call() == 0
    [next_look] = DBTaskResult.objects.filter(task_path=requeue_lost_mail.module_path)
    assert next_look.run_after > timezone.now() + datetime.timedelta(minutes=14)


def test_a_digest_whose_job_was_lost_is_queued_again(
    world, mailbox, django_capture_on_commit_callbacks
):
    [person] = people(1)
    notices.preference_set(actor=person, kind=Kind.NUDGE, channel="digest")
    message = notices.Message(kind=Kind.NUDGE, title="Đôn đốc", url="/")
    notices.notify(actor=None, recipients=[person], message=message)
    with django_capture_on_commit_callbacks(execute=True):
        [digest_id] = notices.digests_queue()
    DBTaskResult.objects.filter(task_path=send_digest.module_path).delete()  # lost
    later = timezone.now() + notices.MAIL_LOST_AFTER + datetime.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert notices.emails_requeue(now=later) == 1
    run_digests()
    assert len(mailbox.to(person.email)) == 1
    assert Digest.objects.get(pk=digest_id).status == EmailStatus.SENT


# --- the daily digest -------------------------------------------------------------------


def run_digests() -> None:
    """What the worker does with each queued digest (called here, as `run_worker` does)."""
    queued = DBTaskResult.objects.filter(status="READY", task_path=send_digest.module_path)
    for args in queued.values_list("args_kwargs", flat=True):
        send_digest.call(*args["args"])


def three_nudges(world, django_capture_on_commit_callbacks) -> None:
    people = [world.users[name] for name in ["focal_a", "focal_b", "head_a", "head_b"]]
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(1, 4):
            message = notices.Message(
                kind=Kind.NUDGE, title=f"Đôn đốc lần {n}", body="Gửi báo cáo", url=f"/tasks/{n}/"
            )
            notices.notify(actor=world.users["office"], recipients=people, message=message)


def test_a_daily_digest_lists_the_days_notifications_in_one_mail_once(
    addresses, mailbox, django_capture_on_commit_callbacks
):
    world = addresses
    notices.preference_set(actor=world.users["focal_a"], kind=Kind.NUDGE, channel="digest")
    notices.preference_set(actor=world.users["focal_b"], kind=Kind.NUDGE, channel="app")
    notices.preference_set(actor=world.users["head_b"], kind=Kind.NUDGE, channel="digest")
    world.users["head_b"].email = ""  # chose the digest, but has no address
    world.users["head_b"].save()
    three_nudges(world, django_capture_on_commit_callbacks)
    statuses = dict(
        Notification.objects.filter(title="Đôn đốc lần 1").values_list(
            "recipient__username", "email_status"
        )
    )
    assert statuses == {
        "focal_a": EmailStatus.DIGEST,
        "focal_b": EmailStatus.NONE,
        "head_a": EmailStatus.PENDING,
        "head_b": EmailStatus.NONE,
    }
    run_worker()  # the single mails: head_a's three, nothing for the others yet
    assert len(mailbox.to("head_a@example.vn")) == 3 and len(mailbox.messages) == 3

    with django_capture_on_commit_callbacks(execute=True):
        send_daily_reminders.call()  # the morning run queues the digests after the reminders
    run_digests()
    [mail] = mailbox.to("focal_a@example.vn")
    assert "(3 thông báo)" in mail["Subject"]
    text = mail.get_content()
    assert "Kính gửi đồng chí focal_a" in text and "có 3 thông báo mới" in text
    for n in range(1, 4):
        assert f"{n}. Đôn đốc lần {n}" in text
        assert f"https://cchc.example.vn/tasks/{n}/" in text
    assert mailbox.to("focal_b@example.vn") == [] and mailbox.to("head_b@example.vn") == []
    # The nudges only: the morning run may also have sent the day's reminders, one by one.
    mine = Notification.objects.filter(recipient=world.users["focal_a"], kind=Kind.NUDGE)
    assert set(mine.values_list("email_status", flat=True)) == {EmailStatus.SENT}

    # A second run, and a stray second try of the same digest, send nothing again.
    with django_capture_on_commit_callbacks(execute=True):
        assert notices.digests_queue() == []
    digest = Digest.objects.get(recipient=world.users["focal_a"])
    assert notices.digest_send(digest_id=digest.pk) is None
    assert len(mailbox.to("focal_a@example.vn")) == 1
    # The next day's digest holds only what came since.
    with django_capture_on_commit_callbacks(execute=True):
        notices.notify(
            actor=None,
            recipients=[world.users["focal_a"]],
            message=notices.Message(kind=Kind.NUDGE, title="Đôn đốc lần 4"),
        )
        [second] = notices.digests_queue()
    run_digests()
    latest = mailbox.to("focal_a@example.vn")[-1]
    assert "(1 thông báo)" in latest["Subject"] and "Đôn đốc lần 4" in latest.get_content()
    assert "Đôn đốc lần 1" not in latest.get_content()
    assert Digest.objects.get(pk=second).status == EmailStatus.SENT


def test_a_failed_digest_is_tried_again_with_the_same_notifications(
    addresses, mailbox, settings, django_capture_on_commit_callbacks
):
    settings.CCHC_EMAIL_MAX_ATTEMPTS = 2
    world = addresses
    notices.preference_set(actor=world.users["focal_a"], kind=Kind.NUDGE, channel="digest")
    three_nudges(world, django_capture_on_commit_callbacks)
    [pk] = notices.digests_queue()
    mailbox.refuse = 1
    queued = DBTaskResult.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        digest = notices.digest_send(digest_id=pk)
    assert digest.status == EmailStatus.PENDING and digest.attempts == 1 and "451" in digest.error
    retry = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert DBTaskResult.objects.count() == queued + 1 and retry.run_after is not None
    # Meanwhile another nudge arrives: it waits for the next digest, not this one.
    notices.notify(
        actor=None,
        recipients=[world.users["focal_a"]],
        message=notices.Message(kind=Kind.NUDGE, title="Đôn đốc muộn"),
    )
    digest = notices.digest_send(digest_id=pk)
    assert digest.status == EmailStatus.SENT
    [mail] = mailbox.to("focal_a@example.vn")
    assert "(3 thông báo)" in mail["Subject"] and "Đôn đốc muộn" not in mail.get_content()
    late = Notification.objects.get(title="Đôn đốc muộn")
    assert late.email_status == EmailStatus.DIGEST and late.digest is None

    # A server that keeps refusing: the digest and its notifications fail, the notices stay.
    [pk] = notices.digests_queue()
    mailbox.refuse = 10
    for _ in range(2):
        digest = notices.digest_send(digest_id=pk)
    assert digest.status == EmailStatus.FAILED and notices.digest_send(digest_id=pk) is None
    late.refresh_from_db()
    assert late.email_status == EmailStatus.FAILED and late.read_at is None
