"""Scoring in the demo: the department's example criteria set for the year, in use, with the
data cut-off of 15/11 (as offices fix it), the office's confirmation of some completions,
and an assessment for each agency in a different state along the year's end — finalised,
answered, appraised, sent, being scored, not begun — so that journey 7 shows content at once.

`load_scoring_demo()` runs after the reporting demo and is idempotent: a set of the year
that exists is left alone. Every write goes through the services, as the demo's people.
Finalising waits for the cut-off: loaded before 15/11, the first units stop at appraised."""

import datetime
from collections import Counter
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from cchc.demo.papers import paper_file, paper_for
from cchc.orgs.models import Membership, Role, Unit
from cchc.plans import review
from cchc.plans.models import (
    CompletionReview,
    Plan,
    PlanStatus,
    QualityRating,
    Task,
    TaskStatus,
)
from cchc.scoring import assessment_services as services
from cchc.scoring import services as set_services
from cchc.scoring.models import Assessment, CriteriaSet, Method, Score

DEPARTMENT = "TCCT"
OFFICE_USER = "vanphong"
APPRAISER_USER = "thamdinh"
# Unit by unit in tree order; the pattern repeats.
STATES = ["finalised", "finalised", "answered", "appraised", "submitted", "scoring", "new"]
EXPLANATIONS = [
    "Đơn vị đã ban hành kế hoạch, phân công cụ thể; kết quả thể hiện tại tài liệu kèm theo.",
    "Thực hiện đầy đủ, đúng tiến độ; có báo cáo kết quả gửi Văn phòng.",
    "Thực hiện cơ bản đầy đủ; một số nội dung còn chậm so với kế hoạch.",
]


class ScoringDemo:
    def __init__(self, *, today: datetime.date | None = None):
        self.today = today or timezone.localdate()
        self.created: Counter = Counter()
        users = get_user_model().objects.filter(username__in=[OFFICE_USER, APPRAISER_USER])
        by_name = {u.username: u for u in users}
        self.office = by_name.get(OFFICE_USER)
        self.appraiser = by_name.get(APPRAISER_USER)
        self.people: dict[tuple[int, str], User] = {
            (m.unit_id, m.role): m.user
            for m in Membership.objects.filter(
                role__in=[Role.UNIT_HEAD, Role.FOCAL]
            ).select_related("user")
        }

    def plan(self) -> Plan | None:
        return (
            Plan.objects.filter(issuing_unit__code=DEPARTMENT, year=self.today.year)
            .exclude(status=PlanStatus.DRAFT)
            .order_by("id")
            .first()
        )

    def run(self) -> Counter:
        plan = self.plan()
        if plan is None or self.office is None or self.appraiser is None:
            return self.created
        if CriteriaSet.objects.filter(unit=plan.issuing_unit, year=plan.year).exists():
            return self.created
        with transaction.atomic():
            self.confirm_completions(plan, self.office)
            criteria_set = set_services.criteria_set_create_example(
                actor=self.office, unit=plan.issuing_unit, year=plan.year
            )
            # The office fixes the cut-off through its settings, as on the set's page.
            settings = {f: getattr(criteria_set, f) for f in set_services.SETTINGS_FIELDS}
            criteria_set = set_services.criteria_set_settings_update(
                actor=self.office,
                criteria_set=criteria_set,
                values=settings | {"cut_off": datetime.date(plan.year, 11, 15)},
            )
            criteria_set = set_services.criteria_set_mark_in_use(
                actor=self.office, criteria_set=criteria_set
            )
            self.created["criteria sets"] += 1
            units = self.units(plan)
            made = services.assessments_open(
                actor=self.office, criteria_set=criteria_set, units=units
            )
            self.created["assessments"] += len(made)
            for index, assessment in enumerate(made):
                self.walk(assessment, STATES[index % len(STATES)], index)
        return self.created

    def units(self, plan: Plan) -> list[Unit]:
        """The agencies that lead tasks of the plan and have a head and a focal officer."""
        leading = Unit.objects.filter(
            pk__in=Task.objects.filter(plan=plan).values("lead_unit")
        ).order_by("path")
        return [
            u
            for u in leading
            if (u.pk, Role.UNIT_HEAD) in self.people and (u.pk, Role.FOCAL) in self.people
        ]

    def confirm_completions(self, plan: Plan, office: User) -> None:
        """The office confirms most tasks reported done; every fifth falls short."""
        done = Task.objects.filter(plan=plan, status=TaskStatus.DONE).order_by("id")
        reviewed = set(CompletionReview.objects.values_list("task_id", flat=True))
        for index, task in enumerate(t for t in done if t.pk not in reviewed):
            rating = QualityRating.NOT_MET if index % 5 == 4 else QualityRating.MET
            review.completion_confirm(
                actor=office,
                task=task,
                rating=rating,
                comment="" if rating == QualityRating.MET else "Kết quả chưa đầy đủ hồ sơ.",
            )
            self.created["completion reviews"] += 1

    def walk(self, assessment: Assessment, state: str, index: int) -> None:
        """Take one assessment as far as `state`, as its unit, the council and the office."""
        if state == "new":
            return
        unit = assessment.unit
        focal = self.people[(unit.pk, Role.FOCAL)]
        head = self.people[(unit.pk, Role.UNIT_HEAD)]
        scores = list(
            assessment.scores.filter(criterion__method__in=services.UNIT_SCORED).select_related(
                "criterion"
            )
        )
        scores.sort(key=lambda s: s.criterion.order)
        for position, score in enumerate(scores):
            if state == "scoring" and position >= len(scores) // 2:
                break
            self.self_score(focal, score, index + position)
        if state == "scoring":
            return
        services.assessment_submit(actor=head, assessment=assessment)
        if state == "submitted":
            return
        # The council marks down one criterion of each unit it appraises.
        lowered = scores[index % len(scores)]
        lowered.refresh_from_db()
        services.appraisal_save(
            actor=self.appraiser,
            score=lowered,
            appraised_points=Decimal(0)
            if lowered.criterion.method == Method.YES_NO
            else ((lowered.self_points or Decimal(0)) / 2).quantize(Decimal("0.01")),
            comment="Tài liệu kiểm chứng chưa thể hiện đầy đủ kết quả thực hiện tiêu chí.",
        )
        services.appraisal_send(
            actor=self.appraiser, assessment=assessment, note="Cơ bản thống nhất với đơn vị."
        )
        for survey in assessment.scores.filter(criterion__method=Method.SURVEY).select_related(
            "criterion"
        ):
            share = Decimal(80 + (index * 7) % 21) / 100
            services.survey_save(
                actor=self.office,
                score=survey,
                points=(survey.criterion.max_points * share).quantize(Decimal("0.01")),
            )
        if state == "appraised":
            return
        if state == "answered" or index % 2:
            services.correction_answer(
                actor=focal,
                assessment=assessment,
                note="Đơn vị đề nghị Hội đồng xem xét lại tiêu chí bị trừ điểm.",
                answers={lowered.pk: "Đơn vị bổ sung văn bản đã ban hành kèm theo."},
            )
        if state == "answered" or self.today < assessment.criteria_set.cut_off_date:
            return
        services.assessment_finalise(actor=self.office, assessment=assessment)
        self.created["finalised assessments"] += 1

    def self_score(self, focal, score: Score, salt: int) -> None:
        criterion = score.criterion
        if criterion.method == Method.YES_NO:
            points = criterion.max_points if salt % 6 else Decimal(0)
        else:
            points = (criterion.max_points * Decimal(100 - (salt * 13) % 30) / 100).quantize(
                Decimal("0.25")
            )
        with_file = salt % 3 != 0
        services.score_save(
            actor=focal,
            score=score,
            self_points=min(points, criterion.max_points),
            explanation=EXPLANATIONS[salt % len(EXPLANATIONS)],
            no_evidence_reason=""
            if with_file
            else "Nội dung thực hiện lồng ghép trong báo cáo định kỳ đã gửi Văn phòng.",
            files=[self.paper(score.assessment.unit, criterion)] if with_file else [],
        )

    def paper(self, unit: Unit, criterion):
        """The unit's report on the criterion, as the scan of a signed paper."""
        when = min(self.today, datetime.date(self.today.year, 11, 10))
        title = f"BÁO CÁO KẾT QUẢ THỰC HIỆN TIÊU CHÍ {criterion.code}"
        body = [criterion.title, EXPLANATIONS[criterion.pk % len(EXPLANATIONS)]]
        return paper_file(
            "pdf", f"kiem chung {criterion.code}", paper_for(unit.code, when, title, body)
        )


def load_scoring_demo(*, today: datetime.date | None = None) -> Counter:
    """Add the demo's criteria set and assessments (only when the year has none); returns
    what was created. Does nothing before the demo plan exists."""
    return ScoringDemo(today=today).run()
