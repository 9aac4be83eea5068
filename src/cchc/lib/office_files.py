"""Is this upload the Office file it claims to be, and safe to open? Every .xlsx or .docx a
user uploads (a plan to import, a report template) passes here first: size, real format,
old or macro formats, passwords, damaged archives and zip bombs. The answer is the file's
real kind, or `OfficeFileRefused` with a message that says what to do."""

import io
import zipfile
import zlib
from pathlib import PurePath

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# A real workbook's XML compresses 5-30 times; a member that inflates far more than that,
# or a file whose parts add up to far more than the upload limit, is built to exhaust memory.
MAX_RATIO = 100
RATIO_FLOOR = 10 * 1024 * 1024  # small members may compress well without being a threat
UNCOMPRESSED_FACTOR = 10

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"

OLD_FORMATS = {
    ".xls": gettext_lazy(
        "Tệp .xls (Excel 97-2003) không được hỗ trợ: mở bằng Excel và lưu lại dưới dạng "
        "“Sổ làm việc Excel (.xlsx)”."
    ),
    ".doc": gettext_lazy(
        "Tệp .doc (Word 97-2003) không được hỗ trợ: mở bằng Word và lưu lại dưới dạng "
        "“Tài liệu Word (.docx)”."
    ),
    ".xlsm": gettext_lazy(
        "Tệp .xlsm (Excel có macro) không được nhận: lưu lại dưới dạng “Sổ làm việc Excel (.xlsx)”."
    ),
    ".xlsb": gettext_lazy(
        "Tệp .xlsb (Excel nhị phân) không được hỗ trợ: lưu lại dưới dạng "
        "“Sổ làm việc Excel (.xlsx)”."
    ),
    ".docm": gettext_lazy(
        "Tệp .docm (Word có macro) không được nhận: lưu lại dưới dạng “Tài liệu Word (.docx)”."
    ),
    ".ods": gettext_lazy(
        "Tệp .ods không được hỗ trợ: lưu lại dưới dạng “Sổ làm việc Excel (.xlsx)”."
    ),
    ".odt": gettext_lazy("Tệp .odt không được hỗ trợ: lưu lại dưới dạng “Tài liệu Word (.docx)”."),
}

CONTENT_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml": "xlsx",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml": ".xlsm",
    "application/vnd.ms-excel.template.macroEnabled.main+xml": ".xlsm",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": "docx",
    "application/vnd.ms-word.document.macroEnabled.main+xml": ".docm",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml": ".docm",
}


class OfficeFileRefused(Exception):
    """The upload is refused; the message says why and what to do."""


def _mb(size: int) -> int:
    return size // 1024 // 1024


def _check_name(data: bytes, filename: str, max_bytes: int, allowed: tuple[str, ...]) -> str:
    ext = PurePath(filename).suffix.lower()
    if not data:
        raise OfficeFileRefused(_("Tệp rỗng."))
    if len(data) > max_bytes:
        raise OfficeFileRefused(
            _("Tệp nặng %(size).1f MB, vượt giới hạn %(limit)d MB.")
            % {"size": len(data) / 1024 / 1024, "limit": _mb(max_bytes)}
        )
    if ext in OLD_FORMATS:
        raise OfficeFileRefused(str(OLD_FORMATS[ext]))
    if ext not in allowed:
        if allowed == (".docx",):
            message = _("Không nhận tệp “%(name)s”: chỉ nhận tệp Word (.docx).")
        else:
            message = _(
                "Không nhận tệp “%(name)s”: chỉ nhận kế hoạch dạng Excel (.xlsx) hoặc Word (.docx)."
            )
        raise OfficeFileRefused(message % {"name": ext or filename})
    return ext


def _check_container(data: bytes, ext: str, kind: str) -> None:
    if data.startswith(OLE_SIGNATURE):
        # Office wraps a password-protected .xlsx/.docx in an OLE container with an
        # EncryptionInfo stream; an OLE file without one is an old .xls/.doc renamed.
        if "EncryptionInfo".encode("utf-16-le") in data:
            raise OfficeFileRefused(
                _(
                    "Tệp %(kind)s được đặt mật khẩu: mở tệp, gỡ mật khẩu (Tệp > Thông tin > "
                    "Bảo vệ) rồi tải lên lại."
                )
                % {"kind": kind}
            )
        old = ".xls" if ext == ".xlsx" else ".doc"
        raise OfficeFileRefused(
            _("Tệp có đuôi %(ext)s nhưng thực chất là định dạng cũ %(old)s.")
            % {"ext": ext, "old": old}
            + " "
            + str(OLD_FORMATS[old])
        )
    if not data.startswith(ZIP_SIGNATURE):
        raise OfficeFileRefused(
            _(
                "Tệp không phải tệp %(kind)s thật (có thể là tệp khác được đổi đuôi thành "
                "%(ext)s): mở bằng %(kind)s và lưu lại dưới dạng %(ext)s."
            )
            % {"kind": kind, "ext": ext}
        )


def _damaged(kind: str) -> OfficeFileRefused:
    return OfficeFileRefused(
        _("Tệp %(kind)s bị hỏng, không đọc được: mở bằng %(kind)s để sửa rồi lưu lại.")
        % {"kind": kind}
    )


def _check_sizes(infos: list[zipfile.ZipInfo], max_bytes: int) -> None:
    """Refuse a zip bomb before anything inflates it."""
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise OfficeFileRefused(
                _(
                    "Tệp bị từ chối: phần “%(part)s” giải nén ra %(size)d MB (gấp %(ratio).0f "
                    "lần), dấu hiệu của tệp nén độc hại."
                )
                % {"part": info.filename, "size": _mb(info.file_size), "ratio": ratio}
            )
    total = sum(i.file_size for i in infos)
    if total > UNCOMPRESSED_FACTOR * max_bytes:
        raise OfficeFileRefused(
            _("Tệp bị từ chối: nội dung giải nén ra %(size)d MB, vượt giới hạn %(limit)d MB.")
            % {"size": _mb(total), "limit": _mb(UNCOMPRESSED_FACTOR * max_bytes)}
        )


def _content_kind(archive: zipfile.ZipFile, ext: str, kind: str) -> str:
    try:
        types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
        bad_member = archive.testzip()
    except KeyError:
        raise OfficeFileRefused(
            _("Tệp không phải tệp %(kind)s thật (thiếu [Content_Types].xml).") % {"kind": kind}
        ) from None
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, RuntimeError):
        bad_member = "?"
    if bad_member is not None:
        raise _damaged(kind)
    found = [fmt for ctype, fmt in CONTENT_TYPES.items() if f'ContentType="{ctype}"' in types]
    if not found:
        raise OfficeFileRefused(
            _("Tệp không phải tệp %(kind)s thật (không có sổ làm việc hay tài liệu).")
            % {"kind": kind}
        )
    if found[0] in OLD_FORMATS:
        raise OfficeFileRefused(
            _("Tệp có đuôi %(ext)s nhưng chứa macro.") % {"ext": ext}
            + " "
            + str(OLD_FORMATS[found[0]])
        )
    return found[0]


def office_file_kind(
    data: bytes,
    filename: str,
    *,
    max_bytes: int,
    allowed: tuple[str, ...] = (".xlsx", ".docx"),
) -> str:
    """The upload's real format, "xlsx" or "docx" (a .docx renamed .xlsx is read for what
    it is); raises OfficeFileRefused saying what is wrong."""
    ext = _check_name(data, filename, max_bytes, allowed)
    kind = "Excel" if ext == ".xlsx" else "Word"
    _check_container(data, ext, kind)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _damaged(kind) from None
    _check_sizes(infos, max_bytes)
    return _content_kind(archive, ext, kind)
