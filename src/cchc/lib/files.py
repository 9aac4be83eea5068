"""Files people upload (evidence of a task, a unit report's attachments): what each keeps
beside itself, one way to check, name and fingerprint an upload before it is stored, one
way to hand it back, and one way to remove it with its row."""

import hashlib
from collections.abc import Iterable, Iterator

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .text import short_filename

# A name as the user sees it fits its column (255 letters, so at most 255 bytes is safe);
# the name on disk leaves room under the file system's 255 bytes for a uniqueness suffix.
ORIGINAL_NAME_BYTES = 255
STORED_NAME_BYTES = 180


def stored_file_field(upload_to) -> models.FileField:
    """The `file` of a `StoredFile`; where it goes on disk is each model's own."""
    return models.FileField(gettext_lazy("tệp"), upload_to=upload_to, max_length=500)


class StoredFile(models.Model):
    """An uploaded file's name as the user gave it, size, SHA-256, and who uploaded it when.

    Subclasses declare `file = stored_file_field(their_path)` and fill these fields with
    `store_upload`."""

    original_name = models.CharField(gettext_lazy("tên tệp"), max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    description = models.CharField(gettext_lazy("mô tả"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    file: FieldFile  # each subclass declares its own: stored_file_field(its path)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name


def check_upload(file: File, *, field: str = "file") -> None:
    """Refuse an empty file or one over `CCHC_MAX_UPLOAD_BYTES`, as an error of `field`."""
    limit = settings.CCHC_MAX_UPLOAD_BYTES
    if file.size > limit:
        mb = {"size": file.size // 1024 // 1024, "limit": limit // 1024 // 1024}
        raise ValidationError(
            {
                field: _("Tệp “%(name)s” nặng %(size)d MB, vượt giới hạn %(limit)d MB.")
                % ({"name": file.name} | mb)
            }
        )
    if file.size == 0:
        raise ValidationError({field: _("Tệp “%(name)s” rỗng.") % {"name": file.name}})


def sha256_of(file: File) -> str:
    """The upload's SHA-256, read in chunks; the file is rewound for storing."""
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def store_upload(stored: StoredFile, file: File) -> None:
    """Fill `stored`'s name, size and checksum from a checked upload and write the file
    under a name the file system takes; the caller saves the row."""
    stored.original_name = short_filename(file.name, ORIGINAL_NAME_BYTES)
    stored.size = file.size
    stored.sha256 = sha256_of(file)
    stored.file.save(short_filename(file.name, STORED_NAME_BYTES), file, save=False)


def stored_file_response(stored: StoredFile) -> FileResponse:
    """The stored file as a download under the name it was uploaded with; 404 when the
    storage has lost it."""
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("Tệp không còn trong kho lưu trữ.")) from exc
    return FileResponse(handle, as_attachment=True, filename=stored.original_name)


def file_fields() -> Iterator[tuple[type[models.Model], models.FileField]]:
    """Every file field of every installed model, with its model."""
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, models.FileField):
                yield model, f


# Names asked about in one query: under SQLite's smallest limit on a statement's parameters.
_NAMES_PER_QUERY = 500


def named_files(among: Iterable[str] | None = None) -> set[str]:
    """The names the file fields of every model hold; only those of `among`, when given.

    A name may be held by several rows (an export reuses the file an identical earlier one
    built), so a file is an orphan only when no row of any model names it: `cchc cleanup`
    and `remove_stored_after_commit` both ask here."""
    if among is None:
        return _names_held(None)
    wanted = sorted(set(among))
    held: set[str] = set()
    for i in range(0, len(wanted), _NAMES_PER_QUERY):
        held |= _names_held(wanted[i : i + _NAMES_PER_QUERY])
    return held


def _names_held(among: list[str] | None) -> set[str]:
    names: set[str] = set()
    for model, f in file_fields():
        rows = model._base_manager.all()
        if among is not None:
            rows = rows.filter(**{f"{f.name}__in": among})
        names.update(n for n in rows.values_list(f.name, flat=True).distinct().iterator() if n)
    return names


def remove_stored_after_commit(names: Iterable[str]) -> None:
    """Remove the stored files of these names once the transaction that deleted the rows
    naming them commits, each unless a row of any model still names it; a rollback keeps
    them, as it keeps the rows. Called by each service that deletes such rows, with the
    names read before the delete.

    Not a `post_delete` receiver: the project keeps its writes in its services, and a
    receiver would make Django load every row of a bulk delete to send it. Every file field
    uses the default storage, which removes a copy still waiting for its link as well."""
    wanted = {name for name in names if name}
    if wanted:
        # Robust: the rows' removal has committed; a file that cannot go now is an orphan
        # `cchc cleanup` removes later, not an error for the user.
        transaction.on_commit(lambda: _remove_unnamed(wanted), robust=True)


def _remove_unnamed(names: set[str]) -> None:
    for name in sorted(names - named_files(among=names)):
        default_storage.delete(name)
