"""The scoring tree: a branch's criteria set for a year (bộ tiêu chí) and its criteria
(area → criterion → sub-criterion). The rules that span the tree (sums, depth, a method on
leaves only) are `tree.validate_tree`; a row checks only what it knows alone."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cchc.lib.files import StoredFile, stored_file_field
from cchc.orgs.models import Unit

from . import tree


class SetStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    IN_USE = "in_use", _("Đang áp dụng")
    CLOSED = "closed", _("Đã kết thúc")


class Method(models.TextChoices):
    MANUAL = "manual", _("Chấm trực tiếp")
    YES_NO = "yes_no", _("Có/Không")
    RATIO = "ratio", _("Tỷ lệ từ số liệu")
    SURVEY = "survey", _("Điều tra xã hội học")


class RatioSource(models.TextChoices):
    TASKS_ON_TIME = "tasks_on_time", _("Tỷ lệ nhiệm vụ hoàn thành đúng hạn")
    REPORTS_ON_TIME = "reports_on_time", _("Tỷ lệ báo cáo gửi đúng hạn")
    FINDINGS_CLOSED = "findings_closed", _("Tỷ lệ kiến nghị kiểm tra xử lý xong đúng hạn")
    FIRST_TIME_CONFIRMED = (
        "first_time_confirmed",
        _("Tỷ lệ nhiệm vụ được xác nhận hoàn thành ngay lần đầu"),
    )


POINTS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("9999.99"))]
PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class CriteriaSet(models.Model):
    """The criteria a branch (the unit whose office issues it) scores its units by in a year."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị ban hành"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(
        _("năm"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(_("tên bộ tiêu chí"), max_length=255)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=SetStatus.choices, default=SetStatus.DRAFT
    )
    is_example = models.BooleanField(_("bộ mẫu"), default=False)
    note = models.TextField(_("ghi chú"), blank=True, max_length=4000)
    # The day the computed criteria are counted as of (ngày chốt số liệu); 31/12 when empty.
    cut_off = models.DateField(_("ngày chốt số liệu"), null=True, blank=True)
    # Classification by the share of the set's points (configurable; 90/70/50 by default).
    excellent_from = models.DecimalField(
        _("xuất sắc từ (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("90"),
        validators=PERCENT,
    )
    good_from = models.DecimalField(
        _("tốt từ (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("70"),
        validators=PERCENT,
    )
    pass_from = models.DecimalField(
        _("hoàn thành từ (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("50"),
        validators=PERCENT,
    )
    # At most this share of the units may be graded excellent; empty: no cap.
    excellent_cap = models.PositiveSmallIntegerField(
        _("tỷ lệ tối đa xếp loại xuất sắc (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "title", "pk"]
        verbose_name = _("bộ tiêu chí")
        verbose_name_plural = _("bộ tiêu chí")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "title"], name="criteriaset_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"

    @property
    def is_draft(self) -> bool:
        return self.status == SetStatus.DRAFT

    @property
    def cut_off_date(self) -> datetime.date:
        return self.cut_off or datetime.date(self.year, 12, 31)

    def clean(self) -> None:
        if not self.excellent_from > self.good_from > self.pass_from:
            raise ValidationError(
                {"good_from": _("Các ngưỡng xếp loại phải giảm dần: xuất sắc > tốt > hoàn thành.")}
            )
        if self.cut_off and self.cut_off.year != self.year:
            raise ValidationError(
                {"cut_off": _("Ngày chốt số liệu phải thuộc năm của bộ tiêu chí.")}
            )


class Criterion(models.Model):
    """One node of the tree. Only a leaf is scored, so only a leaf carries a method."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    code = models.CharField(_("mã"), max_length=20)
    title = models.CharField(_("tiêu chí"), max_length=1000)
    guidance = models.TextField(_("hướng dẫn chấm"), blank=True, max_length=10000)
    evidence_required = models.TextField(_("tài liệu kiểm chứng"), blank=True, max_length=10000)
    max_points = models.DecimalField(
        _("điểm tối đa"), max_digits=6, decimal_places=2, validators=POINTS
    )
    method = models.CharField(
        _("phương thức chấm"), max_length=10, choices=Method.choices, blank=True
    )
    ratio_source = models.CharField(
        _("nguồn số liệu"), max_length=24, choices=RatioSource.choices, blank=True
    )
    bands = models.CharField(_("thang điểm"), max_length=200, blank=True)
    order = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["criteria_set", "order", "pk"]
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="criterion_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"

    @property
    def depth(self) -> int:
        return tree.code_depth(self.code)

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if not tree.CODE.fullmatch(self.code or ""):
            errors["code"] = tree.code_message()
        if self.method == Method.RATIO:
            if not self.ratio_source:
                errors["ratio_source"] = _("Tiêu chí tính theo tỷ lệ cần nguồn số liệu.")
            problem = tree.bands_problem(self.bands)
            if problem:
                errors["bands"] = problem
        elif self.ratio_source or self.bands.strip():
            errors["method"] = _("Nguồn số liệu và thang điểm chỉ dùng cho phương thức tỷ lệ.")
        if errors:
            raise ValidationError(errors)


# --- assessments -------------------------------------------------------------------------


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Đơn vị đang tự chấm")
    SUBMITTED = "submitted", _("Đã gửi, chờ thẩm định")
    APPRAISED = "appraised", _("Đã thẩm định")
    ANSWERED = "answered", _("Đơn vị đã giải trình")
    FINALISED = "finalised", _("Đã chốt kết quả")


class Assessment(models.Model):
    """One unit's scoring against a set: the unit's own points (self-assessment), the
    council's (appraisal), the unit's one answer, and the office's finalisation, after which
    every figure is frozen (`Score.final_points`, the computed numbers) and nothing changes
    until the office reopens it with a reason."""

    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.PROTECT, related_name="assessments"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=10,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.DRAFT,
    )
    version = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    appraised_at = models.DateTimeField(null=True, blank=True)
    appraised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    appraisal_note = models.TextField(
        _("nhận xét chung của hội đồng"), blank=True, max_length=10000
    )
    answer_note = models.TextField(_("giải trình của đơn vị"), blank=True, max_length=10000)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    finalised_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    total = models.DecimalField(
        _("tổng điểm"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    reopen_reason = models.TextField(_("lý do mở lại"), blank=True, max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["criteria_set", "unit__path"]
        verbose_name = _("bản đánh giá")
        verbose_name_plural = _("bản đánh giá")
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "unit"], name="assessment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit} – {self.criteria_set}"

    @property
    def is_finalised(self) -> bool:
        return self.status == AssessmentStatus.FINALISED

    @property
    def is_submitted(self) -> bool:
        return self.status != AssessmentStatus.DRAFT


class Score(models.Model):
    """One leaf criterion of one assessment. Computed criteria (ratio) keep the numbers
    behind their points once finalised; before then they are computed on every read."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    self_points = models.DecimalField(
        _("điểm tự chấm"), max_digits=6, decimal_places=2, null=True, blank=True, validators=POINTS
    )
    explanation = models.TextField(_("giải thích, số liệu kê khai"), blank=True, max_length=10000)
    no_evidence_reason = models.TextField(
        _("lý do không có tài liệu kiểm chứng"), blank=True, max_length=4000
    )
    appraised_points = models.DecimalField(
        _("điểm thẩm định"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=POINTS,
    )
    appraisal_comment = models.TextField(_("ý kiến thẩm định"), blank=True, max_length=10000)
    answer = models.TextField(_("giải trình"), blank=True, max_length=10000)
    # Frozen at finalisation: the points that count, and a ratio's numbers.
    final_points = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    numerator = models.PositiveIntegerField(null=True, blank=True)
    denominator = models.PositiveIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["assessment", "criterion__order", "criterion_id"]
        verbose_name = _("điểm tiêu chí")
        verbose_name_plural = _("điểm tiêu chí")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="score_unique")
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.criterion_id}"


def score_file_path(instance: "ScoreFile", filename: str) -> str:
    return f"scores/{instance.score.assessment_id}/{instance.score_id}/{filename}"


class ScoreFile(StoredFile):
    """Evidence (tài liệu kiểm chứng) for one criterion's self-assessment."""

    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="files")
    file = stored_file_field(score_file_path)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("tài liệu kiểm chứng")
        verbose_name_plural = _("tài liệu kiểm chứng")
