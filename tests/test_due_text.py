"""The deadline words of real plans, read into a due date (design: "Due texts in real plans").

A month or quarter means its last day; a range means its end; "Thường xuyên" and "Cả năm"
make the task recurring; words naming no date give no date; the plan's year fills in a
year the words omit; the words themselves are kept as written.
"""

import datetime

import pytest

from cchc.lib.roman import from_roman, is_roman, to_roman
from cchc.plans import services
from cchc.plans.due_text import DueDate, parse_due_text
from cchc.plans.models import Area

PLAN_YEAR = 2026


D = datetime.date

# (words as written, due date, is recurring)
DESIGN_FORMS = [
    ("30/6/2023", D(2023, 6, 30), False),
    ("Tháng 6/2023", D(2023, 6, 30), False),
    ("Quý II/2023", D(2023, 6, 30), False),
    ("6 tháng đầu năm", D(PLAN_YEAR, 6, 30), False),
    ("Năm 2023", D(2023, 12, 31), False),
    ("Cả năm", None, True),
    ("Thường xuyên", None, True),
    ("Trước 15/12/2023", D(2023, 12, 15), False),
    ("Quý II/2023 – Quý IV/2023", D(2023, 12, 31), False),
    ("Đột xuất", None, False),
    ("Theo hướng dẫn của Bộ Nội vụ", None, False),
]

MORE_FORMS = [
    # days and months: the exact day; a month alone: its last day (leap years included)
    ("30/06/2023", D(2023, 6, 30), False),
    ("1/1/2024", D(2024, 1, 1), False),
    ("29/2/2024", D(2024, 2, 29), False),
    ("30.6.2023", D(2023, 6, 30), False),
    ("Tháng 2/2024", D(2024, 2, 29), False),
    ("Tháng 2/2023", D(2023, 2, 28), False),
    ("Tháng 12/2023", D(2023, 12, 31), False),
    ("Tháng 02/2023", D(2023, 2, 28), False),
    ("6/2023", D(2023, 6, 30), False),
    ("Trong tháng 6/2023", D(2023, 6, 30), False),
    ("Tháng 6 năm 2023", D(2023, 6, 30), False),
    ("Trước ngày 15/12/2023", D(2023, 12, 15), False),
    ("Trước ngày 15 tháng 12 năm 2023", D(2023, 12, 15), False),
    ("Ngày 15 tháng 6", D(PLAN_YEAR, 6, 15), False),
    ("Ngày 31 tháng 2 năm 2023", None, False),
    # every quarter, Roman or Arabic
    ("Quý I/2023", D(2023, 3, 31), False),
    ("Quý III/2023", D(2023, 9, 30), False),
    ("Quý IV/2023", D(2023, 12, 31), False),
    ("Quý 2/2023", D(2023, 6, 30), False),
    ("Quý 4 năm 2023", D(2023, 12, 31), False),
    ("Hết quý IV", D(PLAN_YEAR, 12, 31), False),
    # half years, nine months, year end
    ("6 tháng đầu năm 2023", D(2023, 6, 30), False),
    ("9 tháng đầu năm", D(PLAN_YEAR, 9, 30), False),
    ("6 tháng cuối năm", D(PLAN_YEAR, 12, 31), False),
    ("6 tháng cuối năm 2023", D(2023, 12, 31), False),
    ("Cuối năm", D(PLAN_YEAR, 12, 31), False),
    ("Cuối năm 2023", D(2023, 12, 31), False),
    ("Trong năm 2023", D(2023, 12, 31), False),
    # ranges: the end counts
    ("Quý II – Quý IV/2023", D(2023, 12, 31), False),
    ("Quý II/2023 - Quý III/2023", D(2023, 9, 30), False),
    ("Quý II/2023—Quý III/2023", D(2023, 9, 30), False),
    ("Tháng 6/2023 - Tháng 9/2023", D(2023, 9, 30), False),
    ("Từ tháng 3 đến tháng 6/2023", D(2023, 6, 30), False),
    ("Quý IV/2023 – Quý I/2024", D(2024, 3, 31), False),
    # recurring words win over any date named beside them
    ("Hằng năm", None, True),
    ("Hàng năm", None, True),
    ("Liên tục", None, True),
    ("Thường xuyên, báo cáo trước 15/12", None, True),
    ("Cả năm 2023", None, True),
    # words that name no date
    ("", None, False),
    ("   ", None, False),
    ("Khi có yêu cầu", None, False),
    ("Theo kế hoạch của Bộ", None, False),
]

YEAR_OMITTED = [
    ("30/6", D(PLAN_YEAR, 6, 30)),
    ("Trước 15/12", D(PLAN_YEAR, 12, 15)),
    ("Tháng 6", D(PLAN_YEAR, 6, 30)),
    ("Quý II", D(PLAN_YEAR, 6, 30)),
    ("Quý IV", D(PLAN_YEAR, 12, 31)),
    ("6 tháng đầu năm", D(PLAN_YEAR, 6, 30)),
    ("Quý II – Quý IV", D(PLAN_YEAR, 12, 31)),
]

INVALID_DATES = [
    "31/02/2023",
    "30/2/2024",
    "31/4/2023",
    "29/2/2023",
    "32/1/2023",
    "0/5/2023",
    "15/13/2023",
    "Trước 31/02/2023",
    "Tháng 13/2023",
    "Tháng 0/2023",
    "Quý V/2023",
]


@pytest.mark.parametrize("text,due,recurring", DESIGN_FORMS, ids=[f[0] for f in DESIGN_FORMS])
def test_design_forms(text, due, recurring):
    assert parse_due_text(text, PLAN_YEAR) == DueDate(due, recurring)


@pytest.mark.parametrize(
    "text,due,recurring", MORE_FORMS, ids=[f[0] or "empty" for f in MORE_FORMS]
)
def test_other_forms_in_real_plans(text, due, recurring):
    assert parse_due_text(text, PLAN_YEAR) == DueDate(due, recurring)


@pytest.mark.parametrize("text,due", YEAR_OMITTED, ids=[f[0] for f in YEAR_OMITTED])
def test_year_omitted_is_the_plans_year(text, due):
    assert parse_due_text(text, PLAN_YEAR) == DueDate(due, False)
    # and another plan year gives another date
    assert parse_due_text(text, 2031) == DueDate(due.replace(year=2031), False)


@pytest.mark.parametrize("text", INVALID_DATES)
def test_impossible_dates_give_no_date(text):
    assert parse_due_text(text, PLAN_YEAR) == DueDate(None, False)


def _case_variants(text: str) -> list[str]:
    from cchc.lib.text import fold

    return [text.upper(), text.lower(), text.title(), fold(text), fold(text).upper()]


@pytest.mark.parametrize("text,due,recurring", DESIGN_FORMS, ids=[f[0] for f in DESIGN_FORMS])
def test_case_and_diacritics_do_not_matter(text, due, recurring):
    for variant in _case_variants(text):
        assert parse_due_text(variant, PLAN_YEAR) == DueDate(due, recurring), variant


@pytest.mark.parametrize(
    "text,expected",
    [
        ("QUÝ II/2023", D(2023, 6, 30)),
        ("quy ii/2023", D(2023, 6, 30)),
        ("Quy IV/2023", D(2023, 12, 31)),
        ("THANG 6/2023", D(2023, 6, 30)),
        ("truoc 15/12/2023", D(2023, 12, 15)),
        ("NAM 2023", D(2023, 12, 31)),
        ("  Tháng   6 / 2023  ", D(2023, 6, 30)),
        # decomposed Unicode (as some Word documents store it) reads the same
        ("Qu\u0079\u0301 II/2023", D(2023, 6, 30)),
        ("Tha\u0301ng 6/2023", D(2023, 6, 30)),
    ],
)
def test_spellings_people_type(text, expected):
    assert parse_due_text(text, PLAN_YEAR) == DueDate(expected, False)


@pytest.mark.parametrize(
    "text", ["THƯỜNG XUYÊN", "thuong xuyen", "Thuong Xuyen", "CẢ NĂM", "ca nam", "Thường  xuyên"]
)
def test_recurring_words_in_any_case(text):
    assert parse_due_text(text, PLAN_YEAR) == DueDate(None, True)


def test_task_create_keeps_the_words_and_reads_the_date(world):
    area = Area.objects.get(code=2)
    cases = {
        "Quý II/2023 – Quý IV/2023": (D(2023, 12, 31), False),
        "Thường xuyên": (None, True),
        "Theo hướng dẫn của Bộ Nội vụ": (None, False),
        "Tháng 9": (D(2027, 9, 30), False),  # the draft plan's year is 2027
    }
    for text, (due, recurring) in cases.items():
        task = services.task_create(
            actor=world.users["office"],
            plan=world.draft,
            area=area,
            title=f"Nhiệm vụ {text}",
            lead_unit=world.units["CTH"],
            due_text=text,
        )
        task.refresh_from_db()
        assert (task.due_text, task.due_date, task.is_recurring) == (text, due, recurring)


def test_explicit_due_date_and_recurring_flag_win_over_the_words(world):
    task = services.task_create(
        actor=world.users["office"],
        plan=world.draft,
        area=Area.objects.get(code=2),
        title="Nhiệm vụ có ngày do Văn phòng nhập",
        lead_unit=world.units["CTH"],
        due_text="Quý II/2027",
        due_date=D(2027, 5, 15),
        is_recurring=False,
    )
    task.refresh_from_db()
    assert (task.due_text, task.due_date, task.is_recurring) == (
        "Quý II/2027",
        D(2027, 5, 15),
        False,
    )


def test_before_a_month_of_a_year_means_that_months_end():
    assert parse_due_text("Trước 6/2023", 2026) == (D(2023, 6, 30), False)


@pytest.mark.parametrize(
    ("number", "numeral"), [(1, "I"), (4, "IV"), (7, "VII"), (9, "IX"), (14, "XIV"), (40, "XL")]
)
def test_roman_numerals_both_ways(number, numeral):
    assert to_roman(number) == numeral and from_roman(numeral) == number
    assert from_roman(numeral.lower()) == number and is_roman(numeral)
    assert not is_roman("IIII") and from_roman("quy") is None and to_roman(0) == ""
