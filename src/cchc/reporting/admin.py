from django.contrib import admin

from cchc.audit.admin import ReadOnlyAdmin

from .models import ConsolidatedReport, ReportingPeriod, ReportNudge, UnitReport

# Reporting data changes only through the application's services (with their audit).


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(ReadOnlyAdmin):
    list_display = ["plan", "kind", "starts_on", "ends_on", "due_on"]
    list_filter = ["kind"]


@admin.register(UnitReport)
class UnitReportAdmin(ReadOnlyAdmin):
    list_display = ["period", "unit", "status", "first_submitted_at", "version"]
    list_filter = ["status"]


@admin.register(ReportNudge)
class ReportNudgeAdmin(ReadOnlyAdmin):
    list_display = ["period", "unit", "sent_by", "sent_at", "delivered_at"]


@admin.register(ConsolidatedReport)
class ConsolidatedReportAdmin(ReadOnlyAdmin):
    list_display = ["period", "status", "document_number", "issued_on"]
