"""Loading a filing for a request with its permission checked on the server."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from juesuan.web.access import Grant, Permission, allowed
from juesuan.web.filings.models import FilingRecord
from juesuan.web.orgs.models import Unit, grants_of
from juesuan.web.workflow import Action, Role, State


def record_for(request: HttpRequest, pk: int, need: Permission | Action = Permission.VIEW) -> FilingRecord:
    """The record if the user may ``need`` it. Not visible → 404 (existence is not revealed);
    visible but not allowed → 403."""
    try:
        record = FilingRecord.objects.select_related(
            "unit__department__region", "current__author", "published").get(pk=pk)
    except FilingRecord.DoesNotExist:
        raise Http404("没有这份填报") from None
    grants = grants_of(request.user)
    place = record.unit.place
    if not allowed(grants, place, Permission.VIEW, State(record.state)):
        raise Http404("没有这份填报")
    if need is not Permission.VIEW and not allowed(grants, place, need, State(record.state)):
        raise PermissionDenied("您没有权限进行此操作")
    return record


def visible_records(request: HttpRequest) -> QuerySet[FilingRecord]:
    qs = FilingRecord.objects.select_related("unit__department__region", "current__author")
    grants = grants_of(request.user)
    if any(g.role is Role.ADMIN for g in grants):
        return qs
    return qs.filter(_records_q(grants))


def _records_q(grants: tuple[Grant, ...]) -> Q:
    q = Q(pk__in=[])
    for g in grants:
        if g.role is Role.UNIT_EDITOR:
            q |= Q(unit_id=g.unit)
        elif g.role is Role.DEPARTMENT_REVIEWER:
            q |= Q(unit__department_id=g.department) & ~Q(state=State.DRAFT.value)
        elif g.role is Role.FINANCE_REVIEWER:
            q |= Q(unit__department__region_id=g.region) & ~Q(state=State.DRAFT.value)
    return q


def editable_units(request: HttpRequest) -> QuerySet[Unit]:
    """Units for which the user may open a new filing."""
    grants = grants_of(request.user)
    qs = Unit.objects.select_related("department__region")
    if any(g.role is Role.ADMIN for g in grants):
        return qs
    return qs.filter(pk__in=[g.unit for g in grants if g.role is Role.UNIT_EDITOR])
