"""Percentages: one way to compute a rate and one way to write it, for every page and document.

A rate is kept as a number of percent cut (not rounded) to two decimals, as the Government
Office publishes them: 16,051 done and 223 overdue give 98.62 %, not 98.63 % (Báo cáo
1270/BC-TCTTTg). It is written with one decimal, rounded half up, a decimal comma and a
no-break space before the sign: “36,7 %”. Cutting to two decimals first never changes the
written figure: a half-way point at one decimal has two decimals itself, so the cut value
reaches it exactly when the exact value does.
"""

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

# The written form; the tests of the dashboard, the board and the documents compare against
# format_rate() itself, so changing this changes every page and document alike.
RATE_DECIMALS = 1
NO_BREAK_SPACE = "\u00a0"
EMPTY = "–"


def percent(part: int, whole: int) -> float | None:
    """100 × part ÷ whole, cut to two decimals; None when the whole is zero."""
    if not whole:
        return None
    exact = Decimal(100 * part) / Decimal(whole)
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_DOWN))


def completion_rate(done: int, overdue: int) -> float | None:
    """The Government Office's completion rate: done ÷ (done + overdue unfinished).

    Unfinished tasks not yet due, and recurring ones, are not counted at all."""
    return percent(done, done + overdue)


def format_number(value: float | int | None) -> str:
    """98.62 -> “98,6”; 100 -> “100”; None -> “–”. Without the sign, for table cells whose
    header already says (%)."""
    if value is None or value == "":
        return EMPTY
    number = Decimal(str(value)).quantize(Decimal(1).scaleb(-RATE_DECIMALS), ROUND_HALF_UP)
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def format_rate(value: float | int | None) -> str:
    """98.62 -> “98,6 %”; 36.73 -> “36,7 %”; None -> “–” (nothing to count)."""
    if value is None or value == "":
        return EMPTY
    return f"{format_number(value)}{NO_BREAK_SPACE}%"


def format_points(value: Decimal | float | int | None) -> str:
    """Points as a reader writes them: 89.50 -> “89,5”; 100.00 -> “100”; None -> “–”."""
    if value is None or value == "":
        return EMPTY
    text = f"{Decimal(str(value)):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")
