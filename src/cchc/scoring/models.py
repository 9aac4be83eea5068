"""The scoring tree: a branch's criteria set for a year (bộ tiêu chí) and its criteria
(area → criterion → sub-criterion). The rules that span the tree (sums, depth, a method on
leaves only) are `tree.validate_tree`; a row checks only what it knows alone."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

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
