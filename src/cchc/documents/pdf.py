"""DOCX to PDF with LibreOffice (`soffice`), when the server has it."""

import os
import shutil
import subprocess
import tempfile

from django.utils.translation import gettext as _


class PdfUnavailable(Exception):
    """LibreOffice is not installed here, so no PDF; the DOCX still works."""


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_available() -> bool:
    return soffice_path() is not None


def docx_to_pdf(content: bytes, timeout: int = 600) -> bytes:
    """Convert DOCX bytes to PDF with LibreOffice headless, in a private profile so that
    parallel conversions do not clash."""
    binary = soffice_path()
    if binary is None:
        raise PdfUnavailable(
            _(
                "Máy chủ chưa cài LibreOffice (gói libreoffice-writer-nogui) nên chưa xuất được "
                "PDF; hãy tải bản DOCX."
            )
        )
    with tempfile.TemporaryDirectory(prefix="cchc-pdf-") as tmp:
        source = os.path.join(tmp, "bao-cao.docx")
        with open(source, "wb") as fh:
            fh.write(content)
        profile = os.path.join(tmp, "profile")
        # LibreOffice found by soffice_path(); the arguments are our own temporary paths.
        result = subprocess.run(  # noqa: S603
            [
                binary,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                tmp,
                source,
            ],
            capture_output=True,
            timeout=timeout,
            check=False,
        )
        target = os.path.join(tmp, "bao-cao.pdf")
        if result.returncode != 0 or not os.path.exists(target):
            raise RuntimeError(
                _("LibreOffice không chuyển được sang PDF: %(output)s")
                % {"output": (result.stderr or result.stdout).decode(errors="replace")[-500:]}
            )
        with open(target, "rb") as fh:
            return fh.read()
