from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.Model):
    """An agency or unit. `path` ("/1/4/17/") makes "this unit and all below" one prefix test."""

    code = models.CharField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=64, blank=True, default="")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    order = models.PositiveIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")

    class Meta:
        ordering = ["path"]
        verbose_name = _("cơ quan, đơn vị")
        verbose_name_plural = _("cơ quan, đơn vị")

    def __str__(self) -> str:
        return self.short_name or self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2


class Role(models.TextChoices):
    LEADER = "leader", _("Thủ trưởng")
    OFFICE = "office", _("Văn phòng (chuyên viên CCHC)")
    UNIT_HEAD = "unit_head", _("Thủ trưởng cơ quan, đơn vị")
    FOCAL = "focal", _("Cán bộ đầu mối CCHC")
    APPRAISER = "appraiser", _("Thành viên hội đồng thẩm định")
    VIEWER = "viewer", _("Người xem")


class Membership(models.Model):
    """A user holds `role` over `unit` and every unit below it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("vai trò"), max_length=16, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique")
        ]
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.unit}"
