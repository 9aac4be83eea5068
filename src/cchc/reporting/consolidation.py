"""The consolidated report's inputs: the narrative generated from the accepted unit reports,
and `document_data()`, every value the document shows as plain JSON data.

`document_data()` is what documents.render() turns into bytes and what approval freezes;
its hash names the inputs, so identical inputs give identical files.
"""

import datetime
import hashlib
import json

from django.utils import timezone

from cchc.plans.models import Area
from cchc.plans.timeliness import Timeliness

from . import data
from .models import ConsolidatedReport, ReportingPeriod, ReportStatus, UnitReport

FORMAT_VERSION = 1
ASSESSMENT_KEYS = ["strengths", "limitations", "causes"]


def narrative_keys() -> list[str]:
    areas = [
        f"area_{code}" for code in Area.objects.order_by("code").values_list("code", flat=True)
    ]
    return ["direction", *areas, *ASSESSMENT_KEYS, "next_tasks", "proposals"]


def _d(value: datetime.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _unit_name(unit) -> str:
    return unit.name


def accepted_reports(period: ReportingPeriod) -> list[UnitReport]:
    """The accepted reports, in tree order, each with the version the office accepted."""
    return list(
        UnitReport.objects.filter(period=period, status=ReportStatus.ACCEPTED)
        .select_related("unit", "accepted_version")
        .order_by("unit__path")
    )


def _gather(items: list[tuple[str, str]]) -> str:
    """“- <unit>: <text>” for each unit that wrote something; later lines kept as written."""
    lines = []
    for unit, text in items:
        text = (text or "").strip()
        if not text:
            continue
        first, *rest = text.splitlines()
        lines.append(f"- {unit}: {first.lstrip('- ')}")
        lines.extend(line for line in rest if line.strip())
    return "\n".join(lines)


def _count_sentence(counts: dict, total: int, rate: float | None) -> str:
    t = Timeliness
    done = counts[t.DONE_ON_TIME] + counts[t.DONE_LATE]
    text = (
        f"Tổng số {total} nhiệm vụ; đã hoàn thành {done} nhiệm vụ "
        f"({counts[t.DONE_ON_TIME]} đúng hạn, {counts[t.DONE_LATE]} quá hạn); "
        f"{counts[t.OVERDUE]} nhiệm vụ quá hạn chưa hoàn thành; "
        f"{counts[t.DUE_SOON] + counts[t.ON_TRACK]} nhiệm vụ đang thực hiện trong hạn; "
        f"{counts[t.RECURRING]} nhiệm vụ thường xuyên"
    )
    if rate is not None:
        text += f". Tỷ lệ hoàn thành: {format_pct(rate)}%"
    return text + "."


def format_pct(value: float | None) -> str:
    """98.62 -> “98,62” (Vietnamese decimal comma); None -> “–”."""
    if value is None:
        return "–"
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def default_narrative(period: ReportingPeriod, today: datetime.date) -> dict[str, str]:
    """A first draft of every section, gathered from the accepted reports (naming each unit)
    and the task data. The office edits it before sending it to the leader."""
    period = ReportingPeriod.objects.select_related("plan__issuing_unit").get(pk=period.pk)
    plan = period.plan
    reports = accepted_reports(period)
    rows = data.report_rows(period)
    counts = data.report_counts(rows)
    stats = data.task_stats(period, period.as_of(today))
    issued = f" số {plan.document_number}" if plan.document_number else ""
    issued += f" ngày {_d(plan.issued_on)}" if plan.issued_on else ""
    direction = [
        f"{plan.issuing_unit.name} ban hành {plan.title}{issued}; phân công cơ quan chủ trì, "
        "phối hợp cho từng nhiệm vụ và theo dõi tiến độ thực hiện trên hệ thống.",
        f"Kỳ báo cáo {period.title_phrase}: số liệu từ ngày {_d(period.starts_on)} đến ngày "
        f"{_d(period.ends_on)}, hạn gửi báo cáo ngày {_d(period.due_on)}; "
        f"{counts['due']} cơ quan, đơn vị phải báo cáo, {counts['on_time']} đơn vị gửi đúng hạn, "
        f"{counts['late']} đơn vị gửi muộn, {counts['missing']} đơn vị chưa gửi.",
    ]
    nudges = period.nudges.count()
    if nudges:
        direction.append(f"Văn phòng đã đôn đốc {nudges} lượt cơ quan, đơn vị chậm gửi báo cáo.")
    narrative = {"direction": "\n".join(direction)}
    for area in stats["by_area"]:
        gathered = _gather(
            [
                (_unit_name(r.unit), r.accepted_version.part(area["code"], "results"))
                for r in reports
            ]
        )
        narrative[f"area_{area['code']}"] = gathered
    total = stats["total"]
    narrative["strengths"] = _count_sentence(
        total["counts"], total["total"], total["completion_rate"]
    )
    for key, part in (("limitations", "limitations"), ("causes", "causes")):
        narrative[key] = _gather(
            [
                (
                    _unit_name(r.unit),
                    "\n".join(
                        r.accepted_version.part(a["code"], part) for a in stats["by_area"]
                    ).strip(),
                )
                for r in reports
            ]
        )
    narrative["next_tasks"] = _gather(
        [(_unit_name(r.unit), r.accepted_version.next_tasks) for r in reports]
    )
    narrative["proposals"] = _gather(
        [(_unit_name(r.unit), r.accepted_version.proposals) for r in reports]
    )
    return narrative


def default_recipients(period: ReportingPeriod) -> str:
    plan = period.plan
    lines = []
    if plan.issuing_unit.parent_id:
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
    narrative = (report.narrative if report else None) or default_narrative(period, today)
    stats = data.task_stats(period, as_of)
    rows = data.report_rows(period)
    report_rows = [_report_row(r) for r in rows]
    not_accepted = [
        r["name"] for r in rows if r["submission"] != data.MISSING and r["status"] != "accepted"
    ]
    missing = [r["name"] for r in rows if r["submission"] == data.MISSING]
    number = (report.document_number if report else "") or ""
    short = issuing.short_name or issuing.code
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
        "parent_body": issuing.parent.name if issuing.parent_id else "",
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
        "categories": [[key, str(label)] for key, label in Timeliness.choices],
        "stats": stats,
        "reports": report_rows,
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
