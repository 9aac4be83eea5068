from django.contrib import admin

from cchc.audit.admin import AuditedModelAdmin, ReadOnlyAdmin

from .models import Area, Plan, Section


@admin.register(Area)
class AreaAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "name_en"]


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    """Read-only: plans and tasks change only through the application's services."""

    list_display = ["year", "title", "issuing_unit", "document_number", "status"]
    list_filter = ["year", "status"]


@admin.register(Section)
class SectionAdmin(AuditedModelAdmin):
    list_display = ["plan", "area", "title", "order"]
