import datetime

import pytest

from cchc.reporting import rules
from cchc.reporting.models import PeriodKind, ReportingPeriod

D = datetime.date


@pytest.mark.parametrize(
    ("kind", "starts_on", "ends_on", "due_on"),
    [
        (PeriodKind.QUY_1, D(2025, 12, 15), D(2026, 3, 14), D(2026, 3, 20)),
        (PeriodKind.SIX_MONTHS, D(2025, 12, 15), D(2026, 6, 14), D(2026, 6, 20)),
        (PeriodKind.QUY_3, D(2026, 6, 15), D(2026, 9, 14), D(2026, 9, 20)),
        (PeriodKind.YEAR, D(2025, 12, 15), D(2026, 12, 14), D(2026, 12, 20)),
    ],
)
def test_default_windows_follow_the_national_rule(kind, starts_on, ends_on, due_on):
    window = rules.default_window(kind, 2026)
    assert (window.starts_on, window.ends_on, window.due_on) == (starts_on, ends_on, due_on)


def test_ad_hoc_periods_have_no_default_window():
    assert rules.default_window(PeriodKind.AD_HOC, 2026) is None


def test_kind_labels_are_vietnamese():
    assert dict(PeriodKind.choices) == {
        "quy_1": "quý I",
        "six_months": "6 tháng",
        "quy_3": "quý III / 9 tháng",
        "year": "năm",
        "ad_hoc": "đột xuất",
    }


def test_title_phrases_read_as_in_a_report_title(world):
    phrases = {
        kind: ReportingPeriod(plan=world.plan, kind=kind).title_phrase for kind in PeriodKind.values
    }
    assert phrases == {
        "quy_1": "quý I năm 2026",
        "six_months": "6 tháng đầu năm 2026",
        "quy_3": "quý III năm 2026",
        "year": "năm 2026",
        "ad_hoc": "đột xuất năm 2026",
    }
