"""Read a plan written in Excel (.xlsx) or Word (.docx): bytes in, `ParsedPlan` out.

First the file itself is checked (size, real format, old or macro formats, passwords,
damaged or hostile archives), then `readers.xlsx` or `readers.docx` reads its tables.
Bad input never raises: it becomes a problem.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
import zlib
from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .readers.docx import parse_docx
from .readers.xlsx import parse_xlsx
from .rows import ParsedPlan

# --- limits --------------------------------------------------------------------------


def max_bytes() -> int:
    return int(getattr(settings, "CCHC_IMPORT_MAX_MB", 20)) * 1024 * 1024


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


def _check_file(data: bytes, filename: str, plan: ParsedPlan) -> str | None:
    """The file's real format ("xlsx"/"docx"), or None after recording why it is refused."""
    ext = PurePath(filename).suffix.lower()
    if not data:
        plan.problem(_("Tệp rỗng."))
        return None
    if len(data) > max_bytes():
        plan.problem(
            _("Tệp nặng %(size).1f MB, vượt giới hạn %(limit)d MB.")
            % {"size": len(data) / 1024 / 1024, "limit": max_bytes() // 1024 // 1024}
        )
        return None
    if ext in OLD_FORMATS:
        plan.problem(str(OLD_FORMATS[ext]))
        return None
    if ext not in (".xlsx", ".docx"):
        plan.problem(
            _("Không nhận tệp “%(name)s”: chỉ nhận kế hoạch dạng Excel (.xlsx) hoặc Word (.docx).")
            % {"name": ext or filename}
        )
        return None
    kind = "Excel" if ext == ".xlsx" else "Word"
    if data.startswith(OLE_SIGNATURE):
        # Office wraps a password-protected .xlsx/.docx in an OLE container with an
        # EncryptionInfo stream; an OLE file without one is an old .xls/.doc renamed.
        if "EncryptionInfo".encode("utf-16-le") in data:
            plan.problem(
                _(
                    "Tệp %(kind)s được đặt mật khẩu: mở tệp, gỡ mật khẩu (Tệp > Thông tin > "
                    "Bảo vệ) rồi tải lên lại."
                )
                % {"kind": kind}
            )
        else:
            old = ".xls" if ext == ".xlsx" else ".doc"
            plan.problem(
                _("Tệp có đuôi %(ext)s nhưng thực chất là định dạng cũ %(old)s.")
                % {"ext": ext, "old": old}
                + " "
                + str(OLD_FORMATS[old])
            )
        return None
    if not data.startswith(ZIP_SIGNATURE):
        plan.problem(
            _(
                "Tệp không phải tệp %(kind)s thật (có thể là tệp khác được đổi đuôi thành "
                "%(ext)s): mở bằng %(kind)s và lưu lại dưới dạng %(ext)s."
            )
            % {"kind": kind, "ext": ext}
        )
        return None
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        plan.problem(
            _("Tệp %(kind)s bị hỏng, không đọc được: mở bằng %(kind)s để sửa rồi lưu lại.")
            % {"kind": kind}
        )
        return None
    total = sum(i.file_size for i in infos)
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            plan.problem(
                _(
                    "Tệp bị từ chối: phần “%(part)s” giải nén ra %(size)d MB (gấp %(ratio).0f "
                    "lần), dấu hiệu của tệp nén độc hại."
                )
                % {"part": info.filename, "size": info.file_size // 1024 // 1024, "ratio": ratio}
            )
            return None
    if total > UNCOMPRESSED_FACTOR * max_bytes():
        plan.problem(
            _("Tệp bị từ chối: nội dung giải nén ra %(size)d MB, vượt giới hạn %(limit)d MB.")
            % {
                "size": total // 1024 // 1024,
                "limit": UNCOMPRESSED_FACTOR * max_bytes() // 1024 // 1024,
            }
        )
        return None
    try:
        types = archive.read("[Content_Types].xml").decode("utf-8", "replace")
        bad_member = archive.testzip()
    except KeyError:
        plan.problem(
            _("Tệp không phải tệp %(kind)s thật (thiếu [Content_Types].xml).") % {"kind": kind}
        )
        return None
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, RuntimeError):
        bad_member = "?"
    if bad_member is not None:
        plan.problem(
            _("Tệp %(kind)s bị hỏng, không đọc được: mở bằng %(kind)s để sửa rồi lưu lại.")
            % {"kind": kind}
        )
        return None
    found = [fmt for ctype, fmt in CONTENT_TYPES.items() if f'ContentType="{ctype}"' in types]
    if not found:
        plan.problem(
            _("Tệp không phải tệp %(kind)s thật (không có sổ làm việc hay tài liệu).")
            % {"kind": kind}
        )
        return None
    if found[0] in OLD_FORMATS:
        plan.problem(
            _("Tệp có đuôi %(ext)s nhưng chứa macro.") % {"ext": ext}
            + " "
            + str(OLD_FORMATS[found[0]])
        )
        return None
    # A .docx renamed .xlsx (or the reverse) is read for what it is.
    return found[0]


# --- entry point ----------------------------------------------------------------------


def parse_plan_file(data: bytes, filename: str) -> ParsedPlan:
    """Read a plan file. Never raises for bad input: `plan.errors` says what is wrong."""
    name = PurePath(filename).name
    plan = ParsedPlan(filename=name, sha256=hashlib.sha256(data).hexdigest())
    kind = _check_file(data, name, plan)
    if kind is None:
        return plan
    plan.format = kind
    if kind == "xlsx":
        parse_xlsx(data, plan)
    else:
        parse_docx(data, plan)
    if not plan.tasks and not plan.errors:
        plan.problem(_("Bảng nhiệm vụ không có nhiệm vụ nào."))
    return plan
