"""Django admin for administrators: regions, departments, units, users' role grants.

Filings and the audit log are shown read-only by juesuan.web.filings.admin. Everything the
admin shows is Chinese: our models carry Chinese verbose names; django-axes (登录安全) and
the few strings Django itself leaves untranslated are translated by this app's catalog
(``locale/zh_Hans``), and the columns computed by a method say what they are here.
"""

from __future__ import annotations

from typing import Any

from axes.admin import AccessAttemptAdmin
from axes.conf import settings as axes_settings
from axes.models import AccessAttempt
from django.apps import apps
from django.contrib import admin

from juesuan.web.orgs.models import Deadline, Department, Membership, Region, Unit

admin.site.site_header = "juesuan 部门决算管理"
admin.site.site_title = "juesuan 部门决算管理"
admin.site.index_title = "系统管理"

# django-axes names its app by its label ("Axes"): a name of no translation catalog.
apps.get_app_config("axes").verbose_name = "登录安全"


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
    list_display = ("code", "name", "department", "parent", "consolidated")
    list_filter = ("department__region", "consolidated")
    search_fields = ("code", "name", "department__name")
    autocomplete_fields = ("parent",)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "role", "region", "department", "unit")
    list_filter = ("role",)
    search_fields = ("user__username", "user__first_name")
    autocomplete_fields = ("region", "department", "unit")


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("region", "year", "due", "note")
    list_filter = ("year", "region")
    search_fields = ("region__code", "region__name")
    autocomplete_fields = ("region",)


class LoginAttemptAdmin(AccessAttemptAdmin):  # type: ignore[misc]  # axes is untyped
    """django-axes's failed-login counts, with its method columns in Chinese."""

    @admin.display(description="失效时间")
    def expiration(self, obj: AccessAttempt) -> Any:
        return obj.expiration.expires_at if hasattr(obj, "expiration") else "未设置"

    @admin.display(description="锁定状态")
    def status(self, obj: AccessAttempt) -> str:
        limit = axes_settings.AXES_FAILURE_LIMIT
        if not isinstance(limit, int) or obj.failures_since_start < limit:
            left = f"，还可尝试 {limit - obj.failures_since_start} 次" if isinstance(limit, int) else ""
            return f"未锁定{left}"
        return "已锁定"


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)
    admin.site.register(AccessAttempt, LoginAttemptAdmin)
