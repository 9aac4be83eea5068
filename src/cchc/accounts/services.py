"""Getting in: logins, passwords, lockouts, sessions and the second factor. Each write
checks who may do it, runs in one transaction and leaves its audit event."""

from axes.utils import reset as axes_reset
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import match_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cchc.audit.services import audit_record
from cchc.orgs.access import access_for

from . import permissions

RECOVERY_CODES = 10
APP_DEVICE_NAME = "app"
RECOVERY_DEVICE_NAME = "recovery"


def _require_member(actor: User, member: User) -> None:
    if not permissions.can_manage_member(access_for(actor), member):
        raise PermissionDenied(_("Chỉ Văn phòng quản lý đơn vị của người này được làm việc này."))


@transaction.atomic
def login_record(*, user: User) -> None:
    audit_record(actor=user, action="auth.login", obj=user)


@transaction.atomic
def login_failed_record(*, username: str, locked: bool) -> None:
    # The name typed, not whether such a user exists: the log must not become an oracle.
    audit_record(
        actor=None,
        action="auth.login_failed",
        object_type="auth.user",
        changes={"username": username[:150], "locked": locked},
    )


@transaction.atomic
def logout_record(*, user: User) -> None:
    audit_record(actor=user, action="auth.logout", obj=user)


@transaction.atomic
def password_change(*, actor: User, new_password: str) -> User:
    """The user's own password (the form has checked the old one). Changing it ends the
    user's other sessions: Django ties each session to the password's hash."""
    validate_password(new_password, actor)
    actor.set_password(new_password)
    actor.save(update_fields=["password"])
    audit_record(actor=actor, action="auth.password_change", obj=actor)
    return actor


@transaction.atomic
def member_password_set(*, actor: User, member: User, new_password: str) -> User:
    """The office sets a new password for a person of its branch (who forgot theirs)."""
    _require_member(actor, member)
    validate_password(new_password, member)
    member.set_password(new_password)
    member.save(update_fields=["password"])
    axes_reset(username=member.username)
    audit_record(actor=actor, action="auth.password_reset", obj=member)
    return member


@transaction.atomic
def member_unlock(*, actor: User, member: User) -> int:
    """Lift a lockout after too many wrong passwords; returns the attempts cleared."""
    _require_member(actor, member)
    cleared = axes_reset(username=member.username)
    audit_record(actor=actor, action="auth.unlock", obj=member, changes={"attempts": cleared})
    return cleared


@transaction.atomic
def member_second_factor_reset(*, actor: User, member: User) -> None:
    """A lost phone: remove the person's authenticator and recovery codes; they set up a
    new one at their next login."""
    _require_member(actor, member)
    TOTPDevice.objects.filter(user=member).delete()
    StaticDevice.objects.filter(user=member).delete()
    audit_record(actor=actor, action="auth.second_factor_reset", obj=member)


def _user_sessions(user: User) -> list[str]:
    live = Session.objects.filter(expire_date__gt=timezone.now())
    return [
        s.session_key
        for s in live.iterator()
        if s.get_decoded().get("_auth_user_id") == str(user.pk)
    ]


@transaction.atomic
def sessions_end_all(*, actor: User) -> int:
    """Log the user out everywhere (a lost laptop): every session of theirs ends."""
    keys = _user_sessions(actor)
    Session.objects.filter(session_key__in=keys).delete()
    audit_record(
        actor=actor, action="auth.logout_everywhere", obj=actor, changes={"sessions": len(keys)}
    )
    return len(keys)


@transaction.atomic
def second_factor_device(*, actor: User) -> TOTPDevice:
    """The authenticator being set up: a new secret until the user confirms one code."""
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=actor, name=APP_DEVICE_NAME, confirmed=False)
        audit_record(actor=actor, action="auth.second_factor_started", obj=actor)
    return device


def _new_recovery_codes(user: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def second_factor_confirm(*, actor: User, device: TOTPDevice, token: str) -> list[str]:
    """Confirm the authenticator with one code from it; returns the recovery codes, shown
    once. Any earlier authenticator of the user is replaced."""
    if device.user_id != actor.pk or device.confirmed:
        raise PermissionDenied
    if not device.verify_token(token.strip()):
        raise ValidationError(
            {"token": _("Mã không đúng hoặc đã hết hạn. Nhập mã đang hiện trên ứng dụng.")}
        )
    TOTPDevice.objects.filter(user=actor, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(actor)
    audit_record(actor=actor, action="auth.second_factor_enabled", obj=actor)
    return codes


@transaction.atomic
def recovery_codes_renew(*, actor: User) -> list[str]:
    if not TOTPDevice.objects.filter(user=actor, confirmed=True).exists():
        raise ValidationError(_("Chưa thiết lập ứng dụng xác thực."))
    codes = _new_recovery_codes(actor)
    audit_record(actor=actor, action="auth.recovery_codes_renewed", obj=actor)
    return codes


@transaction.atomic
def second_factor_check(*, actor: User, token: str) -> Device | None:
    """The device whose code (or unused recovery code) this is, or None; each attempt
    is audited. A recovery code is spent by using it."""
    device = match_token(actor, token.strip().replace(" ", ""))
    audit_record(
        actor=actor,
        action="auth.second_factor_passed" if device else "auth.second_factor_failed",
        obj=actor,
        changes={"device": device.name} if device else {},
    )
    return device
