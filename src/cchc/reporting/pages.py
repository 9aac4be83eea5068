"""What the reporting pages share: the types of the files they hand out, the section's
context, and one way to run a posted form's write and show its refusal."""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from . import workflow
from .models import ReportingPeriod

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CONTENT_TYPES = {
    "docx": DOCX_TYPE,
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def show_errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def context(for_period: ReportingPeriod | None = None, /, **extra) -> dict:
    plan = for_period.plan if for_period else None
    return {"nav_section": "reporting", "current_plan": plan, **extra}


@dataclass
class Outcome:
    """What became of a posted text: `done`, or the form to show again (with `conflict`, the
    newer row, when someone saved in between)."""

    done: bool
    form: django_forms.Form
    conflict: object | None = None


def write(
    request: HttpRequest,
    form: django_forms.Form,
    write: Callable[[django_forms.Form], str],
    remake: Callable[[dict], django_forms.Form],
) -> Outcome:
    """Run `write(form)` (service calls; returns the success message) if the form is valid;
    a refusal becomes a message. A write on an older version keeps the user's typed text: the
    form is made again from what they posted (`remake(data)`) but naming the newer version,
    so saving again after comparing is a deliberate overwrite."""
    if not form.is_valid():
        return Outcome(False, form)
    try:
        success = write(form)
    except workflow.StaleVersion as exc:
        messages.error(request, exc.messages[0])
        data = request.POST.copy()
        data["version"] = str(exc.current.version)
        form = remake(data)
        form.is_valid()
        return Outcome(False, form, exc.current)
    except ValidationError as exc:
        show_errors(request, exc)
        return Outcome(False, form)
    messages.success(request, success)
    return Outcome(True, form)
