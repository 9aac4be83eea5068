from django.contrib import admin

from .models import Membership, Unit


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "short_name", "parent", "order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name", "short_name"]
    readonly_fields = ["path"]
    inlines = [MembershipInline]

    def has_add_permission(self, request):
        # Units are created through the service so their path and audit event are written.
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role"]
    list_filter = ["role"]
    search_fields = ["user__username", "unit__code", "unit__name"]
