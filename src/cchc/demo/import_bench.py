"""Time the import of a 1,000-task XLSX: reading the file, then writing the plan.

    from cchc.demo.import_bench import bench_import
    result = bench_import(tasks=1000)   # Django set up, database migrated
    print(result)                       # "1000 nhiệm vụ: đọc 0.41 s, ghi 1.52 s, tổng 1.93 s"

Run alone: `python -m cchc.demo.import_bench [--tasks N]` (uses the configured database).
Everything is written inside a transaction that is rolled back at the end, so the bench
leaves the database as it found it; the organisation it imports into is built in the same
transaction, so it needs no seeded data.
"""

from __future__ import annotations

import argparse
import io
import time
from dataclasses import dataclass

TARGET_SECONDS = 3.0
UNITS = 30
DUE_TEXTS = [
    "Tháng {m}/{y}",
    "Quý {q}/{y}",
    "30/{m}/{y}",
    "Thường xuyên",
    "6 tháng đầu năm",
    "Trước 15/12/{y}",
    "Năm {y}",
    "Theo hướng dẫn của Bộ Nội vụ",
]
AREA_HEADINGS = [
    "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH VÀ TUYÊN TRUYỀN VỀ CẢI CÁCH HÀNH CHÍNH",
    "II. CẢI CÁCH THỂ CHẾ",
    "III. CẢI CÁCH THỦ TỤC HÀNH CHÍNH",
    "IV. CẢI CÁCH TỔ CHỨC BỘ MÁY",
    "V. CẢI CÁCH CHẾ ĐỘ CÔNG VỤ",
    "VI. CẢI CÁCH TÀI CHÍNH CÔNG",
    "VII. XÂY DỰNG CHÍNH PHỦ ĐIỆN TỬ, CHÍNH PHỦ SỐ",
]
ROMAN_Q = ["I", "II", "III", "IV"]


@dataclass
class BenchResult:
    tasks: int
    file_kb: int
    parse_seconds: float
    write_seconds: float

    @property
    def total_seconds(self) -> float:
        return self.parse_seconds + self.write_seconds

    @property
    def ok(self) -> bool:
        return self.total_seconds < TARGET_SECONDS

    def __str__(self) -> str:
        verdict = "đạt" if self.ok else "CHẬM"
        return (
            f"Nhập kế hoạch XLSX {self.tasks} nhiệm vụ ({self.file_kb} KB): đọc "
            f"{self.parse_seconds:.2f} s, ghi {self.write_seconds:.2f} s, tổng "
            f"{self.total_seconds:.2f} s (mục tiêu < {TARGET_SECONDS:.0f} s: {verdict})"
        )


def build_workbook(tasks: int, unit_names: list[str], year: int = 2026) -> bytes:
    """A plan workbook of `tasks` tasks over the seven areas, naming units by their names."""
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = "Phụ lục"
    ws.append([f"KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM {year} (BENCH)"])
    ws.append(
        [
            "STT",
            "Nội dung nhiệm vụ",
            "Cơ quan chủ trì",
            "Cơ quan phối hợp",
            "Thời gian hoàn thành",
            "Sản phẩm",
            "Ghi chú",
        ]
    )
    per_area = -(-tasks // len(AREA_HEADINGS))
    done = 0
    for heading in AREA_HEADINGS:
        ws.append([heading])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=7)
        for i in range(1, per_area + 1):
            if done == tasks:
                break
            n = done
            month = n % 12 + 1
            due = DUE_TEXTS[n % len(DUE_TEXTS)].format(m=month, q=ROMAN_Q[n % 4], y=year)
            lead = unit_names[n % len(unit_names)]
            support = ", ".join(unit_names[(n + k) % len(unit_names)] for k in (1, 2) if n % 3)
            ws.append(
                [
                    str(i),
                    f"Nhiệm vụ số {n + 1}: rà soát, đánh giá và hoàn thiện quy trình công "
                    f"việc thuộc lĩnh vực được giao năm {year}",
                    lead,
                    support,
                    due,
                    "Báo cáo kết quả thực hiện",
                    "Kinh phí thường xuyên" if n % 5 == 0 else None,
                ]
            )
            done += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class _Rollback(Exception):
    pass


def bench_import(tasks: int = 1000) -> BenchResult:
    """Build a `tasks`-task workbook and time reading and importing it (rolled back)."""
    from django.db import transaction

    from cchc.orgs import services as org_services
    from cchc.plans.imports.files import parse_plan_file
    from cchc.plans.imports.services import plan_import

    result: BenchResult | None = None
    try:
        with transaction.atomic():
            root = org_services.unit_create(
                actor=None, code="BENCH-IMPORT", name="Cơ quan thử nghiệm nhập kế hoạch"
            )
            names = []
            for i in range(1, UNITS + 1):
                unit = org_services.unit_create(
                    actor=None,
                    code=f"BENCH-IMPORT-{i}",
                    name=f"Cục thử nghiệm nhập kế hoạch số {i}",
                    parent=root,
                )
                names.append(unit.name)
            data = build_workbook(tasks, names)
            start = time.perf_counter()
            parsed = parse_plan_file(data, "bench.xlsx")
            parsed_at = time.perf_counter()
            if parsed.errors:
                raise RuntimeError("; ".join(str(p) for p in parsed.errors[:5]))
            imported = plan_import(actor=None, parsed=parsed, year=2026, unit=root)
            written_at = time.perf_counter()
            result = BenchResult(
                tasks=imported.plan.tasks.count(),
                file_kb=len(data) // 1024,
                parse_seconds=parsed_at - start,
                write_seconds=written_at - parsed_at,
            )
            raise _Rollback
    except _Rollback:
        pass
    if result is None:  # the rollback is raised only once the result is measured
        raise RuntimeError("the import bench measured nothing")
    return result


def main() -> None:
    import os

    import django

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tasks", type=int, default=1000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
    django.setup()
    print(bench_import(args.tasks))


if __name__ == "__main__":
    main()
