"""Match the names written in a plan file to units and groups; read once per import.

How names are matched (never guessed):
  - a name the office resolved in the preview (an alias) means that unit;
  - else a unit whose code, name or short name is the name, ignoring case and diacritics;
    if several match, the one within the issuing unit's branch, if exactly one is;
  - "Phòng Tài chính/TCCT" is the unit of that name below that parent; when no unit bears
    the abbreviation after the slash, the unit of the name before it, if only one has it;
  - collective words ("Các cơ quan, đơn vị") mean the group the issuing unit defined;
  - anything else, or a name that still fits several units, is a problem to resolve;
  - so is a name that stands for a unit outside the issuing unit's branch: a plan gives
    tasks only to the units its office oversees.
Aliases are those the issuing unit's office recorded, never another branch's.
A lead cell names one unit; when it names several, the first leads and the others support
(shown as a warning); when it names a group, the issuing unit leads and the group supports.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from cchc.orgs.models import Unit, UnitAlias, UnitGroup, name_key
from cchc.orgs.services import unit_group_members

from .readers.table import is_collective
from .rows import Problem, UnitName

# --- matching names ----------------------------------------------------------------------


@dataclass
class NameMatch:
    """What one name written in the file stands for."""

    name: str  # as first written
    key: str
    units: list[Unit] = field(default_factory=list)
    group: UnitGroup | None = None
    candidates: list[Unit] = field(default_factory=list)  # when several units fit
    kind: str = ""  # "unit" | "group" when unresolved
    message: str = ""
    outside: list[Unit] = field(default_factory=list)  # units it names beyond the branch

    @property
    def ok(self) -> bool:
        return not self.message


class UnitIndex:
    """Every active unit by code, name, short name and alias, read once per import."""

    def __init__(self, issuing_unit: Unit, resolutions: dict[str, Unit] | None = None):
        self.issuing_unit = issuing_unit
        self.by_key: dict[str, list[Unit]] = defaultdict(list)
        for unit in Unit.objects.filter(is_active=True).only(
            "id", "code", "name", "short_name", "parent_id", "path"
        ):
            for text in {unit.code, unit.name, unit.short_name}:
                key = name_key(text)
                if key and unit not in self.by_key[key]:
                    self.by_key[key].append(unit)
        self.aliases = {
            a.folded: a.unit
            for a in UnitAlias.objects.select_related("unit").filter(
                owner=issuing_unit, unit__is_active=True
            )
        }
        self.resolutions = {name_key(k): u for k, u in (resolutions or {}).items()}
        self.groups = {
            g.folded: g
            for g in UnitGroup.objects.filter(owner=issuing_unit).select_related("owner")
        }
        self._members: dict[int, list[Unit]] = {}
        self._cache: dict[str, NameMatch] = {}

    def _exact(self, key: str) -> list[Unit]:
        if key in self.resolutions:
            return [self.resolutions[key]]
        if key in self.aliases:
            return [self.aliases[key]]
        return list(self.by_key.get(key, []))

    def _units(self, text: str) -> list[Unit]:
        found = self._exact(name_key(text))
        if not found and "/" in text:
            child, parent = (p.strip() for p in text.rsplit("/", 1))
            parents = self._exact(name_key(parent))
            # Every unit of the child's name, not only the one a resolution picked.
            key = name_key(child)
            named = list(self.by_key.get(key, [])) + (
                [self.aliases[key]] if key in self.aliases else []
            )
            found = [
                u for u in named if any(u.path.startswith(p.path) and u.pk != p.pk for p in parents)
            ]
            if not parents:
                # An abbreviation no unit bears ("Phòng Kế hoạch/STC"): the name before the
                # slash decides, if it is one unit's (or one in the branch's, below).
                found = named
        if len(found) > 1:
            branch = [u for u in found if u.path.startswith(self.issuing_unit.path)]
            if len(branch) == 1:
                return branch
        return found

    def in_branch(self, unit: Unit) -> bool:
        return unit.path.startswith(self.issuing_unit.path)

    def known(self, text: str) -> bool:
        """Is this exact name a unit, alias, resolution or group (no "X/Parent" search)?"""
        key = name_key(text)
        return bool(self._exact(key)) or key in self.groups

    def members(self, group: UnitGroup) -> list[Unit]:
        if group.pk not in self._members:
            self._members[group.pk] = unit_group_members(group)
        return self._members[group.pk]

    def match(self, text: str) -> NameMatch:
        key = name_key(text)
        if key in self._cache:
            return self._cache[key]
        result = NameMatch(name=text, key=key)
        units = self._units(text) if key not in self.groups else []
        if key in self.groups and key not in self.resolutions and key not in self.aliases:
            result.group = self.groups[key]
            result.units = self.members(result.group)
        elif len(units) == 1 or (units and not any(self.in_branch(u) for u in units)):
            # One unit, or only units of other branches (then refused as outside, below).
            result.units = units
        elif units:
            result.kind = "unit"
            result.candidates = sorted((u for u in units if self.in_branch(u)), key=_path)
            names = "; ".join(f"{u.name} ({u.code})" for u in result.candidates)
            result.message = _("“%(name)s” khớp với nhiều đơn vị: %(units)s. Chọn một đơn vị.") % {
                "name": text,
                "units": names,
            }
        elif is_collective(text):
            result.kind = "group"
            result.message = _(
                "Cụm từ “%(words)s” chỉ một nhóm đơn vị chưa được định nghĩa cho %(unit)s: "
                "định nghĩa nhóm (tất cả đơn vị trực thuộc hoặc danh sách chọn) rồi nhập lại."
            ) % {"words": text, "unit": self.issuing_unit.name}
        else:
            result.kind = "unit"
            result.message = _(
                "Không tìm thấy đơn vị “%(name)s” (theo mã, tên, tên viết tắt hay tên gọi "
                "khác): chọn đơn vị tương ứng để lưu thành tên gọi khác."
            ) % {"name": text}
        if result.ok:
            self._keep_in_branch(result)
        self._cache[key] = result
        return result

    def _keep_in_branch(self, result: NameMatch) -> None:
        """A name that stands for units outside the issuing unit's branch is a problem."""
        result.outside = sorted((u for u in result.units if not self.in_branch(u)), key=_path)
        if not result.outside:
            return
        names = "; ".join(f"{u.name} ({u.code})" for u in result.outside)
        values = {"name": result.name, "units": names, "unit": self.issuing_unit.name}
        if result.group is not None:
            result.kind = "group"
            result.message = (
                _(
                    "Nhóm “%(name)s” gồm đơn vị không thuộc %(unit)s: %(units)s. Định nghĩa lại "
                    "nhóm chỉ với các đơn vị trong phạm vi của %(unit)s."
                )
                % values
            )
        else:
            result.kind = "unit"
            result.message = (
                _(
                    "“%(name)s” là %(units)s, không thuộc %(unit)s: kế hoạch của %(unit)s chỉ giao "
                    "nhiệm vụ cho đơn vị trong phạm vi của mình. Sửa tên trong tệp, hoặc chọn đơn "
                    "vị trong phạm vi mà tên này chỉ."
                )
                % values
            )
        result.units, result.group = [], None


def _path(unit: Unit) -> str:
    return unit.path


def _rejoin(names: list[UnitName], index: UnitIndex) -> list[UnitName]:
    """Put back together names the splitter cut at a comma or "và" that belongs to the name
    ("Phòng Tuyên truyền và Đào tạo"): the longest run of pieces from one cell that is a
    known unit, alias or group wins."""
    out: list[UnitName] = []
    i = 0
    while i < len(names):
        taken = 1
        first = names[i]
        for j in range(len(names), i + 1, -1):
            run = names[i:j]
            if any(
                (n.sheet, n.row, n.column) != (first.sheet, first.row, first.column) for n in run
            ):
                continue
            for joiner in (" và ", ", "):
                text = joiner.join(n.text for n in run)
                if index.known(text):
                    out.append(UnitName(text, first.sheet, first.row, first.column, first.header))
                    taken = j - i
                    break
            if taken > 1:
                break
        if taken == 1:
            out.append(first)
        i += taken
    return out


def resolve_cell(
    names: list[UnitName], index: UnitIndex, problems: list[Problem], seen: set
) -> list[NameMatch]:
    matches = []
    for name in _rejoin(names, index):
        found = index.match(name.text)
        if not found.ok:
            spot = (found.key, name.sheet, name.row, name.column)
            if spot not in seen:
                seen.add(spot)
                problems.append(
                    Problem(
                        found.message,
                        sheet=name.sheet,
                        row=name.row,
                        column=name.column,
                        header=name.header,
                        kind=found.kind,
                        name=found.name,
                    )
                )
        matches.append(found)
    return matches
