"""Django admin of filings: shown read-only, with the audit log.

Filings are not edited here: every change must be a new version through the services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from juesuan.web.events import action_label, describe_detail
from juesuan.web.filings.models import AuditEvent, FilingRecord, FilingVersion, WorkflowStep


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


class ActionFilter(admin.SimpleListFilter):
    """The logged actions by their Chinese names (the field has no choices: any action may be
    logged)."""

    title = "操作"
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        actions = AuditEvent.objects.order_by().values_list("action", flat=True).distinct()
        return sorted(((a, action_label(a)) for a in actions), key=lambda pair: pair[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        return queryset.filter(action=value) if value else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnly):
    list_display = ("at", "actor", "action_words", "record", "detail_words", "ip")
    list_filter = (ActionFilter,)

    @admin.display(description="操作", ordering="action")
    def action_words(self, obj: AuditEvent) -> str:
        return action_label(obj.action)

    @admin.display(description="详情")
    def detail_words(self, obj: AuditEvent) -> str:
        return describe_detail(obj.action, obj.detail, sources=dict(FilingVersion.SOURCES))
