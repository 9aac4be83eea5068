"""Text helpers shared by search and matching."""

import unicodedata


def fold(text: str | None) -> str:
    """Lower-case text without diacritics, with spaces collapsed: "Cải  Cách" -> "cai cach".

    Đ/đ are letters of their own in Unicode, not D plus a mark, so they are mapped by hand.
    """
    if not text:
        return ""
    if not text.isascii():
        text = text.replace("Đ", "D").replace("đ", "d")
        text = unicodedata.normalize("NFD", text).translate(_MARKS)
    return " ".join(text.lower().split())


class _Marks(dict):
    """str.translate's table dropping the combining marks (category Mn), each character
    looked up once: a table lookup costs far less than unicodedata.category per letter."""

    def __missing__(self, code: int) -> str:
        self[code] = "" if unicodedata.category(chr(code)) == "Mn" else chr(code)
        return self[code]


_MARKS = _Marks()


def person_name(user) -> str:
    """A person's name in Vietnamese order, family name first ("Nguyễn Thanh Phong").

    Django's get_full_name() puts the given name first, which reads wrong in Vietnamese.
    """
    if user is None:
        return ""
    name = f"{user.last_name} {user.first_name}".strip()
    return name or user.get_username()


def short_filename(name: str | None, max_bytes: int) -> str:
    """`name` cut to at most `max_bytes` of UTF-8, keeping its extension and whole letters.

    File systems limit a name to 255 bytes (not letters: “ệ” takes three), and the storage
    may still add a suffix to make a name unique."""
    name = (name or "").replace("/", "_").replace("\\", "_").replace("\x00", "")
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext.encode()) > 16:
        stem, ext = name, ""
    suffix = f".{ext}" if ext else ""
    room = max(1, max_bytes - len(suffix.encode()))
    cut = stem.encode()[:room].decode("utf-8", "ignore").rstrip() or "tep"[:room]
    return cut + suffix
