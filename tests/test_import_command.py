"""cchc import_plan: lists what it read, exits 0 on success and 2 with the problems."""

import io

import pytest
from django.core.management import CommandError, call_command

from cchc.orgs import services as org_services
from cchc.orgs.models import UnitGroupMode
from cchc.plans.models import Plan
from tests.fixtures_plans import docx_plan, xlsx_plan


def _call(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_plan", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _names(world):
    office, u = world.users["office"], world.units
    org_services.unit_alias_create(actor=office, unit=u["VP"], alias="Văn phòng TCCT")
    for words, mode, units in [
        ("Các cơ quan, đơn vị", UnitGroupMode.BELOW, []),
        ("Các cục", UnitGroupMode.LIST, [u["CTH"], u["CTC"]]),
        ("các đơn vị liên quan", UnitGroupMode.LIST, [u["CTH-P1"]]),
    ]:
        org_services.unit_group_define(
            actor=office, owner=u["TCCT"], words=words, mode=mode, units=units
        )


def test_a_file_with_problems_exits_2_and_lists_them(world, tmp_path):
    path = tmp_path / "ke-hoach.docx"
    path.write_bytes(docx_plan())
    plans = Plan.objects.count()
    with pytest.raises(CommandError) as exc:
        _call(str(path), "--year", "2026", "--unit", "TCCT", "--title", "KH thử")
    assert exc.value.returncode == 2
    assert Plan.objects.count() == plans


def test_the_problems_are_printed_with_their_places(world, tmp_path):
    path = tmp_path / "ke-hoach.xlsx"
    path.write_bytes(xlsx_plan())
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_plan", str(path), "--year=2026", "--unit=TCCT", stdout=out, stderr=err)
    text = err.getvalue()
    assert "Trang tính “Phụ lục I”, dòng 8, cột E (CƠ QUAN PHỐI HỢP)" in text
    assert "Văn phòng TCCT" in text
    assert "Các cơ quan, đơn vị" in text
    assert "Rà soát văn bản quy phạm nội bộ" in out.getvalue()


def test_dry_run_lists_and_writes_nothing(world, tmp_path):
    _names(world)
    path = tmp_path / "ke-hoach.docx"
    path.write_bytes(docx_plan())
    plans = Plan.objects.count()
    out, _ = _call(str(path), "--year=2026", "--unit=TCCT", "--title=KH thử", "--dry-run")
    assert "6 nhiệm vụ." in out and "không ghi gì" in out
    assert "Số: 25/KH-CT, ngày 10/01/2026" in out
    assert Plan.objects.count() == plans


def test_import_then_again_then_update(world, tmp_path):
    _names(world)
    path = tmp_path / "ke-hoach.xlsx"
    path.write_bytes(xlsx_plan())
    out, _ = _call(str(path), "--year=2026", "--unit=TCCT", "--title=KH Excel", "--as=office")
    plan = Plan.objects.get(title="KH Excel")
    assert f"Đã tạo kế hoạch #{plan.pk}" in out and "7 nhiệm vụ" in out
    out, _ = _call(str(path), "--year=2026", "--unit=TCCT", "--title=KH Excel")
    assert f"Kế hoạch “KH Excel” (#{plan.pk}) đã đúng như tệp: không thay đổi gì" in out
    path.write_bytes(xlsx_plan(undefined_group=True))
    out, _ = _call(str(path), "--year=2026", "--unit=TCCT", f"--update={plan.pk}")
    assert f"Đã cập nhật kế hoạch “KH Excel” (#{plan.pk})" in out
    assert "~ Sửa nhiệm vụ 1 Số hóa hồ sơ cán bộ" in out
    assert plan.tasks.count() == 7


def test_an_unknown_unit_code_exits_2(world, tmp_path):
    path = tmp_path / "kh.xlsx"
    path.write_bytes(xlsx_plan())
    with pytest.raises(CommandError) as exc:
        _call(str(path), "--year=2026", "--unit=KHONG")
    assert exc.value.returncode == 2 and "KHONG" in str(exc.value)


def test_an_undecided_heading_is_listed_then_decided_by_area(world, tmp_path):
    from tests.test_import_headings import OTHER, OTHER_TASKS, _xlsx

    _names(world)
    path = tmp_path / "ke-hoach.xlsx"
    path.write_bytes(_xlsx())
    args = [str(path), "--year=2026", "--unit=TCCT", "--title=KH có phần khác"]
    with pytest.raises(CommandError) as refused:
        _call(*args)
    assert refused.value.returncode == 2
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_plan", *args, stdout=out, stderr=io.StringIO())
    assert f"Tiêu đề số 1 “{OTHER}”" in out.getvalue()
    assert "--area 1=MÃ" in out.getvalue() and "6. " in out.getvalue()
    out, _err = _call(*args, "--area", "1=6")
    assert f"Tiêu đề số 1 “{OTHER}”: lĩnh vực 6." in out
    plan = Plan.objects.get(title="KH có phần khác")
    assert {t.title: t.area.code for t in plan.tasks.all()}[OTHER_TASKS[1]] == 6


@pytest.mark.parametrize(
    ("pick", "said"),
    [
        ("2=6", "không có tiêu đề chưa rõ lĩnh vực số “2”"),
        ("1=9", "“9” không phải mã lĩnh vực"),
        ("1=", "“” không phải mã lĩnh vực"),
        ("x=6", "số “x”"),
        ("=", "số “”"),
        ("1=6" + "9" * 5000, "“69999999999999999999” không phải mã lĩnh vực"),
        ("\x00=6", "không có tiêu đề"),
    ],
)
def test_a_bad_area_pick_is_named_and_writes_nothing(world, tmp_path, pick, said):
    from tests.test_import_headings import _xlsx

    path = tmp_path / "ke-hoach.xlsx"
    path.write_bytes(_xlsx())
    plans = Plan.objects.count()
    with pytest.raises(CommandError) as refused:
        _call(str(path), "--year=2026", "--unit=TCCT", "--area", pick)
    assert refused.value.returncode == 2 and said in str(refused.value)
    assert Plan.objects.count() == plans
