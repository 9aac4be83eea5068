"""A small organisation built through the real services, with one persona per role.

BQP (ministry)
└── TCCT (department)  ← office, leader, appraiser, viewer memberships
    ├── VP (office unit)
    ├── CTH (agency A)  ← unit_head, focal
    │   └── CTH-P1 (a section below agency A)
    └── CTC (agency B)  ← unit_head, focal
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from cchc.orgs import services as org_services
from cchc.orgs.models import Unit
from cchc.plans import services
from cchc.plans.models import Area, Plan, Task

PASSWORD = "test-pass-123"


@dataclass
class World:
    units: dict[str, Unit]
    users: dict[str, object]
    plan: Plan
    parent_plan: Plan
    draft: Plan
    tasks: dict[str, Task] = field(default_factory=dict)
    today: datetime.date = datetime.date(2026, 6, 15)
    # The day both issued plans bear: their tasks count in figures from then on.
    issued_on: datetime.date = datetime.date(2026, 1, 10)


def sign_in(client, username: str, password: str = PASSWORD) -> bool:
    """Log in through the login page, as a person does (the lockout and the audit see it)."""
    response = client.post("/login/", {"username": username, "password": password})
    return response.status_code == 302


def make_user(username: str, **extra):
    return get_user_model().objects.create_user(username=username, password=PASSWORD, **extra)


def build_world(today: datetime.date | None = None) -> World:
    today = today or datetime.date(2026, 6, 15)
    area = {a.code: a for a in Area.objects.all()}
    u = {}
    u["BQP"] = org_services.unit_create(actor=None, code="BQP", name="Bộ Quốc phòng")
    u["TCCT"] = org_services.unit_create(
        actor=None, code="TCCT", name="Tổng cục Chính trị", parent=u["BQP"]
    )
    u["VP"] = org_services.unit_create(
        actor=None,
        code="VP",
        name="Văn phòng Tổng cục Chính trị",
        short_name="VP",
        parent=u["TCCT"],
    )
    u["CTH"] = org_services.unit_create(
        actor=None, code="CTH", name="Cục Tuyên huấn", short_name="Cục TH", parent=u["TCCT"]
    )
    u["CTH-P1"] = org_services.unit_create(
        actor=None, code="CTH-P1", name="Phòng Thông tin", parent=u["CTH"]
    )
    u["CTC"] = org_services.unit_create(
        actor=None, code="CTC", name="Cục Cán bộ", short_name="Cục CB", parent=u["TCCT"]
    )
    users = {}
    grants = [
        ("office", "TCCT", "office"),
        ("leader", "TCCT", "leader"),
        ("appraiser", "TCCT", "appraiser"),
        ("viewer", "TCCT", "viewer"),
        ("head_a", "CTH", "unit_head"),
        ("focal_a", "CTH", "focal"),
        ("head_b", "CTC", "unit_head"),
        ("focal_b", "CTC", "focal"),
    ]
    for username, unit_code, role in grants:
        users[username] = make_user(username)
        org_services.membership_grant(
            actor=None, user=users[username], unit=u[unit_code], role=role
        )
    users["nobody"] = make_user("nobody")

    parent_plan = services.plan_create(
        actor=None,
        year=2026,
        title="Kế hoạch CCHC năm 2026 của Bộ Quốc phòng",
        issuing_unit=u["BQP"],
    )
    parent_task = services.task_create(
        actor=None,
        plan=parent_plan,
        area=area[2],
        code="1",
        title="Rà soát văn bản quy phạm pháp luật về công tác đảng, công tác chính trị",
        lead_unit=u["TCCT"],
        due_text="Quý III/2026",
    )
    parent_uncovered = services.task_create(
        actor=None,
        plan=parent_plan,
        area=area[7],
        code="2",
        title="Triển khai chữ ký số trong cơ quan",
        lead_unit=u["TCCT"],
        due_text="Năm 2026",
    )
    # Issued in January: figures as of the world's day count the tasks issued with them.
    issued_on = min(datetime.date(today.year, 1, 10), today)
    services.plan_issue(
        actor=None, plan=parent_plan, document_number="100/KH-BQP", issued_on=issued_on
    )

    plan = services.plan_create(
        actor=None,
        year=2026,
        title="Kế hoạch cải cách hành chính năm 2026 của Tổng cục Chính trị",
        issuing_unit=u["TCCT"],
        parent=parent_plan,
    )
    d = datetime.timedelta
    t = {}
    t["a_overdue"] = services.task_create(
        actor=None,
        plan=plan,
        area=area[1],
        code="1.1",
        title="Tuyên truyền về cải cách hành chính",
        lead_unit=u["CTH"],
        supporting_units=[u["CTC"]],
        due_date=today - d(days=3),
        due_text="Trước " + (today - d(days=3)).strftime("%d/%m/%Y"),
    )
    t["a_soon"] = services.task_create(
        actor=None,
        plan=plan,
        area=area[2],
        code="2.1",
        title="Rà soát văn bản quy phạm nội bộ",
        lead_unit=u["CTH"],
        due_date=today + d(days=5),
        due_text="Tháng 6/2026",
        parent_task=parent_task,
    )
    t["b_track"] = services.task_create(
        actor=None,
        plan=plan,
        area=area[3],
        code="3.1",
        title="Đơn giản hóa thủ tục hành chính",
        lead_unit=u["CTC"],
        due_date=today + d(days=60),
        due_text="Quý III/2026",
    )
    t["b_recurring"] = services.task_create(
        actor=None,
        plan=plan,
        area=area[5],
        code="5.1",
        title="Kiểm tra kỷ luật, kỷ cương hành chính",
        lead_unit=u["CTC"],
        due_text="Thường xuyên",
    )
    t["p1_task"] = services.task_create(
        actor=None,
        plan=plan,
        area=area[7],
        code="7.1",
        title="Số hóa hồ sơ cán bộ",
        lead_unit=u["CTH-P1"],
        due_date=today + d(days=30),
        due_text="Tháng 7/2026",
    )
    services.plan_issue(actor=None, plan=plan, document_number="25/KH-CT", issued_on=issued_on)

    draft = services.plan_create(
        actor=None, year=2027, title="Dự thảo kế hoạch CCHC năm 2027", issuing_unit=u["TCCT"]
    )
    t["draft_task"] = services.task_create(
        actor=None,
        plan=draft,
        area=area[4],
        code="4.1",
        title="Sắp xếp tổ chức bộ máy",
        lead_unit=u["CTH"],
        due_text="Quý I/2027",
    )
    t["parent_task"] = parent_task
    t["parent_uncovered"] = parent_uncovered
    return World(
        units=u,
        users=users,
        plan=Plan.objects.get(pk=plan.pk),
        parent_plan=Plan.objects.get(pk=parent_plan.pk),
        draft=draft,
        tasks=t,
        today=today,
        issued_on=issued_on,
    )
