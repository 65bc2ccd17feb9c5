"""Portal pages kept for anonymous visitors until the next publication.

The lists, searches and comparisons of the portal change only when something is published (or a
publication withdrawn): at province scale thousands of visitors ask for the same few pages, and
each took 13–300 ms of a web worker. A page an anonymous visitor asked for is kept in the cache
under the publication stamp (count, last time, last version of the published disclosures) and
the full address, so the next visitor gets the kept bytes. A publication changes the stamp, so
every kept page is stale at once; other changes (a region's name) show after at most
:data:`PAGE_SECONDS`. The stamp is read at most once every :data:`STAMP_SECONDS` per process:
a new publication shows in lists that much later. Logged-in users (the page shows who they are)
and answers that set a cookie are never kept.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse

from juesuan.web.filings.models import FilingRecord

STAMP_SECONDS = 1.0
PAGE_SECONDS = 600
KEPT_STATUSES = (200, 404)
MAX_KEPT_BYTES = 2_000_000  # a larger page is rendered each time rather than filling the cache

_stamp: tuple[float, str] = (0.0, "")
_lock = threading.Lock()


def published_stamp() -> str:
    """Changes whenever something is published or withdrawn (one cheap aggregate query)."""
    found = FilingRecord.objects.filter(published__isnull=False).aggregate(
        n=Count("pk"), last=Max("published_at"), top=Max("published_id"))
    return f"{found['n']}:{found['last'].isoformat() if found['last'] else ''}:{found['top'] or 0}"


def recent_stamp() -> str:
    """:func:`published_stamp`, read again at most every :data:`STAMP_SECONDS`."""
    global _stamp
    now = time.monotonic()
    expires, value = _stamp
    if expires > now:
        return value
    value = published_stamp()
    with _lock:
        _stamp = (now + STAMP_SECONDS, value)
    return value


def forget() -> None:
    """Read the stamp again at the next request (tests; right after a publication here)."""
    global _stamp
    with _lock:
        _stamp = (0.0, "")


def _key(request: HttpRequest) -> str:
    address = f"{recent_stamp()}|{request.method}|{request.get_full_path()}"
    return "juesuan:portal:page:" + hashlib.sha256(address.encode("utf-8", "surrogatepass")).hexdigest()


def kept_for_visitors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        key = _key(request)
        kept = cache.get(key)
        if kept is not None:
            status, content_type, content = kept
            return HttpResponse(content, status=status, content_type=content_type)
        response = view(request, *args, **kwargs)
        if (response.status_code in KEPT_STATUSES and not response.streaming and not response.cookies
                and len(response.content) <= MAX_KEPT_BYTES):
            cache.set(key, (response.status_code, response["Content-Type"], response.content), PAGE_SECONDS)
        return response

    return wrapper
