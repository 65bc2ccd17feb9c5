"""Responses for files: content types, ``Content-Disposition`` with Chinese file names
(RFC 6266 / RFC 5987 ``filename*`` plus an ASCII fallback), and ETags so a client that
already has a file gets 304."""

from __future__ import annotations

import re
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified

CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
    "csv": "text/csv; charset=utf-8; header=present",
    "yaml": "application/yaml; charset=utf-8",
}

# Published data is public and a version never changes; a later publication changes the
# ETag, so a short max-age is enough and revalidation is cheap.
PUBLIC_CACHE = "public, max-age=300"


def ascii_name(name: str) -> str:
    """A fallback file name of safe ASCII characters for clients without RFC 5987."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_") or "download"


def disposition(filename: str, fallback: str, *, attachment: bool = True) -> str:
    """``attachment; filename="fallback"; filename*=UTF-8''<percent-encoded name>``."""
    kind = "attachment" if attachment else "inline"
    return f"{kind}; filename=\"{ascii_name(fallback)}\"; filename*=UTF-8''{quote(filename, safe='')}"


def not_modified(request: HttpRequest, etag: str) -> bool:
    tags = request.headers.get("If-None-Match", "")
    return etag in [t.strip() for t in tags.split(",")] or tags.strip() == "*"


def file_response(request: HttpRequest, data: bytes, fmt: str, *, filename: str, fallback: str,
                  etag: str | None = None, attachment: bool | None = None) -> HttpResponse:
    """``data`` as a file of format ``fmt``. JSON and HTML are shown inline (with a file
    name for saving); every other format is an attachment."""
    quoted = f'"{etag}"' if etag else None
    response: HttpResponse
    if quoted and not_modified(request, quoted):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
        if attachment is None:
            attachment = fmt not in ("json", "html")
        response["Content-Disposition"] = disposition(filename, fallback, attachment=attachment)
    if quoted:
        response["ETag"] = quoted
    # A version's files never change (the ETag names the version); listings and comparisons
    # change whenever something is published, so they are fetched afresh.
    response["Cache-Control"] = PUBLIC_CACHE if quoted else "no-cache"
    return response
