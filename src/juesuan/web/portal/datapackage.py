"""A region-year's published disclosures as a Frictionless Data Package (open data).

``/<region>/<year>/datapackage.json`` is the descriptor, ``/<region>/<year>/data/<name>.csv``
its CSV files (the paths the descriptor gives, relative to it), ``/<region>/<year>/datapackage.zip``
the whole package in one file. The disclosures are the ones the region-year page lists (the
region and its subregions, published versions only; see :mod:`juesuan.web.portal.published`).

The ETag is a digest of the published versions' ids and content digests (and publication
times), read without loading any content, so revalidation costs one small query; the package
itself is built once per such digest and cached (:mod:`juesuan.render.datapackage`).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.views.decorators.http import require_safe

from juesuan.render.datapackage import (
    DATA_DIR,
    DESCRIPTOR,
    Identity,
    build_package,
    package_name,
    package_zip,
    resource_names,
)
from juesuan.web.downloads import PUBLIC_CACHE, disposition, file_response, not_modified
from juesuan.web.filings.models import FilingRecord
from juesuan.web.orgs.models import Region
from juesuan.web.portal import published

CACHE_SECONDS = 24 * 3600  # content-addressed: never stale, only evicted to bound its size


def _place(code: str) -> Region:
    region = Region.objects.filter(code=published._plain(code)).first()
    if region is None:
        raise Http404(f"没有区划代码为 {code[:20]} 的地区")
    return region


def _records(region: str, year: int) -> Any:
    return published.search(region=region, year=year).order_by(
        "unit__department__region__code", "unit__department__code", "unit__code")


def _etag(place: Region, year: int) -> str:
    """A digest of what the package is made of; 404 when nothing is published."""
    rows = list(_records(place.code, year).values_list(
        "unit__department__region__code", "unit__department__code", "unit__code",
        "published_id", "published__digest", "published_at"))
    if not rows:
        raise Http404(f"{place.name}尚无公开的 {year} 年度部门决算")
    text = "\n".join("|".join(str(part) for part in row) for row in rows)
    return f"dp-{place.code}-{year}-" + hashlib.sha256(f"{place.name}\n{text}".encode()).hexdigest()[:40]


def _identity(record: FilingRecord) -> Identity:
    unit = record.unit
    department = unit.department
    return Identity(department.region.code, department.region.name, record.year,
                    department.code, department.name, unit.code, unit.name)


def _package(place: Region, year: int, etag: str) -> dict[str, bytes]:
    key = f"juesuan:portal:datapackage:{etag}"
    files: dict[str, bytes] | None = cache.get(key)
    if files is None:
        records = list(_records(place.code, year).defer(None))  # with the versions' content
        disclosures = [(_identity(r), published.tables(published.version_of(r))) for r in records]
        created = max((r.published_at for r in records if r.published_at is not None), default=None)
        files = build_package(place.code, place.name, year, disclosures, created=created)
        cache.set(key, files, timeout=CACHE_SECONDS)
    return files


def _stem(place: Region, year: int) -> str:
    return f"{place.name}{year}年度部门决算数据包"


@require_safe
def descriptor(request: HttpRequest, region: str, year: int) -> HttpResponse:
    """``datapackage.json``."""
    place = _place(region)
    etag = _etag(place, year)
    data = b"" if not_modified(request, f'"{etag}"') else _package(place, year, etag)[DESCRIPTOR]
    return file_response(request, data, "json", filename=f"{_stem(place, year)}.json",
                         fallback=f"{package_name(place.code, year)}-{DESCRIPTOR}", etag=etag)


@require_safe
def resource(request: HttpRequest, region: str, year: int, name: str) -> HttpResponse:
    """``data/<name>.csv``: one resource of the package."""
    if name not in resource_names():
        raise Http404(f"数据包中没有“{name[:50]}”。可下载的有："
                      + "、".join(f"{DATA_DIR}/{n}.csv" for n in resource_names()))
    place = _place(region)
    base = _etag(place, year)
    etag = f"{base}-{name}"
    data = b"" if not_modified(request, f'"{etag}"') else _package(place, year, base)[f"{DATA_DIR}/{name}.csv"]
    return file_response(request, data, "csv", filename=f"{_stem(place, year)}-{name}.csv",
                         fallback=f"{package_name(place.code, year)}-{name}.csv", etag=etag)


@require_safe
def archive(request: HttpRequest, region: str, year: int) -> HttpResponse:
    """``datapackage.zip``: the descriptor and every CSV in one file."""
    place = _place(region)
    etag = _etag(place, year)
    quoted = f'"{etag}-zip"'
    response: HttpResponse
    if not_modified(request, quoted):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(package_zip(_package(place, year, etag)), content_type="application/zip")
        response["Content-Disposition"] = disposition(f"{_stem(place, year)}.zip",
                                                      f"{package_name(place.code, year)}.zip")
    response["ETag"] = quoted
    response["Cache-Control"] = PUBLIC_CACHE
    return response
