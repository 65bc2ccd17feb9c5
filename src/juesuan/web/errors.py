"""The answer to a request the server refuses before any view reads it (Django's 400).

A form with more fields than ``DATA_UPLOAD_MAX_NUMBER_FIELDS`` (TooManyFieldsSent) or a body
larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (RequestDataTooBig) is refused while the request
is read, before the view runs: nothing of it is saved. Django would answer a bare English
"Bad Request (400)"; this page says in Chinese what happened and what to do. The limits are
read from the settings when the page is rendered.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render

logger = logging.getLogger(__name__)


def _limit(name: str) -> int | None:
    value = getattr(settings, name, None)
    return int(value) if isinstance(value, int) else None


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """``handler400``: why the request was refused, and the way back to the page."""
    fields = _limit("DATA_UPLOAD_MAX_NUMBER_FIELDS")
    size = _limit("DATA_UPLOAD_MAX_MEMORY_SIZE")
    kind = ("fields" if isinstance(exception, TooManyFieldsSent)
            else "size" if isinstance(exception, RequestDataTooBig) else "")
    # The page the form came from: a section of the editor posts to its own address.
    back = request.get_full_path() if request.method == "POST" and request.path.startswith("/desk/") else ""
    context: dict[str, Any] = {"kind": kind, "max_fields": fields, "back": back,
                               "max_mb": f"{size / 1048576:.0f}" if size else None}
    try:
        return render(request, "400.html", context, status=400)
    except Exception:  # the refusal must not become a server error
        logger.exception("rendering 400.html failed")
        return HttpResponseBadRequest("<!doctype html><meta charset=utf-8><title>请求有误</title>"
                                      "<p>请求有误，服务器未予处理，没有保存任何内容。</p>",
                                      content_type="text/html; charset=utf-8")
