"""Import a plan from a file in the browser.

The journey (office only): upload → preview, where every task read and every problem is
listed by sheet, row and column, and each name the system cannot match is resolved on the
spot (a unit picked and saved as an alias, a group of units defined, the area of a
heading the file leaves undecided picked) → "Xác nhận" writes the plan. The file waits
under the configured storage between the steps; the session only remembers where it is
and what the office chose. The upload page offers a template to fill in.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cchc.lib.http import AuthenticatedHttpRequest
from cchc.orgs import services as org_services
from cchc.orgs.access import access_for
from cchc.orgs.models import Role, UnitGroupMode

from .. import selectors
from ..models import Plan
from .files import max_bytes, parse_plan_file
from .forms import AliasForm, AreaForm, GroupForm, UploadForm
from .preview import import_preview
from .rows import ParsedPlan
from .selectors import office_units, plan_template, unit_choices
from .services import ImportRefused, plan_import
from .staging import stage_file, staged_discard, staged_read

SESSION_KEY = "plan_imports"


def _require_office(user) -> None:
    if not access_for(user).has(Role.OFFICE):
        raise PermissionDenied(_("Chỉ Văn phòng được nhập kế hoạch từ tệp."))


# --- the staged file ------------------------------------------------------------------------


def _entry(request: HttpRequest, token: str) -> dict:
    entry = request.session.get(SESSION_KEY, {}).get(token)
    if entry is None:
        raise Http404(_("Không tìm thấy tệp đang nhập: có thể đã xác nhận hoặc đã hủy."))
    return entry


def _forget(request: HttpRequest, token: str) -> None:
    entries = request.session.get(SESSION_KEY, {})
    entry = entries.pop(token, None)
    request.session[SESSION_KEY] = entries
    if entry:
        staged_discard(entry["path"])


def _plan(pk, user) -> Plan | None:
    return selectors.plan_get(user=user, pk=pk) if pk else None


def _arguments(request: HttpRequest, entry: dict) -> dict:
    user = request.user
    unit = next((u for u in office_units(user=user) if u.pk == entry["unit"]), None)
    if unit is None:
        raise PermissionDenied(_("Không có quyền nhập kế hoạch cho đơn vị này."))
    return {
        "actor": user,
        "year": entry["year"],
        "unit": unit,
        "title": entry["title"] or None,
        "parent_plan": _plan(entry["parent"], user),
        "update_plan": _plan(entry["update"], user),
        # The session keeps keys as text: the headings' numbers come back as strings.
        "heading_areas": {int(n): code for n, code in entry.get("areas", {}).items()},
    }


def _read(request: HttpRequest, entry: dict) -> ParsedPlan:
    try:
        data = staged_read(entry["path"])
    except FileNotFoundError as exc:
        raise Http404(_("Tệp đang nhập không còn trên máy chủ: hãy tải lên lại.")) from exc
    return parse_plan_file(data, entry["name"])


def _staged(request: HttpRequest, token: str) -> tuple[dict, dict, ParsedPlan]:
    """The staged upload's entry, the arguments of its import, and the file read again."""
    entry = _entry(request, token)
    return entry, _arguments(request, entry), _read(request, entry)


# --- pages -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_office(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload_file = data["file"]
        path = stage_file(actor=request.user, name=upload_file.name, data=upload_file.read())
        token = path.split("/")[-2]
        entries = request.session.get(SESSION_KEY, {})
        entries[token] = {
            "path": path,
            "name": upload_file.name,
            "year": data["year"],
            "unit": data["unit"].pk,
            "title": data["title"],
            "parent": data["parent_plan"].pk if data["parent_plan"] else None,
            "update": data["update_plan"].pk if data["update_plan"] else None,
        }
        request.session[SESSION_KEY] = entries
        return redirect("imports:preview", token=token)
    return render(
        request,
        "plans/import/upload.html",
        {"form": form, "limit_mb": max_bytes() // 1024 // 1024, "nav_section": "plans"},
    )


@login_required
@require_GET
def template(request: HttpRequest) -> HttpResponse:
    """A plan to fill in (XLSX), with the columns, headings and title lines the import reads."""
    _require_office(request.user)
    content, filename, content_type = plan_template(user=request.user, today=timezone.localdate())
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _table(preview) -> list[dict]:
    """The preview's rows in reading order, with a heading row where the area (or the
    undecided heading) or the sub-heading changes."""
    items: list[dict] = []
    area = section = None
    undecided = {h.number: h.text for h in preview.parsed.undecided}
    for row in preview.rows:
        key = row.area.pk if row.area else ("heading", row.parsed.heading)
        if key != area or not items:
            area, section = key, None
            items.append({"kind": "area", "text": _area_label(row, undecided)})
        if row.parsed.section and row.parsed.section != section:
            section = row.parsed.section
            items.append({"kind": "section", "text": section})
        items.append({"kind": "task", "row": row})
    return items


def _area_label(row, undecided: dict[int, str]) -> str:
    if row.area:
        return str(row.area)
    if row.parsed.heading in undecided:
        return _("“%(title)s”: chưa chọn lĩnh vực") % {"title": undecided[row.parsed.heading]}
    return _("Chưa xác định lĩnh vực")


@login_required
@require_GET
def preview(request: HttpRequest, token: str) -> HttpResponse:
    _require_office(request.user)
    entry, arguments, parsed = _staged(request, token)
    result = import_preview(parsed=parsed, **arguments)
    unit = arguments["unit"]
    # A name in the plan stands only for a unit of the issuing unit's branch.
    units = [u for u in unit_choices() if u.path.startswith(unit.path)]
    branch = [u for u in units if u.pk != unit.pk]
    context = {
        "token": token,
        "entry": entry,
        "preview": result,
        "parsed": parsed,
        "items": _table(result),
        "errors": result.errors,
        "warnings": [p for p in result.problems if not p.is_error],
        "changes": [c for c in result.changes if c.kind != "move"],
        "units": units,
        "branch": branch,
        "group_modes": UnitGroupMode.choices,
        "nav_section": "plans",
    }
    return render(request, "plans/import/preview.html", context)


def _resolve(request: HttpRequest, token: str, form, invalid: str, write) -> HttpResponse:
    """Record one answer of the preview (what a name means) and show the preview again:
    `write(cleaned_data)` calls the service and says what was recorded."""
    if not form.is_valid():
        messages.error(request, invalid)
    else:
        try:
            messages.success(request, write(form.cleaned_data))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("imports:preview", token=token)


@login_required
@require_POST
def alias(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    """Resolve a name: it means this unit in the issuing unit's plans, from now on (saved as
    the issuing unit's alias)."""
    _require_office(request.user)
    owner = _arguments(request, _entry(request, token))["unit"]

    def write(data: dict) -> str:
        record = org_services.unit_alias_create(
            actor=request.user, owner=owner, unit=data["unit"], alias=data["name"]
        )
        return _("Đã ghi nhận: “%(alias)s” là %(unit)s.") % {
            "alias": record.alias,
            "unit": record.unit.name,
        }

    invalid = _("Chọn một đơn vị cho tên “%(name)s”.") % {"name": request.POST.get("name", "")}
    return _resolve(request, token, AliasForm(request.POST), invalid, write)


@login_required
@require_POST
def group(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    """Define what collective words mean in the issuing unit's plans."""
    _require_office(request.user)
    owner = _arguments(request, _entry(request, token))["unit"]

    def write(data: dict) -> str:
        defined = org_services.unit_group_define(
            actor=request.user,
            owner=owner,
            words=data["words"],
            mode=data["mode"],
            units=data["units"],
        )
        return _("Đã định nghĩa nhóm “%(words)s”: %(count)d đơn vị.") % {
            "words": defined.words,
            "count": len(org_services.unit_group_members(defined)),
        }

    invalid = _("Nhóm đơn vị chưa hợp lệ: chọn phạm vi và các đơn vị.")
    return _resolve(request, token, GroupForm(request.POST), invalid, write)


@login_required
@require_POST
def area(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    """Pick the area of a heading the file leaves undecided, for every task under it; the
    choice is kept with the staged upload until it is confirmed."""
    _require_office(request.user)
    entry, __, parsed = _staged(request, token)
    form = AreaForm(request.POST, headings=parsed.open_headings())
    if not form.is_valid():
        messages.error(request, form.message())
        return redirect("imports:preview", token=token)
    number, chosen = form.cleaned_data["heading"], form.cleaned_data["area"]
    entries = request.session.get(SESSION_KEY, {})
    entries[token] = entry | {"areas": entry.get("areas", {}) | {str(number): chosen.code}}
    request.session[SESSION_KEY] = entries
    messages.success(
        request,
        _("Đã chọn lĩnh vực %(area)s cho các nhiệm vụ dưới tiêu đề “%(title)s”.")
        % {"area": chosen, "title": form.headings[number].text},
    )
    return redirect("imports:preview", token=token)


@login_required
@require_POST
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    _require_office(request.user)
    entry, arguments, parsed = _staged(request, token)
    try:
        result = plan_import(parsed=parsed, **arguments)
    except ImportRefused as exc:
        messages.error(
            request,
            _("Chưa nhập được: còn %(count)d vấn đề cần xử lý (xem danh sách bên dưới).")
            % {"count": len(exc.problems)},
        )
        headings = [p for p in exc.problems if p.kind == "heading"]
        if headings:
            messages.error(request, _undecided_message(parsed, headings))
        return redirect("imports:preview", token=token)
    _forget(request, token)
    plan = result.plan
    if result.created:
        messages.success(
            request,
            _("Đã nhập %(count)d nhiệm vụ vào kế hoạch “%(title)s” (dự thảo).")
            % {"count": len(result.preview.rows), "title": plan.title},
        )
    elif result.listed_changes:
        messages.success(
            request,
            _("Đã cập nhật kế hoạch “%(title)s”: %(count)d thay đổi.")
            % {"title": plan.title, "count": len(result.listed_changes)},
        )
    else:
        messages.info(
            request,
            _("Kế hoạch “%(title)s” đã đúng như tệp: không thay đổi gì.") % {"title": plan.title},
        )
    return redirect(reverse("plans:plan-detail", args=[plan.pk]))


def _undecided_message(parsed: ParsedPlan, problems: list) -> str:
    numbers = {int(p.name) for p in problems}
    titles = ", ".join(f"“{h.text}”" for h in parsed.undecided if h.number in numbers)
    return _("Chọn lĩnh vực cho tiêu đề %(titles)s trước khi xác nhận.") % {"titles": titles}


@login_required
@require_POST
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    _entry(request, token)
    _forget(request, token)
    messages.info(request, _("Đã hủy nhập tệp."))
    return redirect("imports:upload")
