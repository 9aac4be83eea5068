from django.contrib import admin

from .models import Area, Plan, Section


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en"]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    """Read-only: plans and tasks change only through the application's services."""

    list_display = ["year", "title", "issuing_unit", "document_number", "status"]
    list_filter = ["year", "status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["plan", "area", "title", "order"]
