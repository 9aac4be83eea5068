from django.contrib import admin

from cchc.audit.admin import AuditedModelAdmin

from .models import Membership, Unit, UnitAlias, UnitGroup
from .services import membership_grant, unit_create


@admin.register(Unit)
class UnitAdmin(AuditedModelAdmin):
    list_display = ["code", "name", "short_name", "parent", "order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name", "short_name"]
    readonly_fields = ["path"]

    def get_readonly_fields(self, request, obj=None):
        # Moving a unit rewrites the paths of its whole branch: not an admin form's job.
        return ["path", "parent", "code"] if obj else ["path"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        # A new unit goes through the service, which computes its path and audits it.
        created = unit_create(
            actor=request.user,
            code=obj.code,
            name=obj.name,
            short_name=obj.short_name,
            parent=obj.parent,
            order=obj.order,
        )
        obj.pk, obj.path = created.pk, created.path


@admin.register(Membership)
class MembershipAdmin(AuditedModelAdmin):
    """A membership is granted through the service and revoked by deleting it (audited);
    changing one in place would hide who held which role when."""

    list_display = ["user", "unit", "role"]
    list_filter = ["role"]
    autocomplete_fields = ["user", "unit"]
    search_fields = ["user__username", "unit__code", "unit__name"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        granted = membership_grant(actor=request.user, user=obj.user, unit=obj.unit, role=obj.role)
        obj.pk = granted.pk


class NamesAdmin(AuditedModelAdmin):
    """Aliases and groups are made where they are needed (the import preview, which folds
    and checks them); here the office's admin reviews and removes them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(UnitAlias)
class UnitAliasAdmin(NamesAdmin):
    list_display = ["alias", "unit", "owner", "created_at"]
    search_fields = ["alias", "unit__name", "unit__code", "owner__name"]


@admin.register(UnitGroup)
class UnitGroupAdmin(NamesAdmin):
    list_display = ["words", "owner", "mode", "created_at"]
    list_filter = ["mode"]
    search_fields = ["words", "owner__name"]
