from django.contrib import admin

from .models import AuditEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that change only through the application's services (with their audit), or
    never: the admin shows them and edits nothing."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["id", "created_at", "actor_name", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "actor_name"]


class AuditedModelAdmin(admin.ModelAdmin):
    """Admin for reference data: each save or delete writes its audit event in the same
    transaction, like a service would."""

    def _fields(self, obj) -> list[str]:
        return [f.attname for f in obj._meta.concrete_fields]

    def save_model(self, request, obj, form, change):
        from django.db import transaction

        from .services import audit_record

        with transaction.atomic():
            before = {}
            if change and obj.pk:
                old = type(obj).objects.filter(pk=obj.pk).values(*self._fields(obj)).first()
                before = old or {}
            super().save_model(request, obj, form, change)
            after = {f: getattr(obj, f) for f in self._fields(obj)}
            changes = {
                f: [before.get(f), v] for f, v in after.items() if not change or before.get(f) != v
            }
            action = "update" if change else "create"
            audit_record(
                actor=request.user,
                action=f"{obj._meta.model_name}.admin_{action}",
                obj=obj,
                changes=changes,
            )

    def delete_model(self, request, obj):
        from django.db import transaction

        from .services import audit_record

        with transaction.atomic():
            pk = obj.pk
            before = {f: getattr(obj, f) for f in self._fields(obj)}
            super().delete_model(request, obj)
            audit_record(
                actor=request.user,
                action=f"{obj._meta.model_name}.admin_delete",
                object_type=obj._meta.label_lower,
                object_id=pk,
                changes={f: [v, None] for f, v in before.items()},
            )

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
