"""Every write of notifications. Other services make them inside their own transaction (a
plan issued, a nudge sent) with `notify()`; the recipient reads them and chooses how to
receive each kind; the worker sends the mail and tries again when a send fails."""

import contextlib
import datetime
import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.audit.services import audit_record
from cchc.lib.dates import format_day
from cchc.orgs.models import Unit

from .models import Channel, Digest, EmailStatus, Kind, Notification, Preference

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    """What one notification says; `url` is a path of this site, `key` makes it once only."""

    kind: Kind
    title: str
    body: str = ""
    url: str = ""
    unit: Unit | None = None
    key: str = ""
    subject: models.Model | None = None  # the task, report or finding it is about


def email_on() -> bool:
    return bool(settings.EMAIL_HOST)


@transaction.atomic
def notify(
    *, actor: User | None, recipients: Iterable[User], message: Message
) -> list[Notification]:
    """One notification to each recipient, by mail too where they chose it and have an
    address. A recipient who already has one with the same key gets nothing new. The
    calling service checked the permission and audits its own action."""
    return notify_many(actor=actor, sends=[(recipients, message)])


@transaction.atomic
def notify_many(
    *, actor: User | None, sends: Iterable[tuple[Iterable[User], Message]]
) -> list[Notification]:
    """`notify` for many messages, each to its recipients (a plan issued to a ministry's
    units): three queries in all, not three a unit."""
    batch = [({user.pk: user for user in recipients}, message) for recipients, message in sends]
    everyone = {pk for people, __ in batch for pk in people}
    keys = {message.key[:200] for __, message in batch if message.key}
    already = set(
        Notification.objects.filter(recipient_id__in=everyone, key__in=keys).values_list(
            "recipient_id", "key"
        )
        if keys
        else ()
    )
    chosen = {
        (user_id, kind): channel
        for user_id, kind, channel in Preference.objects.filter(
            user_id__in=everyone, kind__in={message.kind for __, message in batch}
        ).values_list("user_id", "kind", "channel")
    }
    rows = []
    now = timezone.now()
    for people, message in batch:
        key = message.key[:200]
        for user in people.values():
            if key and (user.pk, key) in already:
                continue
            if key:
                already.add((user.pk, key))  # once, even if named twice in this batch
            channel = chosen.get((user.pk, message.kind), Channel.EMAIL)
            status = _email_status(user, channel)
            rows.append(
                Notification(
                    recipient=user,
                    kind=message.kind,
                    title=message.title[:500],
                    body=message.body,
                    url=message.url[:500],
                    unit=message.unit,
                    key=key,
                    subject_type=message.subject._meta.label_lower if message.subject else "",
                    subject_id=message.subject.pk if message.subject else None,
                    sent_by=actor,
                    email_status=status,
                    email_due_at=now if status == EmailStatus.PENDING else None,
                )
            )
    made = Notification.objects.bulk_create(rows)
    pending = [n.pk for n in made if n.email_status == EmailStatus.PENDING]
    if pending:
        transaction.on_commit(lambda: _enqueue(pending))
    return made


def _email_status(user: User, channel: str) -> str:
    """No mail server or no address: no mail, whatever the person chose."""
    if not (email_on() and user.email) or channel == Channel.APP:
        return EmailStatus.NONE
    return EmailStatus.DIGEST if channel == Channel.DIGEST else EmailStatus.PENDING


# Notifications a job sends over one connection: a notice to 300 people is three jobs.
EMAIL_BATCH = 100


def _enqueue(ids: list[int], run_after: datetime.datetime | None = None) -> None:
    from .tasks import send_emails  # the task module imports this one

    task = send_emails.using(run_after=run_after) if run_after else send_emails
    for start in range(0, len(ids), EMAIL_BATCH):
        task.enqueue(ids[start : start + EMAIL_BATCH])


@transaction.atomic
def notification_read(*, actor: User, notification: Notification) -> Notification:
    """The recipient opened it (or marked it read); someone else's is not theirs to mark."""
    if notification.recipient_id != actor.pk:
        raise PermissionDenied(_("Đây không phải thông báo của bạn."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        audit_record(actor=actor, action="notification.read", obj=notification)
    return notification


@transaction.atomic
def notification_read_all(*, actor: User, kind: str = "") -> int:
    unread = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if kind:
        unread = unread.filter(kind=kind)
    count = unread.update(read_at=timezone.now())
    if count:
        audit_record(
            actor=actor,
            action="notification.read_all",
            object_type="notifications.notification",
            changes={"kind": [None, kind or "*"], "count": [None, count]},
        )
    return count


@transaction.atomic
def preference_set(*, actor: User, kind: str, channel: str) -> Preference:
    """How the person receives one kind; only their own choice."""
    if kind not in Kind.values or channel not in Channel.values:
        raise PermissionDenied(_("Loại thông báo hoặc cách nhận không hợp lệ."))
    preference, created = Preference.objects.select_for_update().get_or_create(
        user=actor, kind=kind, defaults={"channel": channel}
    )
    before = None if created else preference.channel
    if before != channel:
        preference.channel = channel
        preference.save(update_fields=["channel"])
        audit_record(
            actor=actor,
            action="notification.preference",
            obj=preference,
            changes={"kind": [None, kind], "channel": [before, channel]},
        )
    return preference


# --- mail (the worker) ------------------------------------------------------------------


def _claim(notification_id: int) -> Notification | None:
    """Count the attempt before sending, in its own short transaction: a send that hangs
    holds no lock, and a worker killed mid-send leaves the count right."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id, email_status=EmailStatus.PENDING)
            .first()
        )
        if notification is None:
            return None
        notification.email_attempts += 1
        notification.email_due_at = timezone.now()
        notification.save(update_fields=["email_attempts", "email_due_at"])
        return notification


def email_message(
    notification: Notification, connection: BaseEmailBackend | None = None
) -> EmailMessage:
    context = {"n": notification, "site": settings.CCHC_SITE_URL, "person": notification.recipient}
    return EmailMessage(
        subject=f"[CCHC] {notification.title}"[:250],
        body=render_to_string("notifications/email.txt", context),
        to=[notification.recipient.email],
        connection=connection,
    )


def email_send(
    *, notification_id: int, now: datetime.datetime | None = None
) -> Notification | None:
    """Send one notification's mail (`emails_send` of one); None when it was not waiting."""
    sent = emails_send(notification_ids=[notification_id], now=now)
    return sent[0] if sent else None


def emails_send(
    *, notification_ids: list[int], now: datetime.datetime | None = None
) -> list[Notification]:
    """Send the mail of each notification still waiting, over one connection to the server
    (one job of `_enqueue`'s batch). Each is claimed and counted on its own; a failure keeps
    that one waiting and queues another try of it later (1, 2, 4… minutes), up to
    CCHC_EMAIL_MAX_ATTEMPTS, while the others go on; the notice in the application is there
    all along. Returns the notifications tried, as they are now."""
    connection = get_connection()
    done = []
    try:
        for pk in notification_ids:
            notification = _claim(pk)
            if notification is not None:
                done.append(_email_one(notification, connection, now))
    finally:
        _close(connection)
    return done


def _email_one(
    notification: Notification, connection: BaseEmailBackend, now: datetime.datetime | None
) -> Notification:
    try:
        connection.open()  # the batch's connection, or a new one after a failure closed it
        email_message(notification, connection).send()
    except (smtplib.SMTPException, OSError) as exc:
        logger.warning("Mail for notification %s failed: %s", notification.pk, exc)
        # The server may have dropped the connection: the next mail opens a fresh one.
        _close(connection)
        return _email_failed(notification, str(exc) or exc.__class__.__name__, now)
    Notification.objects.filter(pk=notification.pk).update(
        email_status=EmailStatus.SENT, emailed_at=timezone.now(), email_error=""
    )
    notification.refresh_from_db()
    return notification


def _close(connection: BaseEmailBackend) -> None:
    """Closing a connection the server already broke may fail too: it is gone either way."""
    with contextlib.suppress(smtplib.SMTPException, OSError):
        connection.close()


def _email_failed(
    notification: Notification, error: str, now: datetime.datetime | None
) -> Notification:
    last = notification.email_attempts >= settings.CCHC_EMAIL_MAX_ATTEMPTS
    retry_at = None if last else _retry_at(notification.email_attempts, now)
    Notification.objects.filter(pk=notification.pk).update(
        email_status=EmailStatus.FAILED if last else EmailStatus.PENDING,
        email_error=error[:500],
        email_due_at=retry_at,
    )
    if retry_at is not None:
        _enqueue([notification.pk], run_after=retry_at)
    notification.refresh_from_db()
    return notification


def _retry_at(attempts: int, now: datetime.datetime | None) -> datetime.datetime:
    """1, 2, 4… minutes after the attempt that failed."""
    return (now or timezone.now()) + datetime.timedelta(minutes=2 ** (attempts - 1))


# A mail still waiting this long after its job was due lost that job: its worker was
# stopped while it ran (a job left running is never run again). A job only late, behind
# a long queue, then has a twin: whichever runs second finds the mail sent, unless two
# workers run both while the first is still sending (mail is at least once).
MAIL_LOST_AFTER = datetime.timedelta(minutes=30)


def emails_requeue(*, now: datetime.datetime | None = None) -> int:
    """Queue again the mail (single or digest) whose job was lost; how many were."""
    now = now or timezone.now()
    lost = now - MAIL_LOST_AFTER
    with transaction.atomic():
        waiting = Notification.objects.filter(email_status=EmailStatus.PENDING)
        ids = list(waiting.filter(email_due_at__lt=lost).values_list("pk", flat=True))
        Notification.objects.filter(pk__in=ids).update(email_due_at=now)
        digests = Digest.objects.filter(status=EmailStatus.PENDING, due_at__lt=lost)
        digest_ids = list(digests.values_list("pk", flat=True))
        Digest.objects.filter(pk__in=digest_ids).update(due_at=now)
        transaction.on_commit(lambda: _enqueue_lost(ids, digest_ids))
    if ids or digest_ids:
        logger.warning(
            "Queued again %s mails and %s digests whose job was lost.", len(ids), len(digest_ids)
        )
    return len(ids) + len(digest_ids)


def _enqueue_lost(ids: list[int], digest_ids: list[int]) -> None:
    if ids:
        _enqueue(ids)
    for pk in digest_ids:
        _enqueue_digest(pk)


# --- the daily digest (the worker, once a day) -------------------------------------------


def digests_queue() -> list[int]:
    """For each person with notifications waiting for the daily mail, a digest that claims
    them, queued for the worker; returns the digests made."""
    waiting = (
        Notification.objects.filter(email_status=EmailStatus.DIGEST, digest__isnull=True)
        .order_by("recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    return [pk for pk in (digest_claim(recipient_id=r) for r in list(waiting)) if pk]


@transaction.atomic
def digest_claim(*, recipient_id: int) -> int | None:
    """Put a person's waiting notifications in one new digest. The update takes only rows
    no digest holds yet, so two runs at once never list a notification twice."""
    digest = Digest.objects.create(
        recipient_id=recipient_id, status=EmailStatus.PENDING, due_at=timezone.now()
    )
    claimed = Notification.objects.filter(
        recipient_id=recipient_id, email_status=EmailStatus.DIGEST, digest__isnull=True
    ).update(digest=digest)
    if not claimed:
        digest.delete()
        return None
    transaction.on_commit(lambda: _enqueue_digest(digest.pk))
    return digest.pk


def _enqueue_digest(pk: int, run_after: datetime.datetime | None = None) -> None:
    from .tasks import send_digest  # the task module imports this one

    (send_digest.using(run_after=run_after) if run_after else send_digest).enqueue(pk)


def digest_message(digest: Digest) -> EmailMessage:
    items = list(digest.notifications.order_by("created_at", "id"))
    day = format_day(timezone.localtime(digest.created_at).date())
    context = {
        "items": items,
        "day": day,
        "site": settings.CCHC_SITE_URL,
        "person": digest.recipient,
    }
    subject = _("[CCHC] Thông báo ngày %(day)s (%(n)d thông báo)") % {"day": day, "n": len(items)}
    return EmailMessage(
        subject=subject[:250],
        body=render_to_string("notifications/digest.txt", context),
        to=[digest.recipient.email],
    )


def digest_send(*, digest_id: int, now: datetime.datetime | None = None) -> Digest | None:
    """Send one digest; a failure is tried again later like a single mail, with the same
    notifications. A person whose address was removed meanwhile gets no mail."""
    with transaction.atomic():
        digest = (
            Digest.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=digest_id, status=EmailStatus.PENDING)
            .first()
        )
        if digest is None:
            return None
        digest.attempts += 1
        digest.due_at = timezone.now()
        digest.save(update_fields=["attempts", "due_at"])
    if not (email_on() and digest.recipient.email):
        return _digest_close(digest, EmailStatus.NONE)
    try:
        digest_message(digest).send()
    except (smtplib.SMTPException, OSError) as exc:
        logger.warning("Digest %s failed: %s", digest_id, exc)
        error = (str(exc) or exc.__class__.__name__)[:500]
        if digest.attempts >= settings.CCHC_EMAIL_MAX_ATTEMPTS:
            return _digest_close(digest, EmailStatus.FAILED, error)
        retry_at = _retry_at(digest.attempts, now)
        Digest.objects.filter(pk=digest.pk).update(error=error, due_at=retry_at)
        _enqueue_digest(digest.pk, run_after=retry_at)
        digest.refresh_from_db()
        return digest
    return _digest_close(digest, EmailStatus.SENT)


@transaction.atomic
def _digest_close(digest: Digest, status: str, error: str = "") -> Digest:
    """The digest and its notifications end together: sent, failed, or no mail."""
    sent_at = timezone.now() if status == EmailStatus.SENT else None
    Digest.objects.filter(pk=digest.pk).update(status=status, sent_at=sent_at, error=error)
    digest.notifications.update(email_status=status, emailed_at=sent_at, email_error=error)
    digest.refresh_from_db()
    return digest
