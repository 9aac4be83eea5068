"""Reads of one's own notifications: nobody reads another person's."""

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from .models import Channel, Kind, Notification, Preference


def unread_count(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def unread_nudges(*, user, limit: int = 5) -> tuple[list[Notification], int]:
    """The office's nudges the person has not read yet, newest first, and how many."""
    rows = Notification.objects.filter(recipient=user, kind=Kind.NUDGE, read_at__isnull=True)
    count = rows.count()  # usually none: then no second query
    return (list(rows.select_related("sent_by")[:limit]) if count else []), count


def notification_list(*, user, kind: str = "", unread: bool = False) -> QuerySet[Notification]:
    rows = Notification.objects.filter(recipient=user).select_related("unit", "sent_by")
    if kind:
        rows = rows.filter(kind=kind)
    if unread:
        rows = rows.filter(read_at__isnull=True)
    return rows


def notification_get(*, user, pk: int) -> Notification:
    notification = Notification.objects.filter(recipient=user, pk=pk).first()
    if notification is None:
        raise Http404(_("Không tìm thấy thông báo."))
    return notification


def channels(*, user) -> dict[str, str]:
    """Each kind's way of arriving for this person (by mail too unless they chose otherwise)."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "channel"))
    return {kind: chosen.get(kind, Channel.EMAIL) for kind in Kind.values}
