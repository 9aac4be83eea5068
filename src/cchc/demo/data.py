"""The demo: an organisation, its plans and their progress, built through the real services.

Modelled on the 2023 CCHC plan of the General Political Department (Tổng cục Chính trị)
described in `shared/seed/`: the Ministry of National Defence (Bộ Quốc phòng) issues its
plan, the department issues its own plan concretising it for its agencies and units, and the
agencies report progress with evidence. Dates follow the day the demo is loaded, so that
every timeliness category appears whatever the day of the year.

Time holds as in an office: every update is dated on or after what it tells (a completion,
a paper), every paper is dated no later than the update that files it, and a task's history
runs through the year, so the quý I, 6 tháng and quý III reports each find what was true at
their own cut-off. Evidence files are real one-page PDF and Word papers in Vietnamese.

Every write goes through `orgs.services` and `plans.services` with `actor=None` (the
system) or a demo user, so the audit chain holds. Running the loader twice changes nothing:
units are found by code, users by username and plans by (issuing unit, year, title).

The pieces: the organisation and its people (`organisation.py`), the plans as written
(`plan_specs.py`, `department_plan.py`), the evidence papers (`papers.py`); this file loads
them. The demo password exists only there, for demo data; never use it anywhere else.
"""

import datetime
import zlib
from collections import Counter
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from cchc.demo.department_plan import DEPARTMENT_PLAN
from cchc.demo.organisation import (
    DEMO_PASSWORD,
    DEPARTMENT,
    DOCUMENT_SETTINGS,
    UNIT_BY_CODE,
    UNITS,
    USERS,
    split_name,
)
from cchc.demo.papers import Paper, blank_docx, paper_file, paper_for
from cchc.demo.plan_specs import (
    DRAFT_PLAN,
    MINISTRY_PLAN,
    NOTE_SUPPORT,
    NOTES_LATE,
    NOTES_RECURRING,
    NOTES_STARTED,
    PlanSpec,
    TaskSpec,
)
from cchc.orgs import services as org_services
from cchc.orgs.models import Role, Unit
from cchc.plans import progress, services
from cchc.plans.models import Area, Plan, Section, Task, TaskStatus
from cchc.plans.timeliness import soon_days

PLANS = [MINISTRY_PLAN, DEPARTMENT_PLAN, DRAFT_PLAN]


# --- the loader ------------------------------------------------------------------------


def _vn_date(day: datetime.date) -> str:
    return f"{day.day}/{day.month}/{day.year}"


def _pick(seq, key: str, salt: int = 0):
    return seq[(zlib.crc32(key.encode()) + salt) % len(seq)]


def _jitter(key: str, low: int, high: int) -> int:
    return low + zlib.crc32(key.encode()) % (high - low + 1)


@dataclass
class Login:
    username: str
    full_name: str
    role: str
    unit: str
    password: str = DEMO_PASSWORD


class DemoLoader:
    """Builds what is missing of the demo; returns what it created."""

    def __init__(self, *, today: datetime.date | None = None):
        self.today = today or timezone.localdate()
        self.year = self.today.year
        self.created: Counter = Counter()
        self.units: dict[str, Unit] = {}
        self.users: dict[str, object] = {}
        self._password_hash = ""
        self._docx = None  # one blank Word document, written into for each draft

    # entry point
    def run(self) -> Counter:
        with transaction.atomic():
            self.areas = {a.code: a for a in Area.objects.all()}
            self.build_units()
            self.build_document_settings()
            self.build_users()
            plans: dict[str, Plan] = {}
            for spec in PLANS:
                plans[spec.key] = self.build_plan(spec, plans)
        return self.created

    # organisation
    def build_units(self) -> None:
        existing = {u.code: u for u in Unit.objects.filter(code__in=UNIT_BY_CODE)}
        order: Counter = Counter()
        for spec in UNITS:
            order[spec.parent] += 1
            unit = existing.get(spec.code)
            if unit is None:
                unit = org_services.unit_create(
                    actor=None,
                    code=spec.code,
                    name=spec.name,
                    short_name=spec.short_name,
                    parent=self.units[spec.parent] if spec.parent else None,
                    order=order[spec.parent],
                )
                self.created["units"] += 1
            self.units[spec.code] = unit

    def build_document_settings(self) -> None:
        for code, (symbol, authority, title, name) in DOCUMENT_SETTINGS.items():
            unit = self.units[code]
            # Set once: what the office has since typed is theirs, and a rerun keeps it.
            if unit.symbol or unit.signer_authority or unit.signer_title or unit.signer_name:
                continue
            self.units[code] = org_services.unit_document_settings_update(
                actor=None,
                unit=unit,
                symbol=symbol,
                signer_authority=authority,
                signer_title=title,
                signer_name=name,
            )
            self.created["unit signers"] += 1

    def build_users(self) -> None:
        User = get_user_model()
        existing = {
            u.username: u for u in User.objects.filter(username__in=[s.username for s in USERS])
        }
        for spec in USERS:
            user = existing.get(spec.username)
            if user is None:
                if not self._password_hash:
                    self._password_hash = make_password(DEMO_PASSWORD)
                first, last = split_name(spec.full_name)
                user = User(
                    username=spec.username,
                    first_name=first,
                    last_name=last,
                    email=f"{spec.username}@cchc.example",
                    password=self._password_hash,
                    is_staff=not spec.role,
                    is_superuser=not spec.role,
                )
                user.save()
                self.created["users"] += 1
                # Only a person made now gets the demo's role: a membership an admin
                # has since revoked stays revoked when `make run` loads the demo again.
                if spec.role:
                    org_services.membership_grant(
                        actor=None, user=user, unit=self.units[spec.unit], role=spec.role
                    )
                    self.created["memberships"] += 1
            self.users[spec.username] = user

    # plans
    def _fmt(self, text: str, year: int) -> str:
        return text.format(y=year, y1=year + 1, y0=year - 1)

    def _issue_date(self, spec: PlanSpec, year: int) -> datetime.date | None:
        if spec.issued is None:
            return None
        return min(datetime.date(year, *spec.issued), self.today)

    def build_plan(self, spec: PlanSpec, plans: dict[str, Plan]) -> Plan:
        year = self.year + spec.year_offset
        unit = self.units[spec.unit]
        title = self._fmt(spec.title, year)
        plan = Plan.objects.filter(issuing_unit=unit, year=year, title=title).first()
        if plan is not None:
            return plan
        parent = plans.get(spec.parent) if spec.parent else None
        plan = services.plan_create(
            actor=None,
            year=year,
            title=title,
            issuing_unit=unit,
            parent=parent,
            purpose=self._fmt(spec.purpose, year),
            requirements=self._fmt(spec.requirements, year),
            implementation=self._fmt(spec.implementation, year),
        )
        self.created["plans"] += 1
        sections: dict[str, Section] = {}
        for order, (key, (area, section_title)) in enumerate(spec.sections.items(), start=1):
            sections[key] = services.section_create(
                actor=None, plan=plan, area=self.areas[area], title=section_title, order=order
            )
        parent_tasks = {t.code: t for t in parent.tasks.all()} if parent else {}
        tasks: list[tuple[TaskSpec, Task]] = []
        for order, task_spec in enumerate(spec.tasks, start=1):
            tasks.append((task_spec, self._task(plan, task_spec, order, sections, parent_tasks)))
        issued_on = self._issue_date(spec, year)
        if issued_on is not None:
            plan = services.plan_issue(
                actor=None, plan=plan, document_number=spec.document_number, issued_on=issued_on
            )
            for task_spec, task in tasks:
                self._progress(plan, task_spec, task, issued_on)
        return plan

    def _task(self, plan, spec: TaskSpec, order, sections, parent_tasks) -> Task:
        year = plan.year
        due_text, due_date = self._fmt(spec.due, year), None
        if spec.rel is not None:
            offset = spec.rel
            if spec.story == "soon":
                offset = min(offset, soon_days())
            due_date = self.today + datetime.timedelta(days=offset)
            due_text = f"Trước {_vn_date(due_date)}"
        task = services.task_create(
            actor=None,
            plan=plan,
            area=self.areas[spec.area],
            section=sections.get(spec.section),
            code=spec.code,
            order=order,
            title=self._fmt(spec.title, year),
            lead_unit=self.units[spec.lead],
            supporting_units=[self.units[c] for c in spec.support],
            due_text=due_text,
            due_date=due_date,
            deliverable=self._fmt(spec.deliverable, year),
            notes=spec.notes,
            parent_task=parent_tasks.get(spec.parent),
        )
        self.created["tasks"] += 1
        return task

    # progress
    def _author(self, plan: Plan, task: Task):
        """Who reports on a task: the focal officer of its agency, else the office above it."""
        code: str | None = task.lead_unit.code
        while code in UNIT_BY_CODE:
            spec = UNIT_BY_CODE[code]
            if spec.login:
                return self.users[f"{spec.login}.daumoi"]
            if code == DEPARTMENT:
                return self.users["vanphong"]
            code = spec.parent
        return self.users["bqp.vanphong"]

    def _post(self, author, task, *, on, files=(), **kwargs):
        progress.task_update_post(actor=author, task=task, reported_on=on, files=files, **kwargs)
        self.created["updates"] += 1
        self.created["evidence"] += len(files)

    def _evidence(self, kind, name, paper: Paper, description: str) -> progress.EvidenceFile:
        # A paper is in force from the day it bears, never before the update citing it.
        if kind == "docx" and self._docx is None:
            self._docx = blank_docx()
        return progress.EvidenceFile(
            file=paper_file(kind, name, paper, self._docx),
            effective_on=paper.when,
            description=description,
        )

    def _progress(self, plan: Plan, spec: TaskSpec, task: Task, start: datetime.date) -> None:
        today = self.today
        self.start = start
        key = f"{plan.year}-{plan.issuing_unit.code}-{spec.code}"
        author = self._author(plan, task)
        due = task.due_date

        def clamp(day: datetime.date) -> datetime.date:
            return min(today, max(start, day))

        if spec.story == "idle":
            return
        if task.is_recurring:
            self._recurring(task, author, key, start)
        elif spec.story == "early":
            self._done(task, author, key, spec, clamp(today - datetime.timedelta(days=4)))
        elif due is not None and due < today and spec.story in ("on_time", "track"):
            completed = due - datetime.timedelta(days=_jitter(key, 2, 12))
            self._done(task, author, key, spec, max(completed, min(start, due)))
        elif due is not None and due < today and spec.story == "late":
            lag = spec.lag if spec.lag is not None else _jitter(key, 5, 20)
            completed = min(due + datetime.timedelta(days=lag), today)
            self._done(task, author, key, spec, completed, late=True)
        else:
            self._open(task, author, key, spec, start)
        if spec.code == "1.5" and plan.issuing_unit.code == DEPARTMENT:
            # A supporting unit adds a note and its own evidence, without moving the task.
            helper = self.users["qdnd.daumoi"]
            on = clamp(today - datetime.timedelta(days=6))
            paper = paper_for(
                "QDND",
                on,
                "DANH MỤC TIN, BÀI VỀ CẢI CÁCH HÀNH CHÍNH ĐÃ ĐĂNG",
                [
                    f"Thực hiện nhiệm vụ {task.code}: {task.title}.",
                    "1. Chuyên mục “Cải cách hành chính” trên Báo Quân đội nhân dân điện tử.",
                    "2. Tin, bài phản ánh kết quả cải cách thủ tục hành chính trong Quân đội.",
                    "3. Bài phỏng vấn cán bộ đầu mối cải cách hành chính các cơ quan, đơn vị.",
                    "Nơi nhận: Cục Tuyên huấn; Lưu: VT.",
                ],
            )
            files = [
                self._evidence(
                    "pdf", "Danh muc tin bai CCHC Bao QDND", paper, "Danh mục tin, bài đã đăng"
                )
            ]
            self._post(helper, task, on=on, note=NOTE_SUPPORT, files=files)

    def _open(self, task, author, key, spec, start):
        today, due = self.today, task.due_date
        elapsed = (today - start).days
        if due is not None and due > start:
            fraction = elapsed / (due - start).days
        else:
            fraction = elapsed / 365
        # Units move at different speeds: between 55% and 100% of the time elapsed.
        fraction *= _jitter(key, 55, 100) / 100
        progress = max(0, min(90, round(fraction * 10) * 10))
        if spec.story == "soon":
            progress = max(progress, 70)
        elif due is not None and due < today:
            progress = max(progress, 50)
        elif spec.story == "open" and due is None:
            progress = max(progress, 30)
        if progress == 0:
            if elapsed < 10:
                return
            progress = 10
        on = min(today, max(start, today - datetime.timedelta(days=_jitter(key, 1, 9))))
        if progress >= 30 and (on - start).days >= 60:
            # Work began well before the latest entry: its first step is history too, so an
            # earlier period's report sees the task under way rather than untouched.
            first = start + datetime.timedelta(days=(on - start).days // 2)
            self._post(
                author,
                task,
                on=first,
                progress=progress // 20 * 10,
                status="in_progress",
                note=NOTES_STARTED[0],
            )
        late = due is not None and due < today
        note = _pick(NOTES_LATE, key) if late else _pick(NOTES_STARTED, key)
        files = []
        if late or zlib.crc32(key.encode()) % 2 == 0:
            paper = paper_for(
                task.lead_unit.code,
                on,
                f"DỰ THẢO: {task.deliverable}",
                [f"Nhiệm vụ {task.code}: {task.title}.", note],
            )
            files.append(
                self._evidence("docx", f"Du thao {task.deliverable}", paper, "Dự thảo sản phẩm")
            )
        self._post(
            author, task, on=on, progress=progress, status="in_progress", note=note, files=files
        )

    def _done(self, task, author, key, spec, completed, late=False):
        start = self.start
        interim = completed - datetime.timedelta(days=_jitter(key, 10, 25))
        if interim > start:
            self._post(
                author,
                task,
                on=interim,
                progress=50,
                status="in_progress",
                note=_pick(NOTES_STARTED, key),
            )
        number = _jitter(key, 12, 480)
        template = spec.result or "{deliverable} (văn bản số {n}/BC ngày {d})"
        result = template.format(n=number, d=_vn_date(completed), deliverable=task.deliverable)
        note = "Đã hoàn thành nhiệm vụ" + (", chậm so với thời hạn." if late else " đúng thời hạn.")
        # The signed paper bears the completion date: the day the update reports.
        paper = paper_for(
            task.lead_unit.code,
            completed,
            result.upper(),
            [
                f"Về việc: {task.title}.",
                f"Sản phẩm: {task.deliverable}.",
                "Nơi nhận: Như trên; Lưu: VT.",
            ],
        )
        files = [self._evidence("pdf", result, paper, "Bản chụp văn bản đã ký")]
        self._post(
            author,
            task,
            on=completed,
            status=TaskStatus.DONE,
            deliverable=result,
            completed_on=completed,
            note=note,
            files=files,
        )
        if zlib.crc32(key.encode()) % 3 == 0:
            progress.evidence_add(
                actor=author,
                task=task,
                item=self._evidence(
                    "pdf",
                    f"Bien ban hop {task.code}",
                    paper_for(
                        task.lead_unit.code,
                        completed,
                        "BIÊN BẢN HỌP",
                        [
                            f"Thống nhất kết quả nhiệm vụ {task.code}: {task.title}.",
                            f"Kết quả: {result}.",
                            "Biên bản lập xong hồi 16 giờ 30 cùng ngày, các thành viên dự họp "
                            "thống nhất ký tên.",
                        ],
                    ),
                    "Biên bản họp thống nhất kết quả",
                ),
            )
            self.created["evidence"] += 1

    def _recurring(self, task, author, key, start):
        today = self.today
        # A task carried on all year reports at the end of each month. The demo keeps the
        # last three months that have ended, and the month before each period's cut-off
        # (14/3, 14/6, 14/9), so that every period's report finds the task reported on.
        ends = set()
        day = datetime.date(today.year, today.month, 1) - datetime.timedelta(days=1)
        while day >= start and len(ends) < 3:
            ends.add(day)
            day = day.replace(day=1) - datetime.timedelta(days=1)
        for month in (2, 5, 8):
            day = datetime.date(today.year, month + 1, 1) - datetime.timedelta(days=1)
            if start <= day < today:
                ends.add(day)
        if not ends:
            ends = {today}
        ends = sorted(ends)
        for index, on in enumerate(ends):
            progress = min(90, max(10, round(on.timetuple().tm_yday / 366 * 10) * 10))
            note = _pick(NOTES_RECURRING, key, index).format(m=f"{on.month}/{on.year}")
            files = []
            if index == len(ends) - 1:
                paper = paper_for(
                    task.lead_unit.code,
                    on,
                    f"BÁO CÁO KẾT QUẢ THỰC HIỆN THÁNG {on.month}/{on.year}",
                    [f"Nhiệm vụ {task.code}: {task.title}.", note],
                )
                name = f"Bao cao thang {on.month} nhiem vu {task.code}"
                files.append(self._evidence("docx", name, paper, f"Báo cáo tháng {on.month}"))
            self._post(
                author, task, on=on, progress=progress, status="in_progress", note=note, files=files
            )


def logins() -> list[Login]:
    """The demo's logins, for the command to print."""
    rows = []
    for spec in USERS:
        role = str(Role(spec.role).label) if spec.role else "Quản trị hệ thống"
        unit = UNIT_BY_CODE[spec.unit]
        rows.append(Login(spec.username, spec.full_name, role, unit.short_name or unit.name))
    return rows
