"""Who may do what, as a pure function of a user's grants and the filing's place. No Django.

A grant is a role with a scope: a unit editor edits the filings of their units; a department
reviewer reviews every unit of their departments; a finance reviewer reviews and publishes the
departments of their regions; an administrator may do everything an account can. The public
sees published versions only; reviewers do not see a unit's draft. Every view and API call
asks :func:`allowed`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from juesuan.web.workflow import EDITABLE, TRANSITIONS, Action, Role, State


@dataclass(frozen=True)
class Grant:
    role: Role
    region: int | None = None
    department: int | None = None
    unit: int | None = None


@dataclass(frozen=True)
class Place:
    """Where a filing sits: its unit, the unit's department and the department's region."""

    unit: int
    department: int
    region: int


class Permission(StrEnum):
    VIEW = "view"  # the working filing, its versions, checks and comments
    EDIT = "edit"  # save a new version (only while editable)
    IMPORT = "import"
    HISTORY = "history"  # audit log of the filing
    CREATE = "create"  # open a new year's filing


def covers(grant: Grant, place: Place) -> bool:
    if grant.role is Role.ADMIN:
        return True
    if grant.role is Role.UNIT_EDITOR:
        return grant.unit == place.unit
    if grant.role is Role.DEPARTMENT_REVIEWER:
        return grant.department == place.department
    return grant.region == place.region  # finance reviewer


def roles_at(grants: tuple[Grant, ...] | list[Grant], place: Place) -> set[Role]:
    return {g.role for g in grants if covers(g, place)}


def allowed(grants: tuple[Grant, ...] | list[Grant], place: Place, what: Permission | Action,
            state: State | None = None) -> bool:
    """May a user with ``grants`` do ``what`` to the filing at ``place`` in ``state``?"""
    roles = roles_at(grants, place)
    if not roles:
        return False
    if isinstance(what, Action):
        need = TRANSITIONS[what].role
        if state is not None and state not in TRANSITIONS[what].sources:
            return False
        return need in roles or Role.ADMIN in roles
    if what in (Permission.VIEW, Permission.HISTORY):
        # A draft is the unit's own: reviewers see a filing once it is reported (as the
        # 决算 software hands data up only on 上报); the published version stays public.
        return state is not State.DRAFT or bool(roles & {Role.UNIT_EDITOR, Role.ADMIN})
    if what in (Permission.EDIT, Permission.IMPORT):
        editors = Role.UNIT_EDITOR in roles or Role.ADMIN in roles
        return editors and (state is None or state in EDITABLE)
    if what is Permission.CREATE:
        return Role.UNIT_EDITOR in roles or Role.ADMIN in roles
    return False
