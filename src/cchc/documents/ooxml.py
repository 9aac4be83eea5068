"""Office Open XML files that do not change when nothing in them changed: fixed member
timestamps and fixed core dates, so that the same content gives the same bytes."""

import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Iterator

# The earliest time a zip member can carry.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
CORE_DATES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")
# Characters XML 1.0 forbids, which a text pasted from Word may carry: python-docx refuses them.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def normalize_zip(content: bytes, when: datetime.datetime | None = None) -> bytes:
    """Rewrite an OOXML zip with fixed member timestamps and fixed core dates."""
    return _fixed_zip(_members(content), when)


def _members(content: bytes) -> Iterator[tuple[str, bytes]]:
    source = zipfile.ZipFile(io.BytesIO(content))
    return ((i.filename, source.read(i.filename)) for i in source.infolist())


def _fixed_zip(members: Iterable[tuple[str, bytes]], when: datetime.datetime | None) -> bytes:
    stamp = (
        (when or datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC))
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .encode()
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members:
            if name == "docProps/core.xml":
                data = CORE_DATES.sub(rb"\g<1>" + stamp + rb"\g<3>", data)
            fixed = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, data)
    return out.getvalue()


def splice(xml: bytes, splices: dict[str, str]) -> bytes:
    """`xml` with each paragraph whose text is a token of `splices` replaced by the XML the
    token names (a table built as text). Every token must be found exactly once."""
    if not splices:
        return xml
    tokens = b"|".join(re.escape(token.encode()) for token in splices)
    # A paragraph up to its token and on to its end, never across another paragraph's end.
    paragraph = re.compile(
        rb"<w:p\b[^>]*>(?:(?!</w:p>).)*?(" + tokens + rb")(?:(?!</w:p>).)*?</w:p>", re.S
    )
    found: list[str] = []

    def table(match: re.Match) -> bytes:
        found.append(match.group(1).decode())
        return splices[found[-1]].encode()

    out = paragraph.sub(table, xml)
    if sorted(found) != sorted(splices):
        raise ValueError(f"Splice tokens found {found} of {list(splices)}.")
    return out


def finish_docx(
    document,
    *,
    title: str,
    author: str,
    when: datetime.datetime,
    splices: dict[str, str] | None = None,
) -> bytes:
    """A python-docx Document saved with fixed core properties and zip timestamps; the
    main part's placeholder paragraphs replaced by `splices` (see `splice`)."""
    props = document.core_properties
    props.author = props.last_modified_by = author
    props.title = title
    props.subject = props.comments = props.keywords = props.category = ""
    props.revision = 1
    props.created = props.modified = props.last_printed = when.replace(tzinfo=None)
    saved = io.BytesIO()
    document.save(saved)
    # Saved before the splices, the main part is small: unzipping and zipping it again here
    # costs little, and the tables are compressed once.
    main = document.part.partname.membername
    members = (
        (name, splice(data, splices or {}) if name == main else data)
        for name, data in _members(saved.getvalue())
    )
    return _fixed_zip(members, when)
