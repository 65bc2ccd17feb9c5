"""Django admin for administrators: regions, departments, units, users' role grants.

Filings are not edited here (every change must be a new version through the services);
the admin shows them and the audit log read-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from juesuan.web.filings.models import AuditEvent, FilingRecord, WorkflowStep
from juesuan.web.orgs.models import Department, Membership, Region, Unit

admin.site.site_header = "juesuan 部门决算公开平台 · 系统管理"
admin.site.site_title = "系统管理"
admin.site.index_title = "组织、用户与授权"


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "parent")
    search_fields = ("code", "name")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "region")
    list_filter = ("region",)
    search_fields = ("code", "name")


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "department", "consolidated")
    list_filter = ("department__region", "consolidated")
    search_fields = ("code", "name", "department__name")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "role", "region", "department", "unit")
    list_filter = ("role",)
    search_fields = ("user__username", "user__first_name")
    autocomplete_fields = ("region", "department", "unit")


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FilingRecord)
class FilingRecordAdmin(ReadOnly):
    list_display = ("unit", "year", "state", "current", "published")
    list_filter = ("state", "year")


@admin.register(WorkflowStep)
class WorkflowStepAdmin(ReadOnly):
    list_display = ("record", "action", "actor", "at")


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnly):
    list_display = ("at", "actor", "action", "record", "ip")
    list_filter = ("action",)
