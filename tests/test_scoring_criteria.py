"""The criteria sets of scoring (issue 12, “Criteria”): the tree's rules, the example set,
copying to the next year, XLSX out and back in (with hostile files), who may see and change
a set, and the set's page at a constant number of queries."""

import io
from decimal import Decimal
from types import SimpleNamespace

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from cchc.audit.models import AuditEvent
from cchc.plans.models import Area
from cchc.scoring import selectors, services, tree
from cchc.scoring.models import CriteriaSet, Criterion, RatioSource, SetStatus
from cchc.scoring.transfer import parse_criteria_file
from tests.fixtures_plans import xlsx_from_rows
from tests.world import sign_in

HEADER = [
    "Mã",
    "Tiêu chí",
    "Điểm tối đa",
    "Phương thức",
    "Nguồn số liệu",
    "Thang",
    "Hướng dẫn chấm",
    "Tài liệu kiểm chứng",
]


def node(code, points, method="", source="", bands=""):
    return SimpleNamespace(
        code=code, max_points=Decimal(points), method=method, ratio_source=source, bands=bands
    )


def problems(*nodes):
    return [p.message for p in tree.validate_nodes(nodes)]


# --- the tree's rules ------------------------------------------------------------------


def test_a_sound_tree_has_no_problem():
    assert (
        problems(
            node("1", "5"),
            node("1.1", "3"),
            node("1.1.1", "1", "yes_no"),
            node("1.1.2", "2", "ratio", "tasks_on_time", "100:1; 80:0,5; 0:0"),
            node("1.2", "2", "manual"),
        )
        == []
    )


def test_a_sum_that_does_not_match_is_named_by_its_code():
    found = problems(node("1", "5"), node("1.1", "3", "manual"), node("1.2", "1", "manual"))
    assert found == ["1: điểm tối đa 5 khác tổng điểm các tiêu chí con 4."]


def test_depth_beyond_three_levels_is_refused():
    found = problems(
        node("1", "1"), node("1.1", "1"), node("1.1.1", "1"), node("1.1.1.1", "1", "manual")
    )
    assert any(p.startswith("1.1.1.1: cây tiêu chí chỉ có tối đa 3 cấp") for p in found)


@pytest.mark.parametrize("code", ["1.", "a.1", "1..2", "0.1", "1.2a", "", "1 .2"])
def test_a_bad_code_is_named(code):
    found = problems(node(code, "1", "manual"))
    assert found and "Mã phải gồm các số" in found[0]


def test_a_leaf_needs_a_method_and_a_parent_may_not_have_one():
    found = problems(node("1", "2", "manual"), node("1.1", "2"))
    assert "1: tiêu chí có tiêu chí con không có phương thức chấm" in found[0]
    assert found[1] == "1.1: tiêu chí không có tiêu chí con cần phương thức chấm."


def test_a_missing_parent_and_a_duplicate_are_named():
    found = problems(node("2.1", "1", "manual"), node("3", "1", "manual"), node("3", "1", "manual"))
    assert "3: mã bị trùng." in found
    assert "2.1: thiếu tiêu chí cha 2." in found


@pytest.mark.parametrize(
    ("bands", "why"),
    [
        ("", "Cần ít nhất một mức"),
        ("100-1", "không đúng dạng"),
        ("100:1; abc:0", "không đúng dạng"),
        ("80:0,5; 100:1", "giảm dần"),
        ("100:1; 100:0,5", "giảm dần"),
        ("100:0,5; 80:1", "hệ số cao hơn"),
        ("120:1", "từ 0 đến 100"),
        ("100:2", "từ 0 đến 1"),
    ],
)
def test_bands_format_and_descending_thresholds(bands, why):
    found = problems(node("1", "2", "ratio", "tasks_on_time", bands))
    assert len(found) == 1 and found[0].startswith("1: thang điểm:") and why in found[0]


def test_a_ratio_leaf_needs_its_source():
    assert problems(node("1", "2", "ratio", "", "100:1")) == [
        "1: tiêu chí tỷ lệ cần nguồn số liệu."
    ]


@pytest.mark.parametrize(
    ("share", "points"), [(100, "4.00"), (99.99, "2.00"), (80, "2.00"), (79.9, "0.00"), (0, "0.00")]
)
def test_band_edges(share, points):
    bands = tree.parse_bands("100:1; 80:0,5; 0:0")
    assert tree.band_points(bands, Decimal(str(share)), Decimal("4")) == Decimal(points)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2,5", "2.5"),
        ("2.5", "2.5"),
        (" 10 ", "10"),
        ("0", "0"),
        ("2,555", None),
        ("-1", None),
        ("1e3", None),
        ("NaN", None),
        ("10000", None),
        ("1.234,5", None),
    ],
)
def test_points_accept_a_vietnamese_decimal_comma(text, value):
    assert tree.parse_points(text) == (Decimal(value) if value else None)


# --- the example set, copying, marking in use ------------------------------------------


@pytest.fixture
def example(world):
    return services.criteria_set_create_example(
        actor=world.users["office"], unit=world.units["TCCT"], year=2026
    )


def test_the_example_set_covers_the_seven_areas_on_100_points_and_holds(example):
    assert example.is_example and example.note == "Bộ tiêu chí mẫu — cần điều chỉnh cho phù hợp"
    areas = list(example.criteria.filter(parent=None).order_by("order"))
    assert [a.code for a in areas] == [str(i) for i in range(1, 8)]
    assert [a.title for a in areas] == list(Area.objects.values_list("name", flat=True))
    assert sum(a.max_points for a in areas) == Decimal("100")
    assert services.validate_tree(example) == []
    for area in areas:
        assert 3 <= area.children.count() <= 6
    sources = set(example.criteria.exclude(ratio_source="").values_list("ratio_source", flat=True))
    assert sources == set(RatioSource.values)
    methods = set(example.criteria.exclude(method="").values_list("method", flat=True))
    assert methods == {"manual", "yes_no", "ratio", "survey"}
    assert example.criteria.filter(code__regex=r"^\d+\.\d+\.\d+$").exists()
    assert AuditEvent.objects.filter(action="criteria_set.create_example").count() == 1


def test_copy_to_next_year_is_deep_and_independent(world, example):
    office = world.users["office"]
    services.criteria_set_mark_in_use(actor=office, criteria_set=example)
    copy = services.criteria_set_copy(actor=office, criteria_set=example)
    assert (copy.year, copy.status, copy.title) == (2027, SetStatus.DRAFT, example.title)
    fields = ["code", "title", "max_points", "method", "ratio_source", "bands", "guidance"]

    def rows(s):
        return list(s.criteria.order_by("code").values_list(*fields))

    assert rows(copy) == rows(example)
    leaf = copy.criteria.get(code="1.2.1")
    assert leaf.parent.code == "1.2" and leaf.parent.criteria_set_id == copy.pk
    services.criterion_update(actor=office, criterion=leaf, values={"title": "Đổi tên"})
    assert example.criteria.get(code="1.2.1").title != "Đổi tên"
    with pytest.raises(ValidationError):  # the same title for 2027 again
        services.criteria_set_copy(actor=office, criteria_set=example)


def test_a_set_in_use_is_locked(world, example):
    office = world.users["office"]
    services.criteria_set_mark_in_use(actor=office, criteria_set=example)
    leaf = example.criteria.get(code="1.5")
    with pytest.raises(ValidationError, match="đã khóa"):
        services.criterion_update(actor=office, criterion=leaf, values={"title": "x"})
    with pytest.raises(ValidationError, match="đã khóa"):
        services.criterion_delete(actor=office, criterion=leaf)
    with pytest.raises(ValidationError, match="đã khóa"):
        services.criterion_create(
            actor=office,
            criteria_set=example,
            values={"code": "8", "title": "x", "max_points": Decimal(1), "method": "manual"},
        )


def test_marking_in_use_is_refused_with_the_problems(world, example):
    office = world.users["office"]
    leaf = example.criteria.get(code="1.5")
    services.criterion_update(actor=office, criterion=leaf, values={"max_points": Decimal("3")})
    with pytest.raises(ValidationError) as caught:
        services.criteria_set_mark_in_use(actor=office, criteria_set=example)
    assert caught.value.messages == ["1: điểm tối đa 14 khác tổng điểm các tiêu chí con 15."]
    example.refresh_from_db()
    assert example.status == SetStatus.DRAFT


def test_a_criterion_is_placed_by_its_code(world):
    office = world.users["office"]
    s = services.criteria_set_create(actor=office, unit=world.units["TCCT"], year=2026, title="A")
    values = {"title": "T", "max_points": Decimal(2), "method": ""}
    area = services.criterion_create(actor=office, criteria_set=s, values=values | {"code": "1"})
    child = services.criterion_create(
        actor=office, criteria_set=s, values=values | {"code": "1.1", "method": "manual"}
    )
    assert child.parent == area
    with pytest.raises(ValidationError, match="Chưa có tiêu chí cha 2"):
        services.criterion_create(actor=office, criteria_set=s, values=values | {"code": "2.1"})
    with pytest.raises(ValidationError, match="đã có"):
        services.criterion_create(actor=office, criteria_set=s, values=values | {"code": "1.1"})
    with pytest.raises(ValidationError, match="tiêu chí con"):
        services.criterion_delete(actor=office, criterion=area)
    assert services.validate_tree(s) == []


# --- XLSX out and back in ---------------------------------------------------------------


def test_export_then_import_gives_an_equal_tree(world, example):
    out, name = selectors.set_workbook(user=world.users["office"], pk=example.pk)
    data = out.read()
    assert name.endswith(".xlsx")
    back = services.criteria_set_import(
        actor=world.users["office"],
        unit=world.units["TCCT"],
        year=2027,
        title="Nhập lại",
        data=data,
        filename=name,
    )
    fields = [
        "code",
        "title",
        "max_points",
        "method",
        "ratio_source",
        "bands",
        "guidance",
        "evidence_required",
        "parent__code",
    ]

    def rows(s):
        return sorted(s.criteria.values_list(*fields))

    assert rows(back) == rows(example)
    assert services.validate_tree(back) == []


def test_the_export_keeps_the_formula_guard(world):
    office = world.users["office"]
    s = services.criteria_set_create(actor=office, unit=world.units["TCCT"], year=2026, title="F")
    services.criterion_create(
        actor=office,
        criteria_set=s,
        values={
            "code": "1",
            "title": '=HYPERLINK("http://x")',
            "max_points": Decimal(1),
            "method": "manual",
        },
    )
    out, _name = selectors.set_workbook(user=office, pk=s.pk)
    raw = out.read()
    ws = openpyxl.load_workbook(io.BytesIO(raw)).active
    assert ws["B2"].value == '=HYPERLINK("http://x")' and ws["B2"].data_type == "s"
    assert ws["B2"].quotePrefix


def _import(world, data, filename="bo.xlsx"):
    before = (CriteriaSet.objects.count(), Criterion.objects.count())
    with pytest.raises(ValidationError) as caught:
        services.criteria_set_import(
            actor=world.users["office"],
            unit=world.units["TCCT"],
            year=2026,
            title="Nhập",
            data=data,
            filename=filename,
        )
    assert (CriteriaSet.objects.count(), Criterion.objects.count()) == before  # nothing written
    return caught.value.message_dict["file"]


def test_import_lists_every_problem_by_row_and_column(world):
    rows = [
        HEADER,
        ["1", "Lĩnh vực", "5", "", "", "", "", ""],
        ["1.1", "Một", "abc", "Chấm trực tiếp", "", "", "", ""],
        ["1.2", "Hai", "2", "Bói toán", "", "", "", ""],
        ["1.3", "Ba", "1", "ratio", "tasks_on_time", "80:1; 100:0", "", ""],
        ["1.3", "Trùng", "1", "manual", "", "", "", ""],
    ]
    found = _import(world, xlsx_from_rows(rows))
    assert "Dòng 3, cột C: “abc” không phải số điểm" in " ".join(found)
    assert any(p.startswith("Dòng 4, cột D: “Bói toán” không có trong danh mục") for p in found)
    # A row's own problems stop before the tree is judged, so the tree waits for them.
    rows[2][2], rows[3][3] = "2", "manual"
    found = _import(world, xlsx_from_rows(rows))
    assert "Dòng 5, cột F: 1.3: thang điểm: Các ngưỡng phải giảm dần từ trái sang phải." in found
    assert "Dòng 6, cột A: 1.3: mã bị trùng." in found
    rows[4][5] = "100:1; 80:0,5"
    rows[5][0] = "2.1"
    found = _import(world, xlsx_from_rows(rows))
    assert "Dòng 6, cột A: 2.1: thiếu tiêu chí cha 2." in found
    assert "Dòng 2, cột C: 1: điểm tối đa 5 khác tổng điểm các tiêu chí con 5." not in found


def test_a_real_looking_hostile_file(world):
    """A title merged over the columns, blank rows, points as text with a comma, a formula."""
    rows = [
        ["BỘ TIÊU CHÍ CHẤM ĐIỂM CCHC NĂM 2026"],
        [],
        HEADER,
        ["1", "Lĩnh vực một", "4,5", "", "", "", "", ""],
        [],
        ["1.1", "Một", "2,5", "Có/Không", "", "", "", ""],
        ["1.2", "Hai", "=1+1", "Chấm trực tiếp", "", "", "", ""],
        [None, None, None],
    ]
    data = xlsx_from_rows(rows, merges=("A1:H1",))
    found = _import(world, data)
    assert found == ["Dòng 7, cột C: ô chứa công thức; hãy nhập giá trị."]
    rows[6][2] = "2"
    made = services.criteria_set_import(
        actor=world.users["office"],
        unit=world.units["TCCT"],
        year=2026,
        title="Nhập",
        data=xlsx_from_rows(rows, merges=("A1:H1",)),
        filename="bo.xlsx",
    )
    assert made.criteria.get(code="1.1").max_points == Decimal("2.5")
    assert made.criteria.get(code="1.1").method == "yes_no"
    assert made.criteria.count() == 3 and services.validate_tree(made) == []


def test_files_that_are_not_a_workbook_are_refused(world, settings):
    assert "Tệp rỗng" in _import(world, b"")[0]
    assert "không phải tệp Excel thật" in _import(world, b"hello" * 100)[0]
    assert ".xls (Excel 97-2003)" in _import(world, b"x", "bo.xls")[0]
    settings.CCHC_IMPORT_MAX_MB = 1
    assert "vượt giới hạn" in _import(world, b"PK\x03\x04" + b"0" * (2 * 1024 * 1024))[0]
    assert "Không thấy dòng tiêu đề" in _import(world, xlsx_from_rows([["a", "b"]]))[0]


def test_parse_accepts_labels_and_codes():
    rows = [
        HEADER,
        ["1", "A", 2, "Tỷ lệ từ số liệu", "Tỷ lệ báo cáo gửi đúng hạn", "100:1; 0:0", "", ""],
    ]
    parsed = parse_criteria_file(xlsx_from_rows(rows), "a.xlsx")
    assert parsed.problems == []
    assert (parsed.rows[0].method, parsed.rows[0].ratio_source) == ("ratio", "reports_on_time")


# --- who may see and change a set ------------------------------------------------------


def test_only_the_office_of_the_branch_writes(world, sibling, example):
    for who in ("leader", "viewer", "appraiser", "focal_a"):
        with pytest.raises(PermissionDenied):
            services.criteria_set_copy(actor=world.users[who], criteria_set=example)
    with pytest.raises(PermissionDenied):
        services.criteria_set_create_example(
            actor=sibling["office"], unit=world.units["TCCT"], year=2026
        )


def _get(world, username, url):
    client = Client()
    assert sign_in(client, username)
    return client.get(url)


def test_pages_by_role(world, sibling, example):
    url = reverse("scoring:set-detail", args=[example.pk])
    edit = reverse("scoring:criterion-edit", args=[example.criteria.get(code="1.5").pk])
    office = _get(world, "office", url)
    assert office.status_code == 200 and "Thêm tiêu chí" in office.content.decode()
    for who in ("leader", "viewer", "appraiser"):
        page = _get(world, who, url)
        assert page.status_code == 200, who
        assert "Thêm tiêu chí" not in page.content.decode()
        assert _get(world, who, edit).status_code == 403
    assert _get(world, "focal_a", url).status_code == 404  # a draft is not the units'
    assert _get(world, "office_h", url).status_code == 404
    services.criteria_set_mark_in_use(actor=world.users["office"], criteria_set=example)
    assert _get(world, "focal_a", url).status_code == 200
    assert (
        _get(world, "focal_a", reverse("scoring:set-export", args=[example.pk])).status_code == 200
    )
    assert _get(world, "office_h", url).status_code == 404
    listing = _get(world, "office_h", reverse("scoring:set-list")).content.decode()
    assert example.title not in listing
    locked = _get(world, "office", url).content.decode()
    assert "đã khóa" in locked and "Thêm tiêu chí" not in locked


def test_the_office_builds_a_set_through_the_pages(world):
    client = Client()
    assert sign_in(client, "office")
    response = client.post(reverse("scoring:set-example"), {"year": "2026"})
    made = CriteriaSet.objects.get()
    assert response["Location"] == reverse("scoring:set-detail", args=[made.pk])
    again = client.post(reverse("scoring:set-example"), {"year": "2026"})
    assert again.status_code == 400 and "cùng tên" in again.content.decode()
    add = reverse("scoring:criterion-create", args=[made.pk])
    bad = client.post(
        add,
        {
            "code": "8.1.1.1",
            "title": "x",
            "max_points": "2,5",
            "method": "ratio",
            "bands": "80:1; 100:0",
        },
    )
    text = bad.content.decode()
    assert bad.status_code == 400 and "tối đa 3 cấp" in text and "giảm dần" in text
    assert "cần nguồn số liệu" in text
    ok = client.post(add, {"code": "8", "title": "Lĩnh vực thêm", "max_points": "2,5"})
    assert ok.status_code == 302
    eight = made.criteria.get(code="8")
    assert eight.max_points == Decimal("2.5")
    refused = client.post(reverse("scoring:set-in-use", args=[made.pk]), follow=True)
    assert "8: tiêu chí không có tiêu chí con cần phương thức chấm." in refused.content.decode()
    made.refresh_from_db()
    assert made.status == SetStatus.DRAFT
    edit = reverse("scoring:criterion-edit", args=[eight.pk])
    form = client.get(edit).content.decode()
    assert 'value="2,5"' in form
    values = {"code": "8", "title": "Lĩnh vực thêm", "max_points": "2,5", "method": "manual"}
    assert client.post(edit, values).status_code == 302
    client.post(reverse("scoring:set-in-use", args=[made.pk]))
    made.refresh_from_db()
    assert made.status == SetStatus.IN_USE
    locked = client.post(edit, values | {"title": "Khác"}, follow=True)
    assert "đã khóa" in locked.content.decode()
    assert made.criteria.get(code="8").title == "Lĩnh vực thêm"


def test_the_set_page_reads_a_constant_number_of_queries(
    world, client, django_assert_max_num_queries
):
    office = world.users["office"]
    small = services.criteria_set_create(
        actor=office, unit=world.units["TCCT"], year=2026, title="Nhỏ"
    )
    services.criterion_create(
        actor=office,
        criteria_set=small,
        values={"code": "1", "title": "A", "max_points": Decimal(1), "method": "manual"},
    )
    big = services.criteria_set_create_example(actor=office, unit=world.units["TCCT"], year=2026)
    assert sign_in(client, "office")
    with django_assert_max_num_queries(30) as few:
        assert client.get(reverse("scoring:set-detail", args=[small.pk])).status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("scoring:set-detail", args=[big.pk])).status_code == 200
