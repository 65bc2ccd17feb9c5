"""The client's address, for the audit log and login throttling.

Behind a reverse proxy (JUESUAN_BEHIND_PROXY=1) REMOTE_ADDR is the proxy's own address: the
client is then the last X-Forwarded-For entry, the one our proxy appended (earlier entries
come from the client and can be forged).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    remote = _valid(request.META.get("REMOTE_ADDR", "") or "")
    if getattr(settings, "BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = _valid(forwarded.split(",")[-1]) if forwarded else None
        return last or remote
    return remote
