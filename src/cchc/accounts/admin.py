"""The user admin, audited: who made whom a superuser, set whose password, or removed
whom is in the log, in the same transaction as the change."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db import transaction

from cchc.audit.services import audit_record

# What the log keeps of a user; never the password's hash, only that it changed.
FIELDS = ["username", "first_name", "last_name", "email", "is_active", "is_staff", "is_superuser"]


def _state(user: User) -> dict:
    state = {name: getattr(user, name) for name in FIELDS}
    if user.pk:
        state["groups"] = sorted(user.groups.values_list("name", flat=True))
        state["user_permissions"] = sorted(user.user_permissions.values_list("codename", flat=True))
    return state


admin.site.unregister(User)


@admin.register(User)
class AuditedUserAdmin(UserAdmin):
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The form saves the user and then its groups and permissions: compare the two
        # ends of the whole request, inside the admin's transaction.
        with transaction.atomic():
            found = self.get_object(request, object_id) if object_id else None
            before = _state(found) if found else {}
            response = super().changeform_view(request, object_id, form_url, extra_context)
            user = getattr(request, "_audited_user", None)
            if user is not None:
                after = _state(user)
                changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
                action = "user.admin_update" if object_id else "user.admin_create"
                audit_record(actor=request.user, action=action, obj=user, changes=changes)
        return response

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        request._audited_user = obj

    def user_change_password(self, request, id, form_url=""):
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and response.status_code == 302:
                user = self.get_object(request, id)
                audit_record(actor=request.user, action="user.admin_password_set", obj=user)
        return response

    def delete_model(self, request, obj):
        with transaction.atomic():
            pk, state = obj.pk, _state(obj)
            super().delete_model(request, obj)
            audit_record(
                actor=request.user,
                action="user.admin_delete",
                object_type="auth.user",
                object_id=pk,
                changes={k: [v, None] for k, v in state.items()},
            )

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
