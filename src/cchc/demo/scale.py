"""A large, realistic organisation for benchmarks, built with bulk inserts.

`seed_scale(units=1500, tasks=60000, years=10)` builds a unit tree four levels deep (a
ministry, its corps and commands, their divisions and provincial commands, their sections
and battalions) and, for this year and each of the years before, one issued plan at the root
holding that year's tasks, with supporting units and a spread of statuses and deadlines so
that every timeliness category has many rows (past years' plans end mostly done or
cancelled). Each task has about five progress updates that end in its state, some the
office's reviews of its done reports (scale_history), and each year has the four reporting
periods with the units' reports (scale_reports). It writes one audit event summarising the
seed instead of one per row.

Scale data is recognised by the unit code prefix `S-`, so it can live beside the demo. A
second run clears the previous scale data first (one more audit event says so), unless
told to add the years it lacks.
"""

import datetime
import functools
import random
import time
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from cchc.audit.services import audit_record
from cchc.demo import bulk
from cchc.demo.scale_history import (
    UPDATE_FIELDS,
    chain_rows,
    review_rows,
    review_state,
    task_chain,
)
from cchc.demo.scale_reports import clear_reports, seed_reports
from cchc.lib.dbstats import statistics_refresh
from cchc.lib.files import remove_stored_after_commit
from cchc.lib.text import fold
from cchc.orgs.models import Membership, Role, Unit, unit_path
from cchc.plans.due_text import parse_due_text
from cchc.plans.history import history_refresh
from cchc.plans.models import (
    Area,
    CompletionReview,
    Evidence,
    Plan,
    PlanStatus,
    SupportingUnit,
    Task,
    TaskStatus,
    TaskUpdate,
)
from cchc.plans.timeliness import Timeliness, soon_days

PREFIX = "S-"
BENCH_PASSWORD = "bench-pass-2026"
BENCH_OFFICE = "bench.office"
BENCH_FOCAL = "bench.focal"
BENCH_VIEWER = "bench.viewer"
BENCH_USERS = (BENCH_OFFICE, BENCH_FOCAL, BENCH_VIEWER)
BATCH = 2000

# Share of tasks in each category (per mille of the total); open tasks are about 68%.
CATEGORY_WEIGHTS = {
    Timeliness.DONE_ON_TIME: 240,
    Timeliness.DONE_LATE: 70,
    Timeliness.OVERDUE: 100,
    Timeliness.DUE_SOON: 40,
    Timeliness.ON_TRACK: 410,
    Timeliness.RECURRING: 130,
    Timeliness.CANCELLED: 10,
}
# A past year's plan as it stands now: mostly done, some cancelled, a few never finished.
PAST_WEIGHTS = {
    Timeliness.DONE_ON_TIME: 600,
    Timeliness.DONE_LATE: 190,
    Timeliness.OVERDUE: 50,
    Timeliness.RECURRING: 130,
    Timeliness.CANCELLED: 30,
}

LEVEL1 = [
    ("Quân khu 1", "QK1"),
    ("Quân khu 2", "QK2"),
    ("Quân khu 3", "QK3"),
    ("Quân khu 4", "QK4"),
    ("Quân khu 5", "QK5"),
    ("Quân khu 7", "QK7"),
    ("Quân khu 9", "QK9"),
    ("Bộ Tư lệnh Thủ đô Hà Nội", "BTL Thủ đô"),
    ("Quân đoàn 12", "QĐ12"),
    ("Quân đoàn 34", "QĐ34"),
    ("Quân chủng Phòng không – Không quân", "QC PK-KQ"),
    ("Quân chủng Hải quân", "QC Hải quân"),
    ("Bộ đội Biên phòng", "BĐBP"),
    ("Cảnh sát biển Việt Nam", "CSB"),
    ("Binh chủng Pháo binh", "BC Pháo binh"),
    ("Binh chủng Công binh", "BC Công binh"),
    ("Binh chủng Thông tin liên lạc", "BC TTLL"),
    ("Binh chủng Hóa học", "BC Hóa học"),
    ("Binh chủng Đặc công", "BC Đặc công"),
    ("Binh chủng Tăng thiết giáp", "BC TTG"),
    ("Tổng cục Công nghiệp quốc phòng", "TCCNQP"),
    ("Bộ Tư lệnh Tác chiến không gian mạng", "BTL 86"),
    ("Học viện Quốc phòng", "HVQP"),
    ("Học viện Lục quân", "HVLQ"),
    ("Học viện Kỹ thuật Quân sự", "HVKTQS"),
    ("Học viện Quân y", "HVQY"),
]
PROVINCES = [
    "Hà Giang", "Cao Bằng", "Lạng Sơn", "Lào Cai", "Điện Biên", "Lai Châu", "Sơn La",
    "Yên Bái", "Tuyên Quang", "Thái Nguyên", "Phú Thọ", "Bắc Giang", "Quảng Ninh",
    "Hải Phòng", "Hải Dương", "Hưng Yên", "Thái Bình", "Nam Định", "Ninh Bình", "Thanh Hóa",
    "Nghệ An", "Hà Tĩnh", "Quảng Bình", "Quảng Trị", "Thừa Thiên Huế", "Đà Nẵng",
    "Quảng Nam", "Quảng Ngãi", "Bình Định", "Phú Yên", "Khánh Hòa", "Gia Lai", "Đắk Lắk",
    "Lâm Đồng", "Bình Dương", "Đồng Nai", "Tây Ninh", "Long An", "Tiền Giang", "Cần Thơ",
    "An Giang", "Kiên Giang", "Cà Mau",
]  # fmt: skip
LEVEL2 = [
    ("Bộ Tham mưu {p}", "BTM {ps}"),
    ("Cục Chính trị {p}", "CCT {ps}"),
    ("Cục Hậu cần – Kỹ thuật {p}", "CHC-KT {ps}"),
    ("Sư đoàn {n}", "SĐ {n}"),
    ("Lữ đoàn {n}", "LĐ {n}"),
    ("Bộ Chỉ huy quân sự tỉnh {prov}", "BCHQS {prov}"),
    ("Trường Quân sự {p}", "TQS {ps}"),
    ("Bệnh viện Quân y {n}", "BVQY {n}"),
    ("Trung đoàn {n}", "eTr {n}"),
    ("Bộ Chỉ huy Bộ đội Biên phòng tỉnh {prov}", "BĐBP {prov}"),
]
LEVEL3 = [
    ("Phòng Tham mưu", "P. Tham mưu"),
    ("Phòng Chính trị", "P. Chính trị"),
    ("Phòng Hậu cần", "P. Hậu cần"),
    ("Phòng Kỹ thuật", "P. Kỹ thuật"),
    ("Ban Tài chính", "Ban Tài chính"),
    ("Ban Quân lực", "Ban Quân lực"),
    ("Tiểu đoàn {n}", "d{n}"),
    ("Đại đội {n}", "c{n}"),
    ("Ban Chỉ huy quân sự huyện {n}", "BCHQS H{n}"),
    ("Ban Tác huấn", "Ban Tác huấn"),
]
TITLES = {
    1: [
        "Xây dựng, ban hành kế hoạch cải cách hành chính năm {y} của {u}",
        "Tuyên truyền về cải cách hành chính, chuyển đổi số tại {u}",
        "Kiểm tra công tác cải cách hành chính tại {u}",
        "Báo cáo định kỳ kết quả cải cách hành chính của {u}",
        "Kiện toàn cán bộ đầu mối cải cách hành chính của {u}",
    ],
    2: [
        "Rà soát văn bản quy định nội bộ của {u}",
        "Sửa đổi quy chế làm việc của {u}",
        "Phổ biến, giáo dục pháp luật cho cán bộ, chiến sĩ {u}",
        "Theo dõi tình hình thi hành pháp luật tại {u}",
    ],
    3: [
        "Rà soát, đơn giản hóa thủ tục hành chính thuộc thẩm quyền giải quyết của {u}",
        "Thực hiện cơ chế một cửa trong giải quyết chế độ, chính sách tại {u}",
        "Công khai thủ tục hành chính, tiếp nhận phản ánh, kiến nghị tại {u}",
        "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính của {u}",
    ],
    4: [
        "Rà soát chức năng, nhiệm vụ, cơ cấu tổ chức của {u}",
        "Sắp xếp tổ chức, biên chế của {u} theo Nghị quyết số 05-NQ/TW",
        "Xây dựng quy định chức trách, nhiệm vụ của cán bộ {u}",
    ],
    5: [
        "Đánh giá, xếp loại cán bộ {u} gắn với kết quả cải cách hành chính",
        "Tăng cường kỷ luật, kỷ cương hành chính tại {u}",
        "Bồi dưỡng kiến thức, kỹ năng cải cách hành chính cho cán bộ {u}",
        "Rà soát, cập nhật vị trí việc làm tại {u}",
    ],
    6: [
        "Công khai tài chính, ngân sách của {u}",
        "Thực hiện quy chế chi tiêu nội bộ của {u}",
        "Quản lý, sử dụng tài sản công tại {u}",
    ],
    7: [
        "Sử dụng chữ ký số chuyên dùng trong xử lý văn bản tại {u}",
        "Số hóa hồ sơ, tài liệu lưu trữ của {u}",
        "Bảo đảm an toàn thông tin mạng tại {u}",
        "Triển khai phần mềm quản lý văn bản và điều hành tại {u}",
    ],
}
DELIVERABLES = {
    1: ["Kế hoạch được ban hành", "Báo cáo kết quả", "Thông báo kết luận kiểm tra"],
    2: ["Báo cáo rà soát", "Quy chế được ban hành", "Hội nghị phổ biến pháp luật"],
    3: ["Phương án đơn giản hóa", "100% hồ sơ giải quyết đúng hạn", "Kho hồ sơ điện tử"],
    4: ["Báo cáo rà soát; đề án điều chỉnh", "Quyết định điều chỉnh tổ chức"],
    5: ["Báo cáo đánh giá, xếp loại", "Lớp bồi dưỡng", "Danh mục vị trí việc làm"],
    6: ["Quyết định công khai dự toán, quyết toán", "Quy chế chi tiêu nội bộ"],
    7: ["100% văn bản đi được ký số", "Cơ sở dữ liệu số hóa", "Báo cáo an toàn thông tin"],
}
AREA_WEIGHTS = [18, 12, 14, 10, 18, 10, 18]
RECURRING_TEXTS = ["Thường xuyên", "Cả năm", "Hằng năm"]
UNDATED_TEXTS = ["Theo hướng dẫn của Bộ Nội vụ", "Đột xuất", "Theo chỉ đạo của cấp trên"]


@dataclass
class ScaleResult:
    units: int
    tasks: int
    supporting: int
    plan_id: int
    root_id: int
    focal_unit_id: int
    seconds: float
    categories: Counter = field(default_factory=Counter)
    cleared: dict | None = None
    years: list[int] = field(default_factory=list)
    updates: int = 0
    reviews: int = 0
    reports: int = 0


def _shape(n: int) -> tuple[int, int, int]:
    """How many units on levels 1, 2 and 3 below the root, for n units in all."""
    if n <= 1:
        return 0, 0, 0
    a = max(1, round(n ** (1 / 3)))
    b = max(0, min(n - 1 - a, round(n ** (2 / 3))))
    return a, b, n - 1 - a - b


def _vn(day: datetime.date) -> str:
    return f"{day.day}/{day.month}/{day.year}"


class _Deadlines:
    """Deadline words and dates for each timeliness category, as of `today`."""

    def __init__(self, rng: random.Random, year: int, today: datetime.date, start: datetime.date):
        # For a past year, `today` is the end of that year: where its plan's figures stand.
        self.rng, self.year, self.today, self.start = rng, year, today, start
        self.past = today >= datetime.date(year, 12, 31)
        self.soon = soon_days()
        roman = ["I", "II", "III", "IV"]
        texts = [f"Tháng {m}/{year}" for m in range(1, 13)]
        texts += [f"Quý {r}/{year}" for r in roman]
        texts += [f"30/6/{year}", f"30/9/{year}", f"Trước 15/12/{year}", f"Năm {year}"]
        texts += ["6 tháng đầu năm", "6 tháng cuối năm", f"Quý II/{year} – Quý IV/{year}"]
        parsed = [(t, parse_due_text(t, year).due_date) for t in texts]
        dated = [(t, d) for t, d in parsed if d is not None]
        self.all = dated
        self.before = [(t, d) for t, d in dated if d < today]
        self.later = [(t, d) for t, d in dated if d > today + datetime.timedelta(days=self.soon)]

    def relative(self, low: int, high: int) -> tuple[str, datetime.date]:
        day = self.today + datetime.timedelta(days=self.rng.randint(low, high))
        return f"Trước {_vn(day)}", day

    def past_due(self) -> tuple[str, datetime.date]:
        if self.before and self.rng.random() < 0.7:
            return self.rng.choice(self.before)
        return self.relative(-120, -1)

    def for_category(self, category: str):
        """(due_text, due_date, is_recurring, status, progress, completed_on)."""
        rng, today = self.rng, self.today
        due: datetime.date | None
        if category == Timeliness.RECURRING:
            if self.past:  # reported done at the end of its year
                completed = today - datetime.timedelta(days=rng.randint(0, 20))
                return rng.choice(RECURRING_TEXTS), None, True, TaskStatus.DONE, 100, completed
            return rng.choice(RECURRING_TEXTS), None, True, TaskStatus.IN_PROGRESS, 50, None
        if category == Timeliness.DONE_ON_TIME:
            text, due = rng.choice(self.all) if rng.random() < 0.8 else self.past_due()
            completed = min(due, today) - datetime.timedelta(days=rng.randint(0, 25))
            # Not before the plan was issued (its first months' deadlines are close).
            completed = max(completed, min(due, today, self.start + datetime.timedelta(days=1)))
            return text, due, False, TaskStatus.DONE, 100, completed
        if category == Timeliness.DONE_LATE:
            text, due = self.past_due()
            late = rng.randint(1, max(1, (today - due).days))
            return text, due, False, TaskStatus.DONE, 100, due + datetime.timedelta(days=late)
        if category == Timeliness.OVERDUE:
            text, due = self.past_due()
            status = rng.choice([TaskStatus.IN_PROGRESS] * 4 + [TaskStatus.NOT_STARTED])
            progress = rng.randrange(10, 90, 10) if status == TaskStatus.IN_PROGRESS else 0
            return text, due, False, status, progress, None
        if category == Timeliness.DUE_SOON:
            text, due = self.relative(0, self.soon)
            return text, due, False, TaskStatus.IN_PROGRESS, rng.randrange(50, 100, 10), None
        if category == Timeliness.ON_TRACK:
            roll = rng.random()
            if roll < 0.1:
                text, due = rng.choice(UNDATED_TEXTS), None
            elif self.later and roll < 0.7:
                text, due = rng.choice(self.later)
            else:
                text, due = self.relative(self.soon + 1, self.soon + 240)
            status = rng.choice([TaskStatus.IN_PROGRESS] * 3 + [TaskStatus.NOT_STARTED])
            progress = rng.randrange(10, 90, 10) if status == TaskStatus.IN_PROGRESS else 0
            return text, due, False, status, progress, None
        text, due = rng.choice(self.all)
        return text, due, False, TaskStatus.CANCELLED, 0, None


def scale_units():
    return Unit.objects.filter(code__startswith=PREFIX)


def scale_plans():
    return Plan.objects.filter(issuing_unit__code__startswith=PREFIX)


def clear_scale() -> dict | None:
    """Remove the previous scale data (units with the `S-` prefix, their plans, the plans'
    reporting periods and the units' reports)."""
    with transaction.atomic():
        units = scale_units()
        if not units.exists():
            return None
        plans = scale_plans()
        counts = {
            "units": units.count(),
            "plans": plans.count(),
            "tasks": Task.objects.filter(plan__in=plans).count(),
        }
        counts |= clear_reports(plans, units)
        evidence = Evidence.objects.filter(task__plan__in=plans)
        # A row's delete leaves its file (the load test uploads some): gone on commit.
        remove_stored_after_commit(evidence.values_list("file", flat=True))
        evidence.delete()
        reviews = CompletionReview.objects.filter(task__plan__in=plans)
        reviews._raw_delete(reviews.db)
        Task.objects.filter(parent_task__plan__in=plans).exclude(plan__in=plans).update(
            parent_task=None
        )
        SupportingUnit.objects.filter(plan__in=plans).delete()
        SupportingUnit.objects.filter(unit__code__startswith=PREFIX).delete()
        _delete_tasks(Task.objects.filter(plan__in=plans))
        plans.delete()
        Membership.objects.filter(unit__code__startswith=PREFIX).delete()
        units.update(parent=None)
        scale_units().delete()
        audit_record(
            actor=None,
            action="scale.clear",
            object_type="orgs.unit",
            object_id=PREFIX,
            changes={name: [n, 0] for name, n in counts.items()},
        )
    return counts


def _delete_tasks(tasks) -> None:
    """Delete tasks in one statement when nothing else points at them.

    Django's collector would load every task and delete them a hundred at a time (12 s for
    60,000 on PostgreSQL). When no row of any model refers to these tasks (the usual case
    for scale data nobody has worked on), a single DELETE does the same; otherwise the
    collector does its usual, careful work.
    """
    # The seeder's own updates go first, in one statement, unless evidence hangs on them.
    updates = TaskUpdate.objects.filter(task__in=tasks)
    if not Evidence.objects.filter(update__in=updates).exists():
        updates._raw_delete(updates.db)
    for rel in Task._meta.related_objects:
        if rel.related_model is SupportingUnit:
            continue
        # A class once apps are loaded (the stubs also allow the string "self").
        model: type[Model] = rel.related_model  # type: ignore[assignment]
        referring = model._base_manager.filter(**{f"{rel.field.name}__in": tasks})
        if referring.exists():
            tasks.delete()
            return
    # `_raw_delete` is the collector's own fast path (used when nothing cascades).
    tasks._raw_delete(tasks.db)


def _build_units(rng: random.Random, n: int) -> tuple[list[Unit], dict[int, int]]:
    """Insert the tree level by level; returns the units and each unit's depth by id."""
    a, b, c = _shape(n)
    seq = iter(range(1, n + 1))
    numbers = iter(range(301, 100000))

    def make(name, short, parent, order):
        return Unit(
            code=f"{PREFIX}{next(seq):05d}",
            name=name[:255],
            short_name=short[:64],
            parent=parent,
            order=order,
        )

    def insert(batch: list[Unit]) -> list[Unit]:
        Unit.objects.bulk_create(batch, batch_size=BATCH)
        for unit in batch:
            unit.path = unit_path(unit.parent.path if unit.parent is not None else None, unit.pk)
        Unit.objects.bulk_update(batch, ["path"], batch_size=500)
        return batch

    root = insert([make("Bộ Quốc phòng (dữ liệu thử tải)", "BQP thử tải", None, 0)])[0]
    levels = [[root]]

    def children(parents: list[Unit], count: int, naming) -> list[Unit]:
        if not parents or count <= 0:
            return []
        # Uneven branches: some parents have many children, some few.
        weights = [rng.randint(1, 20) for _ in parents]
        owners = [parents[i % len(parents)] for i in range(min(count, len(parents)))]
        owners += rng.choices(parents, weights=weights, k=count - len(owners))
        order: Counter = Counter()
        batch = []
        for parent in owners:
            order[parent.pk] += 1
            name, short = naming(parent, order[parent.pk])
            batch.append(make(name, short, parent, order[parent.pk]))
        batch.sort(key=lambda u: (u.parent.path, u.order))
        return insert(batch)

    def level1(parent, index):
        name, short = LEVEL1[(index - 1) % len(LEVEL1)]
        rounds = (index - 1) // len(LEVEL1)
        return (f"{name} ({rounds + 1})", f"{short}-{rounds + 1}") if rounds else (name, short)

    def level2(parent, index):
        name, short = rng.choice(LEVEL2)
        values = {
            "p": parent.name,
            "ps": parent.short_name,
            "n": next(numbers),
            "prov": rng.choice(PROVINCES),
        }
        return name.format(**values), short.format(**values)

    def level3(parent, index):
        name, short = LEVEL3[(index - 1) % len(LEVEL3)]
        return (
            f"{name.format(n=index)}, {parent.name}",
            f"{short.format(n=index)} – {parent.short_name}",
        )

    levels.append(children([root], a, level1))
    levels.append(children(levels[1], b, level2))
    levels.append(children(levels[2], c, level3))
    units = [u for level in levels for u in level]
    depth = {u.pk: d for d, level in enumerate(levels) for u in level}
    return units, depth


def seed_scale(
    *,
    units: int,
    tasks: int,
    years: int = 1,
    year: int | None = None,
    today: datetime.date | None = None,
    seed: int = 2026,
    add_years: bool = False,
) -> ScaleResult:
    """Clear any previous scale data, then build `units` units and, for each of `years`
    years up to `year`, an issued plan of `tasks` tasks with its history and reports.

    With `add_years`, keep the scale data there is and add only the years it lacks (the
    bench measures one year, then ten); each year's data is the same either way."""
    if units < 1 or tasks < 0 or years < 1:
        raise ValueError("units and years must be at least 1 and tasks at least 0")
    started = time.monotonic()
    today = today or timezone.localdate()
    year = year or today.year
    existing = scale_units().count() if add_years else 0
    if existing and existing != units:
        raise ValueError(f"adding years needs the same {units} scale units ({existing} there)")
    cleared = None if existing else clear_scale()
    with transaction.atomic():
        if existing:
            unit_list, depth = _existing_units()
        else:
            unit_list, depth = _build_units(random.Random(seed), units)
        root = unit_list[0]
        have = set(scale_plans().values_list("year", flat=True))
        todo = [y for y in range(year, year - years, -1) if y not in have]
        users = _ensure_users(root, unit_list, depth, year, tasks, seed)
        made = [
            _seed_year(unit_list, depth, y, tasks, today, random.Random(seed * 10000 + y), users)
            for y in todo
        ]
        # What the services keep with each write: the history's derived columns and the
        # review as of today.
        new_tasks = Task.objects.filter(plan__in=[one.plan for one in made])
        history_refresh(new_tasks.values_list("pk", flat=True))
        counts: Counter = Counter()
        for one in made:
            counts.update(one.categories)
        plan = scale_plans().get(year=year)
        audit_record(
            actor=None,
            action="scale.seed",
            obj=plan,
            changes={
                "units": [None, len(unit_list)],
                "years": [None, todo],
                "tasks": [None, sum(m.tasks for m in made)],
                "supporting_units": [None, sum(m.links for m in made)],
                "updates": [None, sum(m.updates for m in made)],
                "reviews": [None, sum(m.reviews for m in made)],
                "reports": [None, sum(m.reports for m in made)],
                "root": [None, root.code],
                "categories": [None, dict(counts)],
                "users": [None, sorted(users)],
            },
        )
    analyze()
    focal_unit = Membership.objects.get(user__username=BENCH_FOCAL, role=Role.FOCAL).unit
    return ScaleResult(
        units=len(unit_list),
        tasks=sum(m.tasks for m in made),
        supporting=sum(m.links for m in made),
        plan_id=plan.pk,
        root_id=root.pk,
        focal_unit_id=focal_unit.pk,
        seconds=time.monotonic() - started,
        categories=counts,
        cleared=cleared,
        years=todo,
        updates=sum(m.updates for m in made),
        reviews=sum(m.reviews for m in made),
        reports=sum(m.reports for m in made),
    )


def _existing_units() -> tuple[list[Unit], dict[int, int]]:
    unit_list = sorted(scale_units(), key=lambda u: (u.depth, u.path))
    return unit_list, {u.pk: u.depth for u in unit_list}


@dataclass
class _Year:
    plan: Plan
    tasks: int
    links: int
    updates: int
    reviews: int
    reports: int
    categories: Counter


def _seed_year(unit_list, depth, year, tasks, today, rng, users) -> _Year:
    """One year's issued plan at the root: its tasks, their history, its reports."""
    root = unit_list[0]
    issued_on = min(datetime.date(year, 1, 15), today)
    plan = Plan.objects.create(
        year=year,
        title=f"Kế hoạch cải cách hành chính năm {year} (dữ liệu thử tải)",
        issuing_unit=root,
        document_number=f"{rng.randint(100, 999)}/KH-TT",
        issued_on=issued_on,
        status=PlanStatus.ISSUED,
        purpose="Bảo đảm hệ thống đáp ứng khối lượng dữ liệu của một bộ, ngành lớn.",
        requirements="Dữ liệu thử tải; không dùng cho báo cáo chính thức.",
        implementation="Các cơ quan, đơn vị cập nhật tiến độ trên hệ thống.",
    )
    end = min(today, datetime.date(year, 12, 31))
    current = end == today
    rows, categories = _tasks(plan, unit_list, depth, tasks, end, issued_on, current, rng)
    # The history first: a cancelled task keeps the progress its chain left it at.
    chains = [task_chain(task, issued_on, end, today, rng) for task in rows]
    for task, chain in zip(rows, chains, strict=True):
        task.current_review = review_state(chain)
    bulk.insert(rows)
    links = _supporting(rows, unit_list, rng)
    office, focal = users[BENCH_OFFICE], users[BENCH_FOCAL]
    updates, reviews = _history(rows, chains, office, focal, root.pk)
    reporting = {t.lead_unit_id for t in rows if t.status != TaskStatus.CANCELLED}
    live = {t.pk for t in rows if t.status != TaskStatus.CANCELLED}
    reporting |= {unit_id for task_id, unit_id in links if task_id in live}
    areas = sorted(Area.objects.values_list("code", flat=True))
    reports = seed_reports(plan, sorted(reporting), areas, today, rng, office, focal)
    return _Year(plan, len(rows), len(links), updates, reviews, reports, categories)


def _tasks(plan, unit_list, depth, tasks, end, issued_on, current, rng):
    """The plan's tasks (not saved yet) as they stand at `end`: today, or a past year's end."""
    areas = {a.code: a for a in Area.objects.all()}
    area_codes = sorted(areas)
    deadlines = _Deadlines(rng, plan.year, end, issued_on)
    spread = CATEGORY_WEIGHTS if current else PAST_WEIGHTS
    # Deeper units hold most tasks; the root only a few.
    leads = unit_list[1:] or unit_list
    lead_weights = [1 + depth[u.pk] for u in leads]
    chosen_leads = rng.choices(leads, weights=lead_weights, k=tasks)
    chosen_categories = rng.choices(list(spread), weights=list(spread.values()), k=tasks)
    chosen_areas = rng.choices(area_codes, weights=AREA_WEIGHTS[: len(area_codes)], k=tasks)
    numbering: Counter = Counter()
    rows: list[Task] = []
    folded = functools.lru_cache(maxsize=None)(fold)
    for index in range(tasks):
        area = chosen_areas[index]
        lead = chosen_leads[index]
        numbering[area] += 1
        text, due, recurring, status, progress, completed = deadlines.for_category(
            chosen_categories[index]
        )
        title = rng.choice(TITLES.get(area, TITLES[1]))
        deliverable = rng.choice(DELIVERABLES.get(area, DELIVERABLES[1]))
        code = f"{area}.{numbering[area]}"
        task = Task(
            plan=plan,
            area=areas[area],
            code=code,
            order=index + 1,
            title=title.format(u=lead.name, y=plan.year),
            lead_unit=lead,
            due_text=text,
            due_date=due,
            is_recurring=recurring,
            deliverable=deliverable,
            status=status,
            progress=progress,
            completed_on=completed,
            result="Đã hoàn thành, có văn bản kèm theo." if status == TaskStatus.DONE else "",
            added_on=plan.issued_on,
        )
        # task_search_text(task), folded a part at a time: the parts repeat.
        parts = (code, folded(title).format(u=folded(lead.name), y=plan.year), deliverable, text)
        task.search_text = " ".join(p for p in map(folded, parts) if p)
        rows.append(task)
    return rows, Counter(chosen_categories)


def _supporting(rows: list[Task], unit_list: list[Unit], rng) -> list[tuple[int, int]]:
    """(task id, unit id) of each supporting unit, inserted (with the task's plan)."""
    links = []
    unit_ids = [u.pk for u in unit_list]
    for task in rows:
        k = rng.choice((0, 0, 1, 1, 1, 2, 3))
        for unit_id in set(rng.sample(unit_ids, min(k, len(unit_ids)))):
            if unit_id != task.lead_unit_id:
                links.append((task.pk, unit_id, task.plan_id))
    bulk.insert_rows(SupportingUnit, ["task_id", "unit_id", "plan_id"], links)
    return [(task_id, unit_id) for task_id, unit_id, __ in links]


def _history(rows, chains, office, focal, root_id: int) -> tuple[int, int]:
    """Insert the chains' updates (about five a task) and reviews (see scale_history)."""
    per_task = [chain_rows(t, c, office, focal, root_id) for t, c in zip(rows, chains, strict=True)]
    ids = iter(bulk.insert_rows(TaskUpdate, UPDATE_FIELDS, [u for ups in per_task for u in ups]))
    reviews = []
    for task, chain, ups in zip(rows, chains, per_task, strict=True):
        update_ids = [next(ids) for _ in ups]
        reviews += review_rows(task, chain, update_ids, office)
    bulk.insert(reviews)
    return sum(len(u) for u in per_task), len(reviews)


def _ensure_users(root, unit_list, depth, year, tasks, seed) -> dict:
    """The bench's people: the office and a viewer at the root, a focal officer at a
    mid-sized unit (kept when there is one, else picked from draws like this year's)."""
    found = Membership.objects.filter(
        user__username=BENCH_FOCAL, role=Role.FOCAL, unit__code__startswith=PREFIX
    ).first()
    if found is not None:
        focal_unit = found.unit
    else:
        rng = random.Random(seed * 10000 + year)
        leads = unit_list[1:] or unit_list
        chosen = rng.choices(leads, weights=[1 + depth[u.pk] for u in leads], k=tasks)
        focal_unit = _mid_sized_unit(unit_list, depth, chosen)
    names = _bench_users(root, focal_unit)
    return {u.username: u for u in get_user_model().objects.filter(username__in=names)}


def analyze() -> None:
    """Read the planner's statistics again after the bulk insert: SQLite has none until
    ANALYZE runs, and PostgreSQL's still describe the empty tables until autovacuum catches
    up (and VACUUM, which marks the pages all-visible for the index-only scans); a page
    measured before then may get a plan many times slower than in service."""
    statistics_refresh(vacuum=True)


def _mid_sized_unit(unit_list: list[Unit], depth: dict[int, int], leads: list[Unit]) -> Unit:
    """A unit on level 2 (else the deepest level there is) whose branch holds a median
    number of tasks."""
    by_id = {u.pk: u for u in unit_list}
    level = 2 if any(d == 2 for d in depth.values()) else max(depth.values())
    branch_tasks: Counter = Counter()
    for lead in leads:
        for unit_id in lead.path.strip("/").split("/"):
            if depth.get(int(unit_id)) == level:
                branch_tasks[int(unit_id)] += 1
    candidates = sorted(
        (u for u in unit_list if depth[u.pk] == level), key=lambda u: (branch_tasks[u.pk], u.pk)
    )
    return by_id[candidates[len(candidates) // 2].pk]


def _bench_users(root: Unit, focal_unit: Unit) -> list[str]:
    User = get_user_model()
    password = make_password(BENCH_PASSWORD)
    people = {
        BENCH_OFFICE: ("Trợ lý", "Thử tải", root, Role.OFFICE),
        BENCH_FOCAL: ("Đầu mối", "Thử tải", focal_unit, Role.FOCAL),
        BENCH_VIEWER: ("Người xem", "Thử tải", root, Role.VIEWER),
    }
    for username, (first, last, unit, role) in people.items():
        user, _ = User.objects.get_or_create(username=username)
        user.first_name, user.last_name, user.password = first, last, password
        user.save()
        Membership.objects.get_or_create(user=user, unit=unit, role=role)
    return list(people)
