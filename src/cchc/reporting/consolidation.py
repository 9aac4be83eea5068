"""The consolidated report's inputs: the narrative generated from the accepted unit reports,
and `document_data()`, every value the document shows as plain JSON data.

`document_data()` is what documents.render() turns into bytes and what approval freezes;
its hash names the inputs, so identical inputs give identical files.

The narrative is condensed, not concatenated: each point the units make appears once,
naming the units that made it, and a unit's line that only restates one of its tasks is
left out, because the document lists every task done or overdue once, from the task data
as of the cut-off (`data.done_tasks`, `data.overdue_tasks`).
"""

import datetime
import functools
import hashlib
import json
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.utils import timezone

from cchc.lib.dates import format_day
from cchc.lib.text import fold
from cchc.orgs.selectors import agency_symbol
from cchc.plans.models import Area, TaskStatus
from cchc.plans.timeliness import Timeliness

from . import data
from .models import ConsolidatedReport, ReportingPeriod, ReportStatus, UnitReport

# 2: the lists of tasks done and overdue (with results and notes as of the cut-off), the
# direction area merged into section I.
FORMAT_VERSION = 2
ASSESSMENT_KEYS = ["strengths", "limitations", "causes"]
# The area that is “Công tác chỉ đạo, điều hành…” (glossary: area 1). Its content is
# section I of the report, so that heading appears once.
DIRECTION_AREA = 1


def narrative_keys() -> list[str]:
    areas = [
        f"area_{code}" for code in Area.objects.order_by("code").values_list("code", flat=True)
    ]
    return ["direction", *areas, *ASSESSMENT_KEYS, "next_tasks", "proposals"]


def accepted_reports(period: ReportingPeriod) -> list[UnitReport]:
    """The accepted reports, in tree order, each with the version the office accepted."""
    return list(
        UnitReport.objects.filter(period=period, status=ReportStatus.ACCEPTED)
        .select_related("unit", "accepted_version")
        .order_by("unit__path")
    )


# --- condensing the units' narratives ----------------------------------------------------
#
# Sixteen units write the same opening sentence, and every unit's draft restates its tasks
# (prefilled from the task data). The consolidated report lists each task once from the
# data as of the cut-off, so a unit's line that only restates a task adds nothing; every
# other point is kept, once, naming the units that made it.

# Near-identical points: the same numbers and at least this similar once folded. High enough
# that “Tổ chức 5 hội nghị” and “Tổ chức 3 hội nghị” (different numbers) or two different
# sentences on one subject stay apart.
SIMILAR = 0.9
# A point made by more units than this is attributed by count, not by a list of names.
NAMED_AT_MOST = 6
BULLET = re.compile(r"^\s*(?:[-+*•–—]|\d+[.)]|[a-zđ][.)])\s+")
SUBJECT = re.compile(r"^(?:cac )?(?:co quan, don vi|co quan|don vi)\s+(?=\S)")
PROPOSING = re.compile(r"^(?:de nghi|kien nghi|de xuat)\b")
PROGRESS = re.compile(r"tien do \d+")
DATE = re.compile(r"\b\d{1,2} \d{1,2} \d{4}\b")


# Bounded: a worker serves many reports. The restated-task test and the grouping fold the
# same lines, and a unit's task rows repeat across its report's sections.
@functools.lru_cache(maxsize=1 << 16)
def key(text: str) -> str:
    """Folded (no diacritics, lower case) with punctuation as spaces: the comparison form."""
    return " ".join(re.sub(r"[^\w]+", " ", fold(text)).split())


def points(text: str) -> list[str]:
    """A narrative's points: its non-empty lines, without their bullets."""
    out = []
    for line in (text or "").splitlines():
        line = BULLET.sub("", line).strip()
        if line:
            out.append(line)
    return out


# eq=False: points are told apart by identity (they key a dict while grouping).
@dataclass(eq=False)
class Point:
    text: str
    key: str
    numbers: tuple[str, ...]
    units: list = field(default_factory=list)
    # The units as a set too: thousands of units make one point, and a list's `in` would
    # compare each new one with all of them.
    seen: set = field(default_factory=set, repr=False)

    def similar(
        self, other_key: str, other_numbers: tuple[str, ...], matcher: SequenceMatcher | None = None
    ) -> bool:
        """`matcher`, if given, holds `other_key` as its second sequence (indexed once for
        every point it is compared with). ratio() is not symmetric: this key comes first."""
        if other_key == self.key:
            return True
        if other_numbers != self.numbers:
            return False
        shorter, longer = sorted((len(self.key), len(other_key)))
        if not longer or shorter / longer < SIMILAR:
            return False
        if matcher is None:
            matcher = SequenceMatcher(None, "", other_key, autojunk=False)
        matcher.set_seq1(self.key)
        # quick_ratio() is an upper bound of ratio() and costs far less.
        return matcher.quick_ratio() >= SIMILAR and matcher.ratio() >= SIMILAR

    def add(self, source) -> None:
        try:
            if source in self.seen:
                return
            self.seen.add(source)
        except TypeError:  # unhashable (an unsaved model): equal to nothing but itself
            if any(source is u for u in self.units):
                return
        self.units.append(source)


def group_points(items: list[tuple[object, str]], skip=None) -> list[Point]:
    """One Point per distinct point, in the order first written, with the sources (in the
    order given) that made it. `skip(source, text)` leaves a point out (a task restated)."""
    groups: list[Point] = []
    exact: dict[str, Point] = {}
    # Near-identical sentences share their opening or their ending words: only those are
    # compared, so that thousands of units' distinct points are not compared pairwise.
    near: dict[tuple, list[Point]] = {}
    for source, text in items:
        for line in points(text):
            if skip is not None and skip(source, line):
                continue
            k = key(line)
            if not k:
                continue
            point = exact.get(k)
            if point is None:
                nums = tuple(re.findall(r"\d+", k))
                words = k.split()
                buckets = [("<", nums, *words[:3]), (">", nums, *words[-3:])]
                # A point in both buckets is compared once (dict: first place kept).
                candidates = dict.fromkeys(g for b in buckets for g in near.get(b, []))
                matcher = SequenceMatcher(None, "", k, autojunk=False)
                point = next((g for g in candidates if g.similar(k, nums, matcher)), None)
                if point is None:
                    point = Point(text=line, key=k, numbers=nums)
                    groups.append(point)
                    for b in buckets:
                        near.setdefault(b, []).append(point)
                exact[k] = point
            point.add(source)
    return groups


def _short(unit) -> str:
    return unit.short_name or unit.name


def who(units: list, everyone: int) -> str:
    """The subject of a point: one unit by its name, a few by short names, many by count,
    every unit that reported as “Các cơ quan, đơn vị”."""
    if len(units) == 1:
        return units[0].name
    if len(units) >= everyone:
        return "Các cơ quan, đơn vị"
    if len(units) > NAMED_AT_MOST:
        return f"{len(units)} cơ quan, đơn vị"
    names = [_short(u) for u in units]
    return f"{', '.join(names[:-1])} và {names[-1]}"


def attribute(text: str, units: list, everyone: int) -> str:
    """“- <units> <text>”: the units become the sentence's subject where it opens with one
    (“Đơn vị đã…” -> “Cục A và Cục B đã…”, “Đề nghị…” -> “Cục A đề nghị…”); otherwise
    they lead it (“- <units>: <text>”)."""
    subject = who(units, everyone)
    folded = fold(text)
    opening = SUBJECT.match(folded)
    if opening:
        return f"- {subject} {text[opening.end() :]}"
    if PROPOSING.match(folded):
        return f"- {subject} {text[0].lower()}{text[1:]}"
    return f"- {subject}: {text}"


def condense(items: list[tuple[object, str]], everyone: int, skip=None) -> str:
    """(unit, text) pairs as lines, each point once, each naming the units that made it."""
    return "\n".join(attribute(p.text, p.units, everyone) for p in group_points(items, skip))


class Restatements:
    """Tells whether a unit's line only restates one of its tasks, as the draft prefilled
    from the task data writes it (“1.2 <title> (phối hợp): đang thực hiện, tiến độ 40%;
    sản phẩm: …. <latest note>”, or “Nhiệm vụ 1.2 <title> chậm so với thời hạn (…), tiến
    độ 40%.”) with nothing of the unit's own. The frozen version's task rows say which
    tasks, results, deadlines and notes the unit had."""

    FIXED = ("phoi hop", "san pham", "cham so voi thoi han")

    def __init__(self):
        labels = {key(str(label)) for _value, label in TaskStatus.choices}
        labels |= {key(label) for label in ("Chưa thực hiện", "Đang thực hiện", "Hoàn thành")}
        self.labels = sorted(labels, key=len, reverse=True)
        self.by_version: dict[int, list[tuple[str, list[str]]]] = {}

    def _tasks(self, version) -> list[tuple[str, list[str]]]:
        if version.pk not in self.by_version:
            tasks = []
            for row in version.tasks or []:
                head = key(f"{row.get('code', '')} {row.get('title', '')}")
                words = [key(row.get("result") or ""), key(row.get("due_text") or "")]
                words += [key(u.get("note") or "") for u in row.get("updates") or []]
                tasks.append((head, sorted((w for w in words if w), key=len, reverse=True)))
            self.by_version[version.pk] = tasks
        return self.by_version[version.pk]

    def __call__(self, version, line: str) -> bool:
        k = key(line).removeprefix("nhiem vu ")
        for head, words in self._tasks(version):
            if not head or not k.startswith(head):
                continue
            rest = f" {k[len(head) :]} "
            for word in (*words, *self.FIXED, *self.labels):
                rest = rest.replace(f" {word} ", " ")
            if not DATE.sub(" ", PROGRESS.sub(" ", rest)).split():
                return True
        return False


class Addressees:
    """Whom a proposal addresses: the first unit it names (by name, short name or an alias
    the issuing unit's office recorded; the longest name at the earliest place) after
    “đề nghị / kiến nghị / đề xuất”. Another branch's aliases do not speak for this one."""

    def __init__(self, issuing):
        from cchc.orgs.models import Unit, UnitAlias

        self.names: dict[tuple[str, ...], object] = {}
        units = {u.pk: u for u in Unit.objects.only("id", "name", "short_name", "path")}
        for unit in units.values():
            for name in (unit.name, unit.short_name):
                if key(name):
                    self.names.setdefault(tuple(key(name).split()), unit)
        for alias in UnitAlias.objects.filter(owner=issuing).only("unit_id", "alias"):
            if key(alias.alias) and alias.unit_id in units:
                self.names.setdefault(tuple(key(alias.alias).split()), units[alias.unit_id])
        self.longest = max((len(n) for n in self.names), default=0)

    def __call__(self, text: str):
        words = key(text).split()
        start = 0
        for i in range(len(words)):
            if PROPOSING.match(" ".join(words[i : i + 2])):
                start = i + 2
                break
        for i in range(start, len(words)):
            for n in range(min(self.longest, len(words) - i), 0, -1):
                unit = self.names.get(tuple(words[i : i + n]))
                if unit is not None:
                    return unit
        return None


def split_proposals(period: ReportingPeriod, reports: list[UnitReport]) -> tuple[str, str]:
    """The units' proposals as (outward, inward), deduplicated, each naming its units.

    A proposal asks someone else. The consolidated report speaks for the plan's issuing
    unit, so:
    - a unit's proposal addressed to that very unit is no proposal, and is left out;
    - one addressed to the issuing unit or to a unit under it (its office, a department) is
      a request the issuing unit answers itself (inward): listed with the tasks for the next
      period, never in section V as the issuing unit proposing to itself;
    - the rest, addressed to the level above or to no one named (outward), are section V."""
    issuing = period.plan.issuing_unit
    everyone = len(reports)
    addressee = Addressees(issuing)
    outward, inward = [], []
    # Every report here has its accepted version (default_narrative keeps only those).
    for point in group_points([(r.unit, r.accepted_version.proposals) for r in reports]):  # type: ignore[union-attr]
        target = addressee(point.text)
        units = [u for u in point.units if target is None or u.pk != target.pk]
        if not units:
            continue
        line = attribute(point.text, units, everyone)
        if target is not None and target.path.startswith(issuing.path):
            inward.append(line)
        else:
            outward.append(line)
    return "\n".join(outward), "\n".join(inward)


def default_narrative(
    period: ReportingPeriod,
    today: datetime.date,
    *,
    stats: dict | None = None,
    rows: list[dict] | None = None,
) -> dict[str, str]:
    """A first draft of every section, condensed from the accepted reports and the task
    data. The office edits it before sending it to the leader. The figures and the lists of
    tasks done and overdue are not part of it: the document takes them from the task data
    as of the cut-off. `stats` and `rows`: the period's task_stats as of `today` and its
    report_rows, when the caller has them already."""
    period = ReportingPeriod.objects.select_related("plan__issuing_unit").get(pk=period.pk)
    plan = period.plan
    reports = [r for r in accepted_reports(period) if r.accepted_version_id]
    everyone = len(reports)
    rows = data.report_rows(period) if rows is None else rows
    counts = data.report_counts(rows)
    stats = data.task_stats(period, period.as_of(today)) if stats is None else stats
    issued = f" số {plan.document_number}" if plan.document_number else ""
    issued += f" ngày {format_day(plan.issued_on)}" if plan.issued_on else ""
    direction = [
        f"{plan.issuing_unit.name} ban hành {plan.title}{issued}; phân công cơ quan chủ trì, "
        "phối hợp cho từng nhiệm vụ và theo dõi tiến độ thực hiện trên hệ thống.",
        f"Kỳ báo cáo {period.title_phrase}: số liệu từ ngày {format_day(period.starts_on)} "
        f"đến ngày {format_day(period.ends_on)}, hạn gửi báo cáo ngày {format_day(period.due_on)}; "
        f"{counts['due']} cơ quan, đơn vị phải báo cáo, {counts['on_time']} đơn vị gửi đúng hạn, "
        f"{counts['late']} đơn vị gửi muộn, {counts['missing']} đơn vị chưa gửi.",
    ]
    # The nudges sent by the day the draft is written, not those sent since.
    nudges = period.nudges.filter(sent_at__date__lte=today).count()
    if nudges:
        direction.append(f"Văn phòng đã đôn đốc {nudges} lượt cơ quan, đơn vị chậm gửi báo cáo.")
    narrative = {"direction": "\n".join(direction)}
    restates = Restatements()

    def condensed(text_of) -> str:
        """Each report's text (`text_of(version)`), condensed; tasks restated left out."""
        groups = group_points(
            [(r, text_of(r.accepted_version)) for r in reports],
            skip=lambda r, line: restates(r.accepted_version, line),
        )
        return "\n".join(attribute(p.text, [r.unit for r in p.units], everyone) for p in groups)

    codes = [a["code"] for a in stats["by_area"]]
    for code in codes:
        narrative[f"area_{code}"] = condensed(lambda v, c=code: v.part(c, "results"))
    c = stats["total"]["counts"]
    done = c[Timeliness.DONE_ON_TIME] + c[Timeliness.DONE_LATE]
    narrative["strengths"] = (
        f"Các nhiệm vụ cải cách hành chính được triển khai theo kế hoạch; {done} nhiệm vụ đã "
        f"hoàn thành, trong đó {c[Timeliness.DONE_ON_TIME]} nhiệm vụ đúng hạn; "
        f"{counts['on_time']}/{counts['due']} cơ quan, đơn vị gửi báo cáo đúng hạn."
    )
    limitations = condensed(lambda v: "\n".join(v.part(code, "limitations") for code in codes))
    if c[Timeliness.OVERDUE]:
        behind = (
            f"- {c[Timeliness.OVERDUE]} nhiệm vụ quá hạn chưa hoàn thành (nêu tại mục I, II "
            "và phụ lục)."
        )
        limitations = f"{behind}\n{limitations}".strip()
    narrative["limitations"] = limitations
    narrative["causes"] = condensed(lambda v: "\n".join(v.part(code, "causes") for code in codes))
    outward, inward = split_proposals(period, reports)
    next_tasks = condensed(lambda v: v.next_tasks)
    if inward:
        next_tasks = (
            f"{next_tasks}\nTiếp thu, giải quyết đề xuất của các cơ quan, đơn vị:\n{inward}"
        ).strip()
    narrative["next_tasks"] = next_tasks
    narrative["proposals"] = outward
    return narrative


def default_recipients(period: ReportingPeriod) -> str:
    plan = period.plan
    lines = []
    if plan.issuing_unit.parent:
        lines.append(f"{plan.issuing_unit.parent.name} (để báo cáo)")
    lines.append("Thủ trưởng (để báo cáo)")
    lines.append("Các cơ quan, đơn vị")
    return "\n".join(lines)


def _report_row(row: dict) -> dict:
    status = row["status"]
    return {
        "name": row["name"],
        "status": str(ReportStatus(status).label) if status else "Chưa lập",
        "submitted_on": (
            timezone.localdate(row["first_submitted_at"]).isoformat()
            if row["first_submitted_at"]
            else None
        ),
        "submission": row["submission"],
        "submission_label": data.SUBMISSION_LABELS[row["submission"]],
        "days_late": row["days_late"],
    }


def _branch_progress(period: ReportingPeriod, by_unit: list[dict]) -> list[list]:
    """Mean progress per branch (each unit directly below the issuing unit, with everything
    under it), for the chart: one bar per branch keeps the chart readable at any size."""
    root = period.plan.issuing_unit.path
    branches: dict[str, dict] = {}
    for row in by_unit:
        path = row["path"]
        if path.startswith(root) and path != root:
            key = root + path[len(root) :].split("/", 1)[0] + "/"
        else:
            key = path
        branch = branches.setdefault(key, {"name": None, "total": 0, "p": 0.0})
        if key == path:
            branch["name"] = row["short_name"] or row["name"]
        branch["total"] += row["total"]
        branch["p"] += (row["progress"] or 0) * row["total"]
    names = _branch_names(branches)
    return [
        [names[key], round(b["p"] / b["total"], 1) if b["total"] else 0.0]
        for key, b in sorted(branches.items())
    ]


def _branch_names(branches: dict[str, dict]) -> dict[str, str]:
    from cchc.orgs.models import Unit

    missing = [k for k, b in branches.items() if b["name"] is None]
    found = {}
    if missing:
        found = {
            u.path: (u.short_name or u.name)
            for u in Unit.objects.filter(path__in=missing).only("path", "name", "short_name")
        }
    return {k: b["name"] or found.get(k, k) for k, b in branches.items()}


def document_data(
    period: ReportingPeriod, report: ConsolidatedReport | None, *, today: datetime.date
) -> dict:
    """Every value of the consolidated report as JSON-ready data. Deterministic: the same
    task data, reports, narrative and reference date give the same dict."""
    period = ReportingPeriod.objects.select_related("plan__issuing_unit__parent").get(pk=period.pk)
    plan = period.plan
    issuing = plan.issuing_unit
    as_of = period.as_of(today)
    stats = data.task_stats(period, as_of)
    rows = data.report_rows(period)
    narrative = (report.narrative if report else None) or default_narrative(
        period, today, stats=stats, rows=rows
    )
    report_rows = [_report_row(r) for r in rows]
    not_accepted = [
        r["name"] for r in rows if r["submission"] != data.MISSING and r["status"] != "accepted"
    ]
    missing = [r["name"] for r in rows if r["submission"] == data.MISSING]
    number = (report.document_number if report else "") or ""
    # The symbol the unit's plans are numbered with ("CT"), not its name's abbreviation.
    short = agency_symbol(issuing)
    return {
        "format_version": FORMAT_VERSION,
        "period": {
            "id": period.pk,
            "kind": period.kind,
            "phrase": period.title_phrase,
            "starts_on": period.starts_on.isoformat(),
            "ends_on": period.ends_on.isoformat(),
            "due_on": period.due_on.isoformat(),
            "year": plan.year,
        },
        "as_of": as_of.isoformat(),
        "parent_body": issuing.parent.name if issuing.parent else "",
        "issuing_body": issuing.name,
        "issuing_short": short,
        "document_number": number,
        "number_suffix": f"/BC-{short}",
        "place": (report.place if report else "") or "Hà Nội",
        "issued_on": report.issued_on.isoformat() if report and report.issued_on else None,
        "title": "BÁO CÁO",
        "summary": f"Kết quả thực hiện công tác cải cách hành chính {period.title_phrase}",
        "plan": {
            "title": plan.title,
            "document_number": plan.document_number,
            "issued_on": plan.issued_on.isoformat() if plan.issued_on else None,
        },
        "areas": [{"code": a["code"], "name": a["name"]} for a in stats["by_area"]],
        "narrative": {k: narrative.get(k, "") for k in narrative_keys()},
        "missing_units": missing,
        "not_accepted_units": not_accepted,
        "categories": [[value, str(label)] for value, label in Timeliness.choices],
        "stats": stats,
        "reports": report_rows,
        "direction_area": DIRECTION_AREA,
        "done": data.done_tasks(period, as_of),
        "overdue": data.overdue_tasks(period, as_of),
        "charts": {
            "by_area": [
                [f"{a['code']}. {a['name']}", a["progress"] or 0.0] for a in stats["by_area"]
            ],
            "by_unit": _branch_progress(period, stats["by_unit"]),
        },
        "signer": {
            "authority": (report.signer_authority if report else "") or "",
            "title": (report.signer_title if report else "") or "",
            "name": (report.signer_name if report else "") or "",
        },
        "recipients": [
            line.strip()
            for line in (
                (report.recipients if report else "") or default_recipients(period)
            ).splitlines()
            if line.strip()
        ],
    }


def data_hash(payload: dict) -> str:
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def filename(payload: dict, fmt: str) -> str:
    period = payload["period"]
    return f"bao-cao-cchc-{period['kind'].replace('_', '-')}-{period['year']}.{fmt}"
