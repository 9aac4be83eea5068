import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cchc.lib.text import fold


def name_key(text: str | None) -> str:
    """The form names are matched on: folded, one space after each comma or semicolon,
    no punctuation at the ends ("Các cơ quan ,đơn vị." -> "cac co quan, don vi")."""
    key = fold(text)
    key = re.sub(r"\s*([,;])\s*", r"\1 ", key)
    return key.strip(" .,;:-–—").strip()


# The deepest a unit may sit (a root is level 1): the path column holds "/" and nine
# characters per level, on every database alike. Real trees (ministry, general department,
# department, division, section…) stay well inside it.
MAX_UNIT_DEPTH = 20


def unit_depth(path: str) -> int:
    return path.count("/") - 1


def unit_path(parent_path: str | None, pk: int) -> str:
    """The path of unit `pk` under a parent with `parent_path` (None for a root).

    Ids are zero-padded so that sorting paths as text walks the tree in order
    ("/00000008/00000009/" before "/00000008/00000011/").
    """
    return f"{parent_path or '/'}{pk:08d}/"


class Unit(models.Model):
    """An agency or unit. `path` ("/00000001/00000004/") makes "this unit and all below" one
    prefix test, and ordering by it walks the tree."""

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
    # What the unit's own documents carry (Decree 30/2020/NĐ-CP): the abbreviation of its
    # name in document numbers ("CT" in "25/KH-CT"), and who signs its plans. The office
    # of the unit's branch sets them (orgs.services.unit_document_settings_update).
    symbol = models.CharField(_("chữ viết tắt tên cơ quan"), max_length=20, blank=True, default="")
    signer_authority = models.CharField(_("quyền hạn ký"), max_length=64, blank=True, default="")
    signer_title = models.CharField(_("chức vụ người ký"), max_length=255, blank=True, default="")
    signer_name = models.CharField(_("họ tên người ký"), max_length=255, blank=True, default="")

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


class UnitAlias(models.Model):
    """Another name a plan uses for a unit ("Văn phòng TCCT", "VP UBND").

    The office records one when an import meets a name it cannot match. It belongs to the
    `owner`, the unit whose office made it: only imports of the owner's plans read it, it
    names a unit of the owner's branch, and within one owner one name means one unit.
    """

    owner = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị khai báo"),
        on_delete=models.CASCADE,
        related_name="owned_aliases",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("cơ quan, đơn vị"), on_delete=models.CASCADE, related_name="aliases"
    )
    alias = models.CharField(_("tên gọi khác"), max_length=255)
    # name_key(alias)
    folded = models.CharField(max_length=255, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["owner__path", "folded"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "folded"], name="unit_alias_unique")
        ]
        verbose_name = _("tên gọi khác của đơn vị")
        verbose_name_plural = _("tên gọi khác của đơn vị")

    def __str__(self) -> str:
        return f"{self.alias} → {self.unit}"


class UnitGroupMode(models.TextChoices):
    BELOW = "below", _("Tất cả cơ quan, đơn vị trực thuộc")
    LIST = "list", _("Danh sách cơ quan, đơn vị được chọn")


class UnitGroup(models.Model):
    """What the collective words of a unit's plans mean ("Các cơ quan, đơn vị").

    `owner` is the issuing unit whose plans use the words. The words are kept as written;
    `folded` is the key imports match on.
    """

    owner = models.ForeignKey(
        Unit,
        verbose_name=_("cơ quan ban hành"),
        on_delete=models.CASCADE,
        related_name="unit_groups",
    )
    words = models.CharField(_("cụm từ"), max_length=255)
    # name_key(words)
    folded = models.CharField(max_length=255, editable=False)
    mode = models.CharField(
        _("phạm vi"), max_length=8, choices=UnitGroupMode.choices, default=UnitGroupMode.BELOW
    )
    units = models.ManyToManyField(
        Unit, verbose_name=_("các đơn vị"), blank=True, related_name="in_groups"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["owner__path", "folded"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "folded"], name="unit_group_unique")
        ]
        verbose_name = _("nhóm đơn vị")
        verbose_name_plural = _("nhóm đơn vị")

    def __str__(self) -> str:
        return self.words
