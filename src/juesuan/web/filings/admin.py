"""Django admin of filings: shown read-only, with the audit log.

Filings are not edited here: every change must be a new version through the services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from juesuan.web.filings.models import AuditEvent, FilingRecord, WorkflowStep


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
