"""The rules of a criteria tree, on plain nodes so that the pages, the import and the tests
share them: a code ("1.2.3") places a node (its parent is the code without its last part),
a tree is at most three levels deep, a parent's points are its children's sum, only a leaf
is scored and so carries a method, and a ratio's bands go from the highest share down."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Protocol

from django.utils.translation import gettext as _

MAX_DEPTH = 3
CODE = re.compile(r"[1-9]\d{0,2}(\.[1-9]\d{0,2})*")
MAX_POINTS = Decimal("9999.99")
_NUMBER = re.compile(r"\d{1,6}([.,]\d+)?")


def code_message() -> str:
    return _("Mã phải gồm các số cách nhau bằng dấu chấm, ví dụ 1, 1.2 hoặc 1.2.3.")


def code_depth(code: str) -> int:
    return code.count(".") + 1


def parent_code(code: str) -> str:
    """ "1.2.3" -> "1.2"; an area ("1") has none: ""."""
    return code.rpartition(".")[0]


def code_key(code: str) -> tuple[int, ...]:
    """Sorts "1.10" after "1.9"."""
    return tuple(int(p) for p in code.split(".") if p.isdigit())


def parse_number(text: str) -> Decimal | None:
    """A number as written in Vietnam ("2,5") or elsewhere ("2.5"); None if it is not one."""
    text = str(text).strip().replace(" ", "").replace("\u00a0", "")
    if not _NUMBER.fullmatch(text):
        return None
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None


def parse_points(text) -> Decimal | None:
    """Points with at most two decimals within 0..9999,99, or None."""
    value = parse_number(text)
    if value is None or value > MAX_POINTS or value != value.quantize(Decimal("0.01")):
        return None
    return value.quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Band:
    threshold: Decimal  # the least share, in per cent, that earns `fraction`
    fraction: Decimal  # the share of the criterion's points


def parse_bands(text: str) -> list[Band]:
    """ "100:1; 80:0,5; 0:0" -> bands; ValueError naming what is wrong."""
    bands = []
    for part in filter(None, (p.strip() for p in (text or "").split(";"))):
        threshold, colon, fraction = part.partition(":")
        low, share = parse_number(threshold), parse_number(fraction)
        if not colon or low is None or share is None:
            raise ValueError(_("“%(part)s” không đúng dạng ngưỡng:hệ số.") % {"part": part})
        if low > 100 or share > 1:
            raise ValueError(
                _("“%(part)s”: ngưỡng từ 0 đến 100 (%%), hệ số từ 0 đến 1.") % {"part": part}
            )
        bands.append(Band(low, share))
    if not bands:
        raise ValueError(_("Cần ít nhất một mức, ví dụ 100:1; 80:0,5; 0:0."))
    for upper, lower in zip(bands, bands[1:], strict=False):
        if lower.threshold >= upper.threshold:
            raise ValueError(_("Các ngưỡng phải giảm dần từ trái sang phải."))
        if lower.fraction > upper.fraction:
            raise ValueError(_("Ngưỡng thấp hơn không được cho hệ số cao hơn."))
    return bands


def bands_problem(text: str) -> str:
    try:
        parse_bands(text)
    except ValueError as exc:
        return str(exc)
    return ""


def band_points(bands: list[Band], share: Decimal, max_points: Decimal) -> Decimal:
    """The points a share (per cent) earns: the fraction of the first band it reaches."""
    for band in bands:
        if share >= band.threshold:
            return (max_points * band.fraction).quantize(Decimal("0.01"))
    return Decimal("0.00")


class Node(Protocol):
    code: str
    max_points: Decimal
    method: str
    ratio_source: str
    bands: str


@dataclass(frozen=True)
class Problem:
    """What is wrong, about which node (`code`) and which of its fields."""

    code: str
    field: str
    message: str

    def __str__(self) -> str:
        return self.message


def validate_nodes(nodes: Iterable[Node]) -> list[Problem]:
    """Every problem of a tree, each naming the code it is about; empty when it holds."""
    nodes = list(nodes)
    if not nodes:
        return [Problem("", "code", _("Bộ tiêu chí chưa có tiêu chí nào."))]
    problems: list[Problem] = []
    by_code: dict[str, Node] = {}
    for node in nodes:
        problems += _node_problems(node, by_code)
        by_code.setdefault(node.code, node)
    children: dict[str, list[Node]] = {}
    for node in by_code.values():
        children.setdefault(parent_code(node.code), []).append(node)
    for node in sorted(by_code.values(), key=lambda n: code_key(n.code)):
        problems += _place_problems(node, by_code, children.get(node.code, []))
    return problems


def _node_problems(node: Node, seen: dict) -> list[Problem]:
    code = node.code
    if not CODE.fullmatch(code or ""):
        return [
            Problem(code, "code", _("“%(code)s”: %(why)s") % {"code": code, "why": code_message()})
        ]
    if code in seen:
        return [Problem(code, "code", _("%(code)s: mã bị trùng.") % {"code": code})]
    if code_depth(code) > MAX_DEPTH:
        return [Problem(code, "code", depth_message(code))]
    return []


def depth_message(code: str) -> str:
    return _(
        "%(code)s: cây tiêu chí chỉ có tối đa %(depth)d cấp (lĩnh vực → tiêu chí → tiêu chí "
        "thành phần)."
    ) % {"code": code, "depth": MAX_DEPTH}


def _place_problems(node: Node, by_code: dict, kids: list) -> list[Problem]:
    code, problems = node.code, []
    parent = parent_code(code)
    if parent and parent not in by_code:
        message = _("%(code)s: thiếu tiêu chí cha %(parent)s.") % {"code": code, "parent": parent}
        problems.append(Problem(code, "code", message))
    if kids:
        return problems + _parent_problems(node, kids)
    if not node.method:
        message = _("%(code)s: tiêu chí không có tiêu chí con cần phương thức chấm.")
        problems.append(Problem(code, "method", message % {"code": code}))
    elif node.method == "ratio":
        if not node.ratio_source:
            message = _("%(code)s: tiêu chí tỷ lệ cần nguồn số liệu.") % {"code": code}
            problems.append(Problem(code, "ratio_source", message))
        why = bands_problem(node.bands)
        if why:
            message = _("%(code)s: thang điểm: %(why)s") % {"code": code, "why": why}
            problems.append(Problem(code, "bands", message))
    return problems


def _parent_problems(node: Node, kids: list) -> list[Problem]:
    code, problems = node.code, []
    if node.method:
        message = _(
            "%(code)s: tiêu chí có tiêu chí con không có phương thức chấm (chỉ chấm tiêu chí "
            "không có tiêu chí con)."
        )
        problems.append(Problem(code, "method", message % {"code": code}))
    total = sum((k.max_points for k in kids), Decimal("0"))
    if total != node.max_points:
        message = _("%(code)s: điểm tối đa %(max)s khác tổng điểm các tiêu chí con %(sum)s.") % {
            "code": code,
            "max": points_text(node.max_points),
            "sum": points_text(total),
        }
        problems.append(Problem(code, "max_points", message))
    return problems


def points_text(value: Decimal) -> str:
    """ "2,5", "10": points as a Vietnamese reader writes them."""
    text = f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")
