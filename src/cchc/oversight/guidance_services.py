"""Every write of the guidance library: the office drafts, files, publishes, revises and
nudges; a receiving unit acknowledges that it received and read each version."""

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cchc.audit.services import audit_record, diff, snapshot
from cchc.lib.files import check_upload, store_upload
from cchc.lib.text import fold
from cchc.notifications.models import Kind
from cchc.notifications.services import Message, notify_many
from cchc.orgs.access import access_for
from cchc.orgs.models import Role, Unit
from cchc.orgs.selectors import unit_contacts

from .models import Acknowledgement, Guidance, GuidanceFile, GuidanceStatus

FIELDS = ["kind", "number", "title", "issued_on", "effective_on", "summary", "include_below"]
# Who answers for a receiving unit: the people the notices go to.
ACK_ROLES = (Role.FOCAL, Role.UNIT_HEAD)


def guidance_search_text(guidance: Guidance) -> str:
    """What the list's search box matches, folded (see `Guidance.search_text`)."""
    return fold(f"{guidance.number} {guidance.title}")


def can_manage(user: User, unit: Unit) -> bool:
    """The office of the branch that issues the guidance drafts, sends and nudges it."""
    return access_for(user).covers(unit.path, Role.OFFICE)


def can_acknowledge(user: User, ack: Acknowledgement) -> bool:
    return access_for(user).covers(ack.unit.path, *ACK_ROLES)


def _require_manager(actor: User, guidance: Guidance) -> None:
    if not can_manage(actor, guidance.issuing_unit):
        raise PermissionDenied(_("Chỉ Văn phòng của đơn vị ban hành được làm việc này."))


def receiving_units(guidance: Guidance) -> list[Unit]:
    """The chosen units, and every active unit below them when `include_below`."""
    chosen = list(guidance.units.filter(is_active=True))
    if not guidance.include_below or not chosen:
        return sorted(chosen, key=lambda u: u.path)
    below = Unit.objects.none()
    for unit in chosen:
        below |= Unit.objects.filter(path__startswith=unit.path, is_active=True)
    return list(below.order_by("path"))


def _set_links(guidance: Guidance, units, tasks, periods) -> dict:
    before = {
        "units": sorted(guidance.units.values_list("pk", flat=True)),
        "tasks": sorted(guidance.tasks.values_list("pk", flat=True)),
        "periods": sorted(guidance.periods.values_list("pk", flat=True)),
    }
    guidance.units.set(units)
    guidance.tasks.set(tasks)
    guidance.periods.set(periods)
    after = {
        "units": sorted(u.pk for u in units),
        "tasks": sorted(t.pk for t in tasks),
        "periods": sorted(p.pk for p in periods),
    }
    return {k: [before[k], after[k]] for k in after if before[k] != after[k]}


@transaction.atomic
def guidance_create(
    *, actor: User, issuing_unit: Unit, values: dict, units, tasks=(), periods=()
) -> Guidance:
    if not can_manage(actor, issuing_unit):
        raise PermissionDenied(_("Chỉ Văn phòng được soạn văn bản hướng dẫn."))
    guidance = Guidance(issuing_unit=issuing_unit, created_by=actor)
    for name in FIELDS:
        setattr(guidance, name, values[name])
    guidance.full_clean()
    guidance.search_text = guidance_search_text(guidance)
    guidance.save()
    _set_links(guidance, units, tasks, periods)
    changes = {name: [None, getattr(guidance, name)] for name in FIELDS}
    audit_record(actor=actor, action="guidance.create", obj=guidance, changes=changes)
    return guidance


@transaction.atomic
def guidance_update(
    *, actor: User, guidance: Guidance, values: dict, units, tasks=(), periods=()
) -> Guidance:
    """Change a guidance; one already sent reaches any unit newly among its recipients."""
    _require_manager(actor, guidance)
    guidance = Guidance.objects.select_for_update().get(pk=guidance.pk)
    before = snapshot(guidance, FIELDS)
    for name in FIELDS:
        setattr(guidance, name, values[name])
    guidance.full_clean()
    guidance.search_text = guidance_search_text(guidance)
    guidance.save()
    changes = diff(guidance, FIELDS, before) | _set_links(guidance, units, tasks, periods)
    if changes:
        audit_record(actor=actor, action="guidance.update", obj=guidance, changes=changes)
    if not guidance.is_draft:
        _deliver(actor, guidance)
    return guidance


def _add_files(actor: User, guidance: Guidance, files: Iterable[File], description: str) -> list:
    made = []
    for file in files:
        check_upload(file)
        stored = GuidanceFile(
            guidance=guidance, version=guidance.version, uploaded_by=actor, description=description
        )
        store_upload(stored, file)
        stored.save()
        made.append(stored)
    return made


@transaction.atomic
def guidance_file_add(
    *, actor: User, guidance: Guidance, file: File, description: str = ""
) -> GuidanceFile:
    """A file of the draft; a guidance already sent changes its files by a new version."""
    _require_manager(actor, guidance)
    if not guidance.is_draft:
        raise ValidationError(_("Văn bản đã gửi: muốn đổi tệp, hãy gửi phiên bản mới."))
    [stored] = _add_files(actor, guidance, [file], description)
    audit_record(
        actor=actor,
        action="guidance.file_add",
        obj=guidance,
        changes={"file": [None, stored.original_name], "sha256": [None, stored.sha256]},
    )
    return stored


@transaction.atomic
def guidance_publish(*, actor: User, guidance: Guidance) -> int:
    """Send the draft to its receiving units; returns how many notices went. Publishing
    again sends nothing twice (each notice has its key, each acknowledgement its row)."""
    _require_manager(actor, guidance)
    guidance = Guidance.objects.select_for_update().get(pk=guidance.pk)
    if not guidance.files.filter(version=guidance.version).exists():
        raise ValidationError(_("Hãy đính kèm ít nhất một tệp trước khi gửi."))
    if not receiving_units(guidance):
        raise ValidationError(_("Hãy chọn ít nhất một đơn vị nhận."))
    if guidance.is_draft:
        guidance.status = GuidanceStatus.PUBLISHED
        guidance.published_at = timezone.now()
        guidance.save(update_fields=["status", "published_at"])
        audit_record(
            actor=actor,
            action="guidance.publish",
            obj=guidance,
            changes={"status": [GuidanceStatus.DRAFT, GuidanceStatus.PUBLISHED]},
        )
    return _deliver(actor, guidance)


@transaction.atomic
def guidance_revise(
    *,
    actor: User,
    guidance: Guidance,
    files: list[File],
    effective_on: datetime.date | None,
    summary: str,
) -> int:
    """A new version of a guidance already sent: its own files, sent again to every
    receiving unit, which acknowledges it anew (the old acknowledgements stay)."""
    _require_manager(actor, guidance)
    guidance = Guidance.objects.select_for_update().get(pk=guidance.pk)
    if guidance.is_draft:
        raise ValidationError(_("Văn bản chưa gửi: hãy sửa dự thảo."))
    if not files:
        raise ValidationError({"files": _("Phiên bản mới cần ít nhất một tệp.")})
    before = snapshot(guidance, ["version", "effective_on", "summary"])
    guidance.version += 1
    guidance.effective_on = effective_on
    guidance.summary = summary
    guidance.save(update_fields=["version", "effective_on", "summary"])
    made = _add_files(actor, guidance, files, "")
    changes = diff(guidance, ["version", "effective_on", "summary"], before)
    changes["files"] = [None, [f.original_name for f in made]]
    audit_record(actor=actor, action="guidance.revise", obj=guidance, changes=changes)
    return _deliver(actor, guidance)


def _message(guidance: Guidance, unit: Unit, key: str, *, nudge: bool = False) -> Message:
    name = guidance.number or guidance.title
    if nudge:
        title = _("Đôn đốc xác nhận văn bản %(name)s") % {"name": name}
    elif guidance.version > 1:
        title = _("Văn bản %(name)s có phiên bản mới (%(v)d)") % {
            "name": name,
            "v": guidance.version,
        }
    else:
        title = _("Văn bản hướng dẫn mới: %(name)s") % {"name": name}
    return Message(
        kind=Kind.GUIDANCE,
        title=title,
        body=_("%(title)s\nĐề nghị %(unit)s xác nhận đã nhận, đã đọc.")
        % {"title": guidance.title, "unit": unit.name},
        url=reverse("oversight:guidance-detail", kwargs={"pk": guidance.pk}),
        unit=unit,
        key=key,
        subject=guidance,
    )


def _deliver(actor: User | None, guidance: Guidance) -> int:
    """The current version's pending acknowledgement and notice for each receiving unit
    that has none yet."""
    units = receiving_units(guidance)
    have = set(
        Acknowledgement.objects.filter(guidance=guidance, version=guidance.version).values_list(
            "unit_id", flat=True
        )
    )
    Acknowledgement.objects.bulk_create(
        [
            Acknowledgement(guidance=guidance, version=guidance.version, unit=unit)
            for unit in units
            if unit.pk not in have
        ]
    )
    contacts = unit_contacts(units=units)
    key = f"guidance:{guidance.pk}:v{guidance.version}"
    sends = [(contacts[unit.pk], _message(guidance, unit, f"{key}:{unit.pk}")) for unit in units]
    return len(notify_many(actor=actor, sends=sends))


@transaction.atomic
def guidance_nudge(*, actor: User, guidance: Guidance) -> list[Unit]:
    """Urge the receiving units that have not yet read the current version (once a day);
    returns the units urged."""
    _require_manager(actor, guidance)
    pending = list(
        Acknowledgement.objects.select_for_update()
        .filter(guidance=guidance, version=guidance.version, read_at__isnull=True)
        .select_related("unit")
    )
    units = [ack.unit for ack in pending]
    if not units:
        return []
    contacts = unit_contacts(units=units)
    today = timezone.localdate().isoformat()
    sends = []
    for ack in pending:
        key = f"guidance_nudge:{guidance.pk}:v{guidance.version}:{ack.unit_id}:{today}"
        sends.append((contacts[ack.unit_id], _message(guidance, ack.unit, key, nudge=True)))
        ack.nudged_at = timezone.now()
    notify_many(actor=actor, sends=sends)
    Acknowledgement.objects.bulk_update(pending, ["nudged_at"])
    audit_record(
        actor=actor,
        action="guidance.nudge",
        obj=guidance,
        changes={"units": [None, [u.pk for u in units]], "version": [None, guidance.version]},
    )
    return units


@transaction.atomic
def acknowledgement_mark(*, actor: User, ack: Acknowledgement, read: bool) -> Acknowledgement:
    """“Đã nhận”, or “Đã đọc” (which is also received); a mark once made stays."""
    if not can_acknowledge(actor, ack):
        raise PermissionDenied(_("Chỉ cán bộ đầu mối hoặc thủ trưởng đơn vị nhận được xác nhận."))
    ack = Acknowledgement.objects.select_for_update().get(pk=ack.pk)
    before = snapshot(ack, ["received_at", "read_at"])
    now = timezone.now()
    if ack.received_at is None:
        ack.received_at, ack.received_by = now, actor
    if read and ack.read_at is None:
        ack.read_at, ack.read_by = now, actor
    changes = diff(ack, ["received_at", "read_at"], before)
    if changes:
        ack.save()
        audit_record(actor=actor, action="guidance.acknowledge", obj=ack, changes=changes)
    return ack


def file_opened(*, actor: User, stored: GuidanceFile) -> None:
    """Opening a file of the current version is receiving it, for the actor's units."""
    guidance = stored.guidance
    if stored.version != guidance.version:
        return
    access = access_for(actor)
    for ack in Acknowledgement.objects.filter(
        guidance=guidance, version=guidance.version, received_at__isnull=True
    ).select_related("unit"):
        if access.covers(ack.unit.path, *ACK_ROLES):
            acknowledgement_mark(actor=actor, ack=ack, read=False)
