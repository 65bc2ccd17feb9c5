"""Serve published disclosures from their files, before URL routing, sessions, CSRF or the database.

A GET or HEAD of a disclosure's page (``/<region>/<year>/<department>/<unit>/``) or of one of
its files (``document.html``, ``document.pdf``, …) is answered from the files
:mod:`juesuan.web.portal.files` wrote, with the headers the views send (kept in
``headers.json``) and whitenoise's file responses (ETag and 304, Last-Modified, gzip, Range,
HEAD). Anything else, and anything not written (yet), goes on to the views. Files are looked
up by path on each request (written after the server started is fine), the result kept for
:data:`LOOKUP_SECONDS`; the path is checked strictly (four codes that are safe folder names, a
known file name; no encoded separators) and must resolve inside the published folder.

Behind nginx with ``JUESUAN_ACCEL_REDIRECT=/_published/`` the response carries the headers and
an ``X-Accel-Redirect`` to the file instead of its bytes: nginx sends the file (docs/deploy.md).
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from whitenoise.middleware import WhiteNoiseMiddleware
from whitenoise.responders import MissingFileError, NotARegularFileError, StaticFile

from juesuan.web.middleware import POLICY
from juesuan.web.portal import files

LOOKUP_SECONDS = 1.0  # a new publication is served at most this long after its files are written
LOOKUP_LIMIT = 20000  # remembered lookups (found or not); forgotten all at once beyond this
# Sent with every published file, as the site's middleware (after this one) would add them.
SITE_HEADERS = (("Content-Security-Policy", POLICY), ("X-Frame-Options", "SAMEORIGIN"),
                ("Cross-Origin-Opener-Policy", "same-origin"),
                ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"))
ENCODED_SEPARATORS = ("%2f", "%5c", "%2e", "%00")


@dataclass(frozen=True)
class Found:
    path: str  # the file's real path, inside the published folder
    relative: str  # the same, relative to the published folder (for X-Accel-Redirect)
    headers: tuple[tuple[str, str], ...]  # as the view sends them (headers.json)
    file: StaticFile


def address_of(path: str) -> tuple[str, str] | None:
    """(folder, file name) of a disclosure address, None for any other path."""
    parts = path.split("/")
    if len(parts) != 6 or parts[0] != "":
        return None
    region, year, department, unit, name = parts[1:]
    if not (year.isascii() and year.isdecimal() and len(year) == 4):
        return None
    if not all(files.safe_part(p) for p in (region, department, unit)):
        return None
    if name == "":
        name = files.PAGE
    elif name not in files.file_names():
        return None
    return f"{region}/{year}/{department}/{unit}", name


class PublishedFilesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._lookups: dict[tuple[str, str], tuple[float, Found | None]] = {}
        self._roots: dict[str, str] = {}
        self._lock = threading.Lock()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD"):
            response = self.serve(request)
            if response is not None:
                return response
        return self.get_response(request)

    def serve(self, request: HttpRequest) -> HttpResponse | None:
        raw = str(request.META.get("RAW_URI") or request.META.get("REQUEST_URI") or "").lower()
        if any(code in raw for code in ENCODED_SEPARATORS):
            return None  # not a plain address: the views answer (404)
        address = address_of(request.path_info)
        if address is None:
            return None
        root = self._root()
        if root is None:
            return None
        for attempt in range(2):
            found = self._lookup(root, *address, fresh=attempt > 0)
            if found is None:
                return None
            try:
                return self._response(found, request)
            except OSError:  # replaced by a newer version since it was looked up: look again
                continue
        return None

    def forget(self) -> None:
        """Drop every remembered lookup (tests; a rebuild)."""
        with self._lock:
            self._lookups.clear()

    def _root(self) -> str | None:
        root = files.local_root()
        if root is None:
            return None
        key = str(root)
        real = self._roots.get(key)
        if real is None:
            real = self._roots[key] = os.path.realpath(key)
        return real

    def _lookup(self, root: str, folder: str, name: str, *, fresh: bool) -> Found | None:
        key = (root, f"{folder}/{name}")
        now = time.monotonic()
        remembered = None if fresh else self._lookups.get(key)
        if remembered is not None and remembered[0] > now:
            return remembered[1]
        found = _find(root, folder, name)
        with self._lock:
            if len(self._lookups) >= LOOKUP_LIMIT:
                self._lookups.clear()
            self._lookups[key] = (now + LOOKUP_SECONDS, found)
        return found

    def _response(self, found: Found, request: HttpRequest) -> HttpResponse:
        accel = getattr(settings, "PUBLISHED_ACCEL_REDIRECT", "")
        if accel:
            response = HttpResponse()
            for name, value in found.headers:
                response[name] = value
            response["X-Accel-Redirect"] = accel.rstrip("/") + "/" + quote(found.relative)
        else:
            response = WhiteNoiseMiddleware.serve(found.file, request)
        for name, value in SITE_HEADERS:
            response.headers.setdefault(name, value)
        return response


def _find(root: str, folder: str, name: str) -> Found | None:
    directory = os.path.realpath(os.path.join(root, folder))
    if not directory.startswith(root + os.sep):
        return None
    try:
        with open(os.path.join(directory, files.MANIFEST), encoding="utf-8") as handle:
            manifest: dict[str, Any] = json.load(handle)
    except (OSError, ValueError):
        return None
    kept = manifest.get(name)
    if not isinstance(kept, dict):
        return None
    headers = tuple((str(k), str(v)) for k, v in kept.items())
    path = os.path.join(directory, name)
    try:
        static = StaticFile(path, list(headers), encodings={"gzip": path + ".gz"})
    except (MissingFileError, NotARegularFileError, OSError):
        return None
    return Found(path, os.path.relpath(path, root), headers, static)
