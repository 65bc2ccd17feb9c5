"""Template context every page gets: the user's roles for the navigation."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from juesuan.web.orgs.models import grants_of
from juesuan.web.workflow import ROLE_LABELS


def site(request: HttpRequest) -> dict[str, Any]:
    grants = grants_of(request.user)
    roles = sorted({g.role for g in grants}, key=list(ROLE_LABELS).index)
    return {
        "site_name": "juesuan 部门决算公开平台",
        "user_roles": [ROLE_LABELS[r] for r in roles],
        "is_staff_user": bool(grants),
    }
