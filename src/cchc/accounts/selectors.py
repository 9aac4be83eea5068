"""Reads of the account pages, scoped to the user."""

from dataclasses import dataclass

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cchc.lib.text import fold
from cchc.orgs.access import access_for
from cchc.orgs.models import Membership, Role

from . import permissions


def _locked_q() -> Q:
    """Attempts that lock the account now: at the limit, within the cool-off if any."""
    q = Q(username=OuterRef("username"), failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
    if settings.AXES_COOLOFF_TIME:
        q &= Q(attempt_time__gt=timezone.now() - settings.AXES_COOLOFF_TIME)
    return q


def members(user: User, search: str = "") -> QuerySet[User]:
    """People with a membership in the office's branch, with whether each is locked out
    and has a second factor, and their memberships there (not those in other branches,
    which are not the office's to know); raises Http404 for anyone else."""
    access = access_for(user)
    if not permissions.can_manage_members(access):
        raise Http404
    in_branch = Membership.objects.filter(access.unit_q("unit", Role.OFFICE))
    qs = (
        User.objects.filter(pk__in=in_branch.values("user_id"), is_superuser=False)
        .exclude(pk=user.pk)
        .annotate(
            locked=Exists(AccessAttempt.objects.filter(_locked_q())),
            has_second_factor=Exists(
                TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
            ),
        )
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=in_branch.select_related("unit").order_by("unit__path"),
            )
        )
        .order_by("username")
    )
    if not access.is_superuser:
        qs = qs.exclude(is_staff=True)  # see permissions.can_manage_member
    words = fold(search).split()[:5]
    if words:
        qs = qs.filter(pk__in=_named(qs, words))
    return qs


def _named(people: QuerySet[User], words: list[str]) -> list[int]:
    """The people whose username or name holds every word, diacritics and case ignored
    ("nguyen van" finds "Nguyễn Văn An"): folded here, as the databases fold differently
    (SQLite's LIKE only ASCII letters). One query of three short columns per person."""
    rows = people.order_by().values_list("pk", "username", "first_name", "last_name")
    return [pk for pk, *names in rows if all(word in fold(" ".join(names)) for word in words)]


def member(user: User, pk: int) -> User:
    """One person the office may look after, or Http404 (never says who exists)."""
    found = User.objects.filter(pk=pk).first()
    if found is None or not permissions.can_manage_member(access_for(user), found):
        raise Http404
    return found


@dataclass(frozen=True)
class SecondFactor:
    enabled: bool
    recovery_left: int


def second_factor(user: User) -> SecondFactor:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    left = 0
    if device:
        left = StaticToken.objects.filter(device__user=user).count()
    return SecondFactor(enabled=device, recovery_left=left)
