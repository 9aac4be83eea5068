"""Reporting in the demo: the quý I, 6 tháng and quý III periods of the department's plan,
with unit reports in every state, so that the board and the consolidated report show content
at once.

`load_reporting_demo()` runs after the demo loader (cchc.demo.data) and is idempotent: a
period that exists is left alone, and so is any unit report already there. Every write goes
through the reporting services, as the demo's people (the office, unit heads, focal
officers, the leader), so the audit chain holds.

States in 6 tháng, unit by unit in tree order: accepted, accepted, submitted late and
accepted, submitted (awaiting the office), returned with a comment, draft, … and the last
two units missing. Quý I: every unit accepted but one late and one missing, and its
consolidated report approved by the leader; 6 tháng has a consolidated draft; quý III (opened
once its window has begun) has its reports accepted or awaiting the office, and its
consolidated report sent to the leader.

Time holds: a report says what was true at its period's cut-off. Its narrative starts from the
prefill the service makes as of the cut-off, the hand-written sentences name no date, and each
submission is dated after the cut-off (or is made today, before it).
"""

import datetime
from collections import Counter

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cchc.orgs.models import Membership, Role, Unit
from cchc.plans.models import Plan, PlanStatus
from cchc.reporting import consolidated, data, rules, services
from cchc.reporting.models import ConsolidatedReport, PeriodKind, ReportingPeriod, UnitReport

DEPARTMENT = "TCCT"
OFFICE_USER = "vanphong"
LEADER_USER = "thutruong"

SIX_MONTHS_STATES = ["accepted", "accepted", "late", "submitted", "returned", "draft"]
QUY_1_STATES = ["accepted", "accepted", "late", "accepted", "accepted"]
QUY_3_STATES = ["accepted", "accepted", "submitted", "accepted", "late", "accepted"]

LIMITATIONS = [
    "Một số nhiệm vụ triển khai chậm so với kế hoạch; việc cập nhật tiến độ chưa thường xuyên.",
    "Chất lượng một số văn bản tham mưu chưa cao, còn phải chỉnh sửa nhiều lần.",
    "Việc số hóa hồ sơ, tài liệu còn chậm; hạ tầng công nghệ thông tin chưa đồng bộ.",
    "Công tác tuyên truyền về cải cách hành chính có lúc chưa thường xuyên, hình thức chưa "
    "đa dạng.",
]
CAUSES = [
    "Lực lượng cán bộ làm công tác cải cách hành chính còn kiêm nhiệm, thường xuyên biến động.",
    "Khối lượng nhiệm vụ chuyên môn lớn, thời gian triển khai ngắn.",
    "Kinh phí bảo đảm cho ứng dụng công nghệ thông tin còn hạn chế.",
]
PROPOSALS = [
    "Đề nghị Văn phòng Tổng cục Chính trị tổ chức tập huấn nghiệp vụ cải cách hành chính cho "
    "cán bộ đầu mối.",
    "Đề nghị bổ sung kinh phí nâng cấp hạ tầng mạng và thiết bị số hóa hồ sơ.",
    "Đề nghị hướng dẫn thống nhất mẫu báo cáo và bộ chỉ số đánh giá cải cách hành chính.",
]
NEXT_TASKS = [
    "Tiếp tục rà soát, hoàn thiện văn bản quản lý nội bộ; đẩy nhanh các nhiệm vụ còn chậm.",
    "Hoàn thành số hóa hồ sơ, tài liệu theo kế hoạch; duy trì cập nhật tiến độ trên hệ thống.",
    "Đẩy mạnh tuyên truyền về cải cách hành chính; chuẩn bị sơ kết, tổng kết theo quy định.",
]
# How units open their account of area 1, in their own words: sixteen units writing one
# sentence would read as sixteen copies in the consolidated report.
OPENINGS = [
    "Đơn vị đã quán triệt, triển khai Kế hoạch cải cách hành chính của Tổng cục Chính trị; "
    "phân công cán bộ đầu mối, đưa nội dung cải cách hành chính vào chương trình công tác.",
    "Thủ trưởng đơn vị trực tiếp chỉ đạo công tác cải cách hành chính; giao ban định kỳ có "
    "nội dung kiểm điểm tiến độ các nhiệm vụ được giao.",
    "Đơn vị ban hành kế hoạch thực hiện, giao nhiệm vụ cụ thể cho từng phòng, ban; cán bộ "
    "đầu mối cập nhật tiến độ trên hệ thống theo quy định.",
    "Đơn vị lồng ghép nội dung cải cách hành chính vào sinh hoạt chuyên môn, kiểm tra việc "
    "thực hiện tại các bộ phận trực thuộc.",
]


def _pick(items: list[str], unit: Unit, salt: int = 0) -> str:
    return items[(unit.pk + salt) % len(items)]


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


class ReportingDemo:
    def __init__(self, *, today: datetime.date | None = None):
        self.today = today or timezone.localdate()
        self.now = timezone.now()
        self.created: Counter = Counter()
        users = get_user_model().objects.filter(username__in=[OFFICE_USER, LEADER_USER])
        by_name = {u.username: u for u in users}
        self.office = by_name.get(OFFICE_USER)
        self.leader = by_name.get(LEADER_USER)
        self.people: dict[tuple[str, str], object] = {}
        for m in Membership.objects.filter(role__in=[Role.UNIT_HEAD, Role.FOCAL]).select_related(
            "user", "unit"
        ):
            self.people.setdefault((m.unit.path, m.role), m.user)

    def person(self, unit: Unit, role: str):
        """The user holding `role` on the unit or on the nearest unit above it."""
        path = unit.path
        while path.count("/") > 1:
            user = self.people.get((path, role))
            if user is not None:
                return user
            path = path[: path[:-1].rfind("/") + 1]
        return None

    def plan(self) -> Plan | None:
        return (
            Plan.objects.filter(issuing_unit__code=DEPARTMENT, year=self.today.year)
            .exclude(status=PlanStatus.DRAFT)
            .order_by("id")
            .first()
        )

    def run(self) -> Counter:
        plan = self.plan()
        if plan is None:
            return self.created
        with transaction.atomic():
            quy_1 = self.period(plan, PeriodKind.QUY_1)
            if quy_1 is not None:
                self.reports(quy_1, QUY_1_STATES)
                self.consolidated(quy_1, approve=True)
                # A nudge is sent now (the service dates it), long after the report approved
                # in March: nudging first would have that report speak of it.
                self.nudge(quy_1)
            six = self.period(plan, PeriodKind.SIX_MONTHS)
            if six is not None:
                self.reports(six, SIX_MONTHS_STATES)
                self.nudge(six)
                self.consolidated(six, approve=False)
            quy_3 = self.period(plan, PeriodKind.QUY_3)
            if quy_3 is not None:
                self.reports(quy_3, QUY_3_STATES)
                self.nudge(quy_3)
                self.consolidated(quy_3, approve=False, send=True)
        return self.created

    def period(self, plan: Plan, kind: str) -> ReportingPeriod | None:
        existing = ReportingPeriod.objects.filter(plan=plan, kind=kind).first()
        if existing is not None:
            return existing
        window = rules.default_window(kind, plan.year)
        if window is None or window.starts_on > self.today:
            return None
        self.created["reporting periods"] += 1
        return services.period_open(actor=self.office, plan=plan, kind=kind)

    def _submitted_at(self, period: ReportingPeriod, late: bool) -> datetime.datetime:
        if late:
            when = _at(period.due_on + datetime.timedelta(days=3), 15)
        else:
            when = _at(period.due_on - datetime.timedelta(days=2), 9)
        return min(when, self.now - datetime.timedelta(minutes=5))

    def narrative(self, prefill: dict, unit: Unit) -> dict:
        """The focal officer's text: the service's prefill (made as of the cut-off, so it
        cites nothing later), an opening of the unit's own, and one limitation and cause."""
        narrative = {code: {"results": parts.get("results", "")} for code, parts in prefill.items()}
        area_one = narrative.setdefault("1", {"results": ""})
        area_one["results"] = f"{_pick(OPENINGS, unit)}\n{area_one['results']}".strip()
        first = min(narrative)
        narrative[first]["limitations"] = _pick(LIMITATIONS, unit)
        narrative[first]["causes"] = _pick(CAUSES, unit)
        return narrative

    def reports(self, period: ReportingPeriod, pattern: list[str]) -> None:
        units = list(period.units.order_by("path"))
        done = set(UnitReport.objects.filter(period=period).values_list("unit_id", flat=True))
        # The last two units never report: the board shows them missing.
        for index, unit in enumerate(units[:-2]):
            if unit.pk in done:
                continue
            state = pattern[index % len(pattern)]
            focal = self.person(unit, Role.FOCAL)
            head = self.person(unit, Role.UNIT_HEAD)
            if focal is None or head is None:
                continue
            report = services.unit_report_open(
                actor=focal, period=period, unit=unit, today=self.today
            )
            report = services.unit_report_save(
                actor=focal,
                period=period,
                unit=unit,
                expected_version=report.version,
                narrative=self.narrative(report.narrative, unit),
                proposals=_pick(PROPOSALS, unit),
                next_tasks=_pick(NEXT_TASKS, unit, 1),
                today=self.today,
            )
            self.created["unit reports"] += 1
            if state == "draft":
                continue
            services.unit_report_submit(
                actor=head,
                report=report,
                expected_version=report.version,
                now=self._submitted_at(period, late=state == "late"),
            )
            if state in ("accepted", "late"):
                services.unit_report_accept(actor=self.office, report=report)
            elif state == "returned":
                services.unit_report_return(
                    actor=self.office,
                    report=report,
                    comment="Đề nghị bổ sung số liệu cụ thể về kết quả số hóa hồ sơ và nêu rõ "
                    "nguyên nhân các nhiệm vụ chậm tiến độ.",
                )

    def nudge(self, period: ReportingPeriod) -> None:
        """The office urges the units that have not reported (three at most)."""
        if period.nudges.exists():
            return
        missing = [
            row["unit"] for row in data.report_rows(period) if row["submission"] == "missing"
        ]
        if missing:
            services.report_nudge(actor=self.office, period=period, units=missing[:3])

    def consolidated(self, period: ReportingPeriod, *, approve: bool, send: bool = False) -> None:
        if ConsolidatedReport.objects.filter(period=period).exists() or self.office is None:
            return
        report = consolidated.consolidated_open(actor=self.office, period=period, today=self.today)
        issuing = period.plan.issuing_unit
        report = consolidated.consolidated_save(
            actor=self.office,
            report=report,
            expected_version=report.version,
            narrative={},
            # The issuing unit's own signer (the demo loader sets it), who signs its plans.
            signer_authority=issuing.signer_authority or "KT. Chủ nhiệm",
            signer_title=issuing.signer_title or "Phó Chủ nhiệm",
            signer_name=issuing.signer_name or "Trung tướng Trần Quốc Hưng",
        )
        self.created["consolidated reports"] += 1
        if not (approve or send) or self.leader is None:
            return
        report = consolidated.consolidated_send(actor=self.office, report=report)
        if not approve:
            return
        issued_on = min(period.due_on + datetime.timedelta(days=5), self.today)
        consolidated.consolidated_approve(
            actor=self.leader, report=report, document_number="45/BC-CT", issued_on=issued_on
        )


def load_reporting_demo(*, today: datetime.date | None = None) -> Counter:
    """Add the demo's reporting periods and reports (what is missing of them); returns what
    was created. Does nothing before the demo plan exists."""
    return ReportingDemo(today=today).run()
