"""Django admin for administrators: regions, departments, units, users' role grants.

Filings and the audit log are shown read-only by juesuan.web.filings.admin.
"""

from __future__ import annotations

from django.contrib import admin

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
