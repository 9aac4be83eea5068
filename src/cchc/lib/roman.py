"""Roman numerals, as plans number their parts (“II. Nội dung”) and quarters (“Quý III”)."""

import re

ROMAN_RE = re.compile(r"(?=[IVXLC])M{0,3}(C[MD]|D?C{0,3})(X[CL]|L?X{0,3})(I[XV]|V?I{0,3})")
_VALUES = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC")]
_VALUES += [(50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def to_roman(number: int) -> str:
    """4 -> “IV”; numbers below 1 have no numeral and give “”."""
    out = ""
    for value, letters in _VALUES:
        while number >= value:
            out += letters
            number -= value
    return out


def is_roman(code: str) -> bool:
    """“IV” and “XII” are numerals (capitals, as plans write them); “IIII” and “iv” are not."""
    return bool(code) and ROMAN_RE.fullmatch(code) is not None


def from_roman(code: str) -> int | None:
    """“iv” or “IV” -> 4; None when `code` is no numeral."""
    code = (code or "").upper()
    if not is_roman(code):
        return None
    total, rest = 0, code
    for value, letters in _VALUES:
        while rest.startswith(letters):
            total += value
            rest = rest[len(letters) :]
    return total
