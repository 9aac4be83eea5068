"""What the criteria sets' and assessments' endpoints take and give. Points are JSON numbers
with at most two decimals; the services say what is allowed (0 to the criterion's maximum,
0 or the maximum for a yes/no criterion)."""

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from cchc.plans.forms import MAX_ID

from .schemas import Text

SetStatusName = Literal["draft", "in_use", "closed"]
MethodName = Literal["", "manual", "yes_no", "ratio", "survey"]
RatioSourceName = Literal[
    "", "tasks_on_time", "reports_on_time", "findings_closed", "first_time_confirmed"
]
AssessmentStatusName = Literal["draft", "submitted", "appraised", "answered", "finalised"]
# The longest texts the models keep (scoring.models).
LONG_TEXT = 10_000
REASON_TEXT = 4_000
ScoreId = Annotated[int, Field(ge=1, le=MAX_ID)]
AnswerText = Annotated[Text, Field(max_length=LONG_TEXT)]
VERSION = Field(
    None,
    ge=0,
    le=MAX_ID,
    description=(
        "Phiên bản của bản đánh giá bên gửi đã đọc (`version`); nếu đã có người thay đổi "
        "sau đó, trả 409 và không ghi gì."
    ),
)


class CriteriaSetOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    year: int
    title: str
    status: SetStatusName
    is_example: bool
    cut_off: datetime.date = Field(description="Ngày chốt số liệu (31/12 khi chưa đặt).")


class CriterionOut(Schema):
    id: int
    code: str
    parent_id: int | None
    depth: int
    title: str
    max_points: float
    method: MethodName = Field(description="Chỉ tiêu chí lá có phương thức chấm.")
    ratio_source: RatioSourceName
    bands: str = Field(description="Thang điểm của tiêu chí tỷ lệ: “ngưỡng %:hệ số; …”.")
    guidance: str
    evidence_required: str
    children_sum: float | None = Field(description="Tổng điểm tối đa của các tiêu chí con.")


class CriteriaSetDetailOut(CriteriaSetOut):
    note: str
    excellent_from: float
    good_from: float
    pass_from: float
    excellent_cap: int | None
    total: float
    problems: list[str]
    can_manage: bool
    criteria: list[CriterionOut]


class AssessmentQuery(Schema):
    criteria_set: int | None = Field(None, ge=1, le=MAX_ID)
    unit: int | None = Field(None, ge=1, le=MAX_ID, description="Đơn vị và đơn vị trực thuộc.")
    status: AssessmentStatusName | None = None


class AssessmentOut(Schema):
    id: int
    criteria_set_id: int
    criteria_set_title: str
    year: int
    unit_id: int
    unit_name: str
    status: AssessmentStatusName
    version: int
    total: float | None = Field(description="Tổng điểm đã chốt; null trước khi chốt.")
    submitted_at: datetime.datetime | None
    appraised_at: datetime.datetime | None
    answered_at: datetime.datetime | None
    finalised_at: datetime.datetime | None


class ScoreFileOut(Schema):
    id: int
    name: str
    size: int
    sha256: str
    download_url: str


class ScoreRowOut(Schema):
    """One criterion: a parent with its sums, or a leaf with its score."""

    criterion_id: int
    code: str
    depth: int
    title: str
    max_points: float
    method: MethodName
    ratio_source: RatioSourceName
    score_id: int | None
    self_points: float | None
    explanation: str
    no_evidence_reason: str
    files: list[ScoreFileOut]
    appraised_points: float | None = Field(
        description=("Điểm thẩm định (khi hội đồng đã gửi kết quả) hoặc điểm điều tra xã hội học.")
    )
    appraisal_comment: str
    answer: str
    points: float | None = Field(description="Điểm được tính lúc này (đã chốt: điểm chốt).")
    numerator: int | None
    denominator: int | None
    differs: bool
    self_sum: float
    appraised_sum: float | None
    points_sum: float


class TotalsOut(Schema):
    max: float
    self: float
    appraised: float | None
    points: float


class AbilitiesOut(Schema):
    can_self_score: bool
    can_submit: bool
    can_appraise: bool
    can_send_appraisal: bool
    can_answer: bool
    can_enter_survey: bool
    can_finalise: bool
    can_reopen: bool


class AssessmentDetailOut(AssessmentOut):
    submitted_by: str
    appraisal_note: str
    answer_note: str
    reopen_reason: str
    counted_on: datetime.date = Field(description="Ngày tính số liệu của tiêu chí tỷ lệ.")
    projected: bool = Field(description="Chưa đến ngày chốt: điểm tỷ lệ là điểm dự kiến.")
    show_appraisal: bool
    totals: TotalsOut
    abilities: AbilitiesOut
    criteria: list[ScoreRowOut]


class ScoreIn(Schema):
    self_points: Decimal | None = Field(None, description="Để trống (null): chưa chấm.")
    explanation: Text = Field("", max_length=LONG_TEXT)
    no_evidence_reason: Text = Field("", max_length=REASON_TEXT)
    version: int | None = VERSION


class AppraisalIn(Schema):
    appraised_points: Decimal | None = None
    comment: Text = Field("", max_length=LONG_TEXT)
    version: int | None = VERSION


class SurveyIn(Schema):
    points: Decimal | None = None
    version: int | None = VERSION


class VersionIn(Schema):
    version: int | None = VERSION


class AppraisalSendIn(Schema):
    note: Text = Field("", max_length=LONG_TEXT)
    version: int | None = VERSION


class AnswerIn(Schema):
    note: Text = Field("", max_length=LONG_TEXT)
    answers: dict[ScoreId, AnswerText] = Field(
        default_factory=dict,
        description=(
            "Giải trình từng tiêu chí, theo `score_id`: chỉ các tiêu chí hội đồng chấm khác "
            "đơn vị (`differs`)."
        ),
    )
    version: int | None = VERSION


class ReopenIn(Schema):
    reason: Text = Field("", max_length=REASON_TEXT, description="Bắt buộc: lý do mở lại.")
    to: Literal["draft", "submitted"] = Field(
        description="draft: đơn vị tự chấm lại; submitted: hội đồng thẩm định lại."
    )
    version: int | None = VERSION
