"""Files people upload (evidence of a task, a unit report's attachments): what each keeps
beside itself, one way to check, name and fingerprint an upload before it is stored, and
one way to hand it back."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import models
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
