"""The national CCHC reporting rule: data windows and deadlines of each kind of period.

Nghị định 09/2019/NĐ-CP and Công văn 581/BNV-CCHC: quý I, 6 tháng and năm run from 15/12 of
the previous year to 14/3, 14/6 and 14/12; quý III runs from 15/6 to 14/9; the report is due
on the 20th of the period's last month. These are defaults: the office may change any date
of a period it opens.
"""

import datetime
from dataclasses import dataclass

QUY_1 = "quy_1"
SIX_MONTHS = "six_months"
QUY_3 = "quy_3"
YEAR = "year"
AD_HOC = "ad_hoc"

# kind -> (window start as (month, day, year offset), window end (month, day), due month)
_RULE = {
    QUY_1: ((12, 15, -1), (3, 14), 3),
    SIX_MONTHS: ((12, 15, -1), (6, 14), 6),
    QUY_3: ((6, 15, 0), (9, 14), 9),
    YEAR: ((12, 15, -1), (12, 14), 12),
}
DUE_DAY = 20


@dataclass(frozen=True)
class Window:
    starts_on: datetime.date
    ends_on: datetime.date
    due_on: datetime.date


def default_window(kind: str, year: int) -> Window | None:
    """The rule's window and deadline for a period of `kind` in `year`; None for ad hoc."""
    if kind not in _RULE:
        return None
    (start_month, start_day, offset), (end_month, end_day), due_month = _RULE[kind]
    return Window(
        starts_on=datetime.date(year + offset, start_month, start_day),
        ends_on=datetime.date(year, end_month, end_day),
        due_on=datetime.date(year, due_month, DUE_DAY),
    )
