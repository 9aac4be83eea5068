from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cchc.lib.dates import format_day
from cchc.lib.files import StoredFile, stored_file_field
from cchc.orgs.models import Unit

from .timeliness import OPEN_STATUSES


class Area(models.Model):
    """One of the seven reform areas (lĩnh vực), seeded by a data migration."""

    code = models.PositiveSmallIntegerField(_("mã"), unique=True)
    name = models.CharField(_("tên"), max_length=255)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=255, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    ISSUED = "issued", _("Đã ban hành")
    CLOSED = "closed", _("Đã kết thúc")


class Plan(models.Model):
    year = models.PositiveSmallIntegerField(_("năm"))
    title = models.CharField(_("tên kế hoạch"), max_length=500)
    issuing_unit = models.ForeignKey(
        Unit, verbose_name=_("cơ quan ban hành"), on_delete=models.PROTECT, related_name="plans"
    )
    document_number = models.CharField(_("số, ký hiệu"), max_length=64, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("kế hoạch cấp trên"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    purpose = models.TextField(_("mục đích"), blank=True)
    requirements = models.TextField(_("yêu cầu"), blank=True)
    implementation = models.TextField(_("tổ chức thực hiện"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "issuing_unit__path"]
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")

    def __str__(self) -> str:
        return self.title


class Section(models.Model):
    """A plan's own sub-heading under an area ("1. Công tác tuyên truyền")."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    area = models.ForeignKey(Area, on_delete=models.PROTECT)
    title = models.CharField(_("tiêu đề"), max_length=500)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["area__code", "order", "id"]
        verbose_name = _("mục")
        verbose_name_plural = _("mục")

    def __str__(self) -> str:
        return self.title


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Chưa thực hiện")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    DONE = "done", _("Hoàn thành")
    CANCELLED = "cancelled", _("Hủy bỏ")


class Task(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    area = models.ForeignKey(Area, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT)
    section = models.ForeignKey(
        Section, verbose_name=_("mục"), on_delete=models.SET_NULL, null=True, blank=True
    )
    code = models.CharField(_("số thứ tự"), max_length=32, blank=True)
    order = models.PositiveIntegerField(default=0)
    title = models.TextField(_("nội dung nhiệm vụ"))
    description = models.TextField(_("mô tả"), blank=True)
    lead_unit = models.ForeignKey(
        Unit, verbose_name=_("cơ quan chủ trì"), on_delete=models.PROTECT, related_name="led_tasks"
    )
    supporting_units: "models.ManyToManyField[Unit, SupportingUnit]" = models.ManyToManyField(
        Unit,
        verbose_name=_("cơ quan phối hợp"),
        blank=True,
        related_name="supported_tasks",
        through="SupportingUnit",
    )
    # The unit columns as the plan wrote them ("Các cơ quan, đơn vị", "VP"), kept like
    # due_text; empty when the units were chosen in the application.
    lead_unit_text = models.TextField(_("cơ quan chủ trì (như văn bản)"), blank=True)
    supporting_units_text = models.TextField(_("cơ quan phối hợp (như văn bản)"), blank=True)
    due_date = models.DateField(_("hạn hoàn thành"), null=True, blank=True)
    due_text = models.CharField(_("thời gian hoàn thành (như văn bản)"), max_length=255, blank=True)
    is_recurring = models.BooleanField(_("thường xuyên"), default=False)
    deliverable = models.TextField(_("sản phẩm"), blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)
    parent_task = models.ForeignKey(
        "self",
        verbose_name=_("nhiệm vụ cấp trên"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="child_tasks",
    )
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    progress = models.PositiveSmallIntegerField(
        _("tiến độ (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    result = models.TextField(_("kết quả, sản phẩm đã có"), blank=True)
    # Title, code and deliverable folded (lower case, no diacritics) for search.
    search_text = models.TextField(editable=False, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The day the task became part of the issued plan (the plan's issue date, or the day it
    # was added to an issued plan): figures as of an earlier day do not count it.
    added_on = models.DateField(_("ngày vào kế hoạch"), null=True, blank=True, editable=False)
    # The day its deadline was first moved, if ever: only a task moved may have had another
    # deadline on an earlier day (`DueDateChange`).
    due_changed_on = models.DateField(null=True, blank=True, editable=False)
    # The office's review of its completion as it stands today (a ReviewState, or ""), kept
    # with status and progress by every write (plans.history.history_refresh).
    current_review = models.CharField(max_length=16, blank=True, default="", editable=False)

    class Meta:
        ordering = ["plan_id", "area__code", "order", "id"]
        indexes = [
            # With the status, a scope's open tasks are found in the index alone, without
            # reading every task of every year (the export of open tasks).
            models.Index(fields=["plan", "lead_unit", "status"]),
            models.Index(fields=["plan", "status", "due_date"]),
            models.Index(fields=["lead_unit", "status"]),
            # Every column a plan's figures read, so that counting a plan's tasks reads this
            # index alone, not the rows with their long texts (plans.selectors.plan_summary).
            models.Index(
                fields=[
                    "plan",
                    "area",
                    "lead_unit",
                    "status",
                    "due_date",
                    "is_recurring",
                    "completed_on",
                    "progress",
                    "current_review",
                    "added_on",
                    "due_changed_on",
                    "id",
                ],
                name="task_figures",
            ),  # fmt: skip
            # The open tasks of every plan by deadline, with what a scope, a count and a
            # list's order read: the overdue tasks of the whole tree are counted and a page
            # of them found from this index alone, however many years of finished tasks lie
            # beside them.
            models.Index(
                fields=[
                    "due_date",
                    "is_recurring",
                    "plan",
                    "lead_unit",
                    "status",
                    "area",
                    "order",
                    "id",
                ],
                condition=models.Q(status__in=list(OPEN_STATUSES)),
                name="task_open_by_due",
            ),
            # A list's order (`selectors.task_list`) with the status: a page's keys are
            # sorted from this index alone (`lib.paging`), not from every row read whole.
            models.Index(fields=["plan", "area", "order", "id", "status"], name="task_list_order"),
        ]
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()


class SupportingUnit(models.Model):
    """A unit that supports a task (cơ quan phối hợp). It carries the task's plan, kept by
    the services that link them (a task never changes plan), so that the tasks a unit
    supports in one plan are found by the (unit, plan) index, not among every year's."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE)
    # No index of its own: a plan's links go with its tasks, and (unit, plan) is below.
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, db_index=False, editable=False)

    class Meta:
        # Django's own table for the many-to-many field before it carried the plan.
        db_table = "plans_task_supporting_units"
        unique_together = [("task", "unit")]
        indexes = [models.Index(fields=["unit", "plan", "task"], name="supporting_unit_plan")]
        verbose_name = _("cơ quan phối hợp")
        verbose_name_plural = _("cơ quan phối hợp")

    def __str__(self) -> str:
        return f"{self.task_id} ← {self.unit_id}"


class DueDateChange(models.Model):
    """A task's deadline moved (a bulk move or an edit of an issued plan): before and after,
    from which day. Timeliness as of an earlier day judges by the deadline of that day.

    Moves are made today, so a task's moves follow one another: the deadline before a move
    held from the move before it (`before_from`) until this one (`changed_on`), and the
    deadline as of a day D is the one before the move whose span holds D; after the last
    move, the task's own (plans.history)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="due_changes")
    changed_on = models.DateField(_("ngày thay đổi"))
    # The day of the task's move before this one (None: the first move), kept by the
    # service that records the move.
    before_from = models.DateField(null=True, blank=True, editable=False)
    due_date_before = models.DateField(null=True, blank=True)
    is_recurring_before = models.BooleanField()
    due_text_before = models.CharField(max_length=255, blank=True)
    due_date_after = models.DateField(null=True, blank=True)
    is_recurring_after = models.BooleanField()
    due_text_after = models.CharField(max_length=255, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["task_id", "changed_on", "id"]
        indexes = [models.Index(fields=["task", "changed_on", "id"], name="due_change_asof")]
        verbose_name = _("thay đổi hạn hoàn thành")
        verbose_name_plural = _("thay đổi hạn hoàn thành")

    def __str__(self) -> str:
        return f"{format_day(self.changed_on)}: {self.due_text_before} → {self.due_text_after}"


def evidence_path(instance: "Evidence", filename: str) -> str:
    return f"evidence/{instance.task.plan_id}/{instance.task_id}/{filename}"


class TaskUpdate(models.Model):
    """A dated progress entry: the task's whole state as reported on `reported_on`. Never
    edited: a correction is a new entry."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="updates")
    reported_on = models.DateField(_("ngày báo cáo"))
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"))
    status_before = models.CharField(max_length=16, choices=TaskStatus.choices)
    status_after = models.CharField(_("trạng thái"), max_length=16, choices=TaskStatus.choices)
    note = models.TextField(_("nội dung cập nhật"), blank=True)
    deliverable = models.TextField(_("sản phẩm đã có"), blank=True)
    # The task's completion date after this update: set while the task stays done, so the
    # state as of any date is one row (see plans.history).
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)
    # The one-time key of the form that posted it: the same form sent twice (a double
    # click) finds this entry instead of making a second one.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # Derived from the task's entries and reviews by plans.history.history_refresh, in the
    # transaction that writes either, so that the state as of any day is one join:
    # the day the next entry takes over (None: still the latest), so this entry is the
    # state as of D when reported_on <= D < valid_to;
    valid_to = models.DateField(null=True, blank=True, editable=False)
    # while done, whether a done report led here (it awaits or has the office's review),
    reported_done = models.BooleanField(default=False, editable=False)
    # and when the office confirmed that report;
    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # while neither done nor cancelled, whether the office's latest review was a return.
    returned = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["-reported_on", "-id"]
        indexes = [
            # The state as of a day (plans.history) reads this index alone: the entry of a
            # task whose span holds the day, and what it says.
            models.Index(
                fields=[
                    "task", "reported_on", "id", "valid_to", "status_after", "progress",
                    "completed_on", "reported_done", "confirmed_at", "returned",
                ],
                name="update_state_asof",
            ),
        ]  # fmt: skip
        verbose_name = _("cập nhật tiến độ")
        verbose_name_plural = _("cập nhật tiến độ")

    def __str__(self) -> str:
        return f"{format_day(self.reported_on)} {self.progress}%"


class Evidence(StoredFile):
    """A file proving a claim. `effective_on` is the date of the document, not the upload."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="evidence")
    update = models.ForeignKey(
        TaskUpdate, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    file = stored_file_field(evidence_path)
    effective_on = models.DateField(_("ngày của văn bản"))
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT)

    class Meta:
        ordering = ["-effective_on", "-id"]
        verbose_name = _("tài liệu kiểm chứng")
        verbose_name_plural = _("tài liệu kiểm chứng")


class Nudge(models.Model):
    """The office urged a unit (đôn đốc): its message, and the tasks it named (none for a
    word to the unit as a whole). Its focal officers and head were notified."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="nudges")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, null=True, related_name="nudges")
    tasks = models.ManyToManyField(Task, related_name="nudges", blank=True)
    message = models.TextField(_("nội dung đôn đốc"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("đôn đốc")
        verbose_name_plural = _("đôn đốc")

    def __str__(self) -> str:
        return f"{self.unit} – {format_day(self.sent_at)}"


class ReviewDecision(models.TextChoices):
    CONFIRMED = "confirmed", _("Xác nhận hoàn thành")
    RETURNED = "returned", _("Trả lại")


class QualityRating(models.TextChoices):
    """The office's judgement of a confirmed result. “Chưa đạt yêu cầu” still confirms the
    task as done (it was finished, and counts as done in every figure) but records that
    its quality fell short, for the scoring of the year."""

    MET = "met", _("Đạt yêu cầu")
    NOT_MET = "not_met", _("Chưa đạt yêu cầu")


class ReviewState(models.TextChoices):
    """Where a task stands with the office's review, as of a day (plans.history)."""

    AWAITING = "awaiting", _("Chờ văn phòng xác nhận")
    CONFIRMED = "confirmed", _("Đã xác nhận hoàn thành")
    RETURNED = "returned", _("Bị trả lại")


class CompletionReview(models.Model):
    """The office's answer to one report that a task is done (xác nhận hoàn thành): confirmed
    with a quality rating, or returned with a reason. Never edited; a done report made after
    a return awaits a review of its own, whose `attempt` counts the reviews before it."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="completion_reviews")
    # The entry that reported the task done: what the office read.
    update = models.ForeignKey(
        TaskUpdate, on_delete=models.CASCADE, related_name="completion_reviews"
    )
    decision = models.CharField(_("quyết định"), max_length=16, choices=ReviewDecision.choices)
    rating = models.CharField(
        _("đánh giá chất lượng"), max_length=16, choices=QualityRating.choices, blank=True
    )
    # The rating's comment, or the reason of a return.
    comment = models.TextField(_("nhận xét, lý do"), blank=True)
    attempt = models.PositiveSmallIntegerField(_("lần báo cáo hoàn thành"))
    # A return puts the task back in progress by an entry of its own.
    return_update = models.OneToOneField(
        TaskUpdate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    reviewed_at = models.DateTimeField(_("thời điểm"))

    class Meta:
        ordering = ["-reviewed_at", "-id"]
        indexes = [models.Index(fields=["task", "reviewed_at"], name="review_task_at")]
        constraints = [
            models.UniqueConstraint(fields=["update"], name="review_once_per_report"),
        ]
        verbose_name = _("xác nhận hoàn thành")
        verbose_name_plural = _("xác nhận hoàn thành")

    def __str__(self) -> str:
        return f"{self.task_id} #{self.attempt} {self.decision}"
