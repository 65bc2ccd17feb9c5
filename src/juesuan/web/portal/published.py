"""Published disclosures: the only data the portal and the API ever read.

A disclosure is a :class:`FilingRecord` together with its ``published`` version. The
record's ``current`` version (a draft, a revision under review) is never read here: every
lookup goes through :func:`published_records`, which keeps only records that have a
published version, and every figure comes from ``record.published``. A record that was
never published does not exist for the public (404 everywhere).

A disclosure is addressed by its key ``<region code>/<year>/<department code>/<unit code>``
(e.g. ``310107/2024/czj/czj``), which is also its portal path and its API path. Per-version
work (the nine tables, the key figures, the findings summary, serialised JSON and CSV) is
cached by the version's content digest: versions never change, so a cached result never
goes stale, and a revision that is published later simply has a new digest.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.http import Http404

from juesuan.filing.model import Filing
from juesuan.tables.build import build_tables
from juesuan.tables.table import TableSet
from juesuan.web.filings import services
from juesuan.web.filings.models import FilingRecord, FilingVersion
from juesuan.web.portal.figures import key_figures

KEY_SEPARATOR = "/"


def published_records() -> QuerySet[FilingRecord]:
    """Every record with a published version; the version's content is not loaded."""
    return (FilingRecord.objects.filter(published__isnull=False)
            .select_related("unit__department__region", "published")
            .defer("published__content")
            .order_by("unit__department__region__code", "-year", "unit__department__code", "unit__code"))


def search(*, q: str = "", region: str = "", year: int | None = None,
           department: str = "") -> QuerySet[FilingRecord]:
    """Published records matching the filters. ``q`` matches unit, department and region
    names and codes; ``region`` is a region code (its subregions included); ``department``
    a department code or name."""
    q, region, department = _plain(q), _plain(region), _plain(department)
    qs = published_records()
    if region:
        qs = qs.filter(Q(unit__department__region__code=region)
                       | Q(unit__department__region__parent__code=region))
    if year is not None:
        qs = qs.filter(year=year)
    if department:
        qs = qs.filter(Q(unit__department__code=department) | Q(unit__department__name__icontains=department))
    for word in q.split():
        qs = qs.filter(Q(unit__name__icontains=word) | Q(unit__department__name__icontains=word)
                       | Q(unit__department__region__name__icontains=word) | Q(unit__code__iexact=word)
                       | Q(unit__department__code__iexact=word) | Q(unit__department__region__code=word))
    return qs


def _plain(text: str) -> str:
    """Text without NUL and other control characters (PostgreSQL refuses NUL in strings)."""
    return "".join(ch for ch in text if ch >= " ")


def find(region: str, year: int, department: str, unit: str) -> FilingRecord:
    """The published record at this address, with its published version's content loaded.
    Unknown or never published → 404 (the two are not told apart)."""
    region, department, unit = _plain(region), _plain(department), _plain(unit)
    try:
        return (FilingRecord.objects.filter(published__isnull=False)
                .select_related("unit__department__region", "published")
                .get(unit__department__region__code=region, year=year,
                     unit__department__code=department, unit__code=unit))
    except FilingRecord.DoesNotExist:
        raise Http404(f"没有找到公开的部门决算：{region}/{year}/{department}/{unit}") from None


def find_key(key: str) -> FilingRecord:
    """The published record of a key ``region/year/department/unit``; 404 with the reason
    when the key is malformed or names nothing published."""
    parts = key.strip().strip(KEY_SEPARATOR).split(KEY_SEPARATOR)
    if len(parts) != 4 or not all(parts):
        raise Http404(f"公开件标识“{key}”格式不对：应为 区划代码/年度/部门编码/单位编码，如 310107/2024/czj/czj")
    region, year, department, unit = parts
    if not (year.isdecimal() and len(year) <= 4):
        raise Http404(f"公开件标识“{key[:100]}”中的年度“{year[:20]}”不是四位数字")
    return find(region, int(year), department, unit)


def version_of(record: FilingRecord) -> FilingVersion:
    """The published version: the only version the public ever sees."""
    version = record.published
    if version is None:  # excluded by every query here; guard against misuse
        raise Http404("该部门决算尚未公开")
    return version


def earlier_years(record: FilingRecord) -> list[FilingRecord]:
    """Other published years of the same unit, newest first."""
    return list(published_records().filter(unit=record.unit).exclude(pk=record.pk).order_by("-year"))


def years_of_unit(region: str, department: str, unit: str) -> list[FilingRecord]:
    """Every published year of one unit, oldest first (404 when none)."""
    records = list(published_records().filter(
        unit__department__region__code=region, unit__department__code=department, unit__code=unit
    ).order_by("year"))
    if not records:
        raise Http404(f"没有找到该单位已公开的部门决算：{region}/{department}/{unit}")
    return records


# --- per-version work, cached by content digest -----------------------------------------


def filing(version: FilingVersion) -> Filing:
    return services.filing_of(version)


@lru_cache(maxsize=256)
def _tables(digest: str, content: str) -> TableSet:
    return build_tables(services._filing(digest, content))


def tables(version: FilingVersion) -> TableSet:
    """The nine tables, exact (unrounded, 万元)."""
    return _tables(version.digest, version.content)


@lru_cache(maxsize=1024)
def _figures(digest: str, content: str) -> dict[str, Decimal | None]:
    return key_figures(services._filing(digest, content), _tables(digest, content).rounded(2))


def figures(version: FilingVersion) -> dict[str, Decimal | None]:
    """The key figures (万元, two decimals; None = 无数据)."""
    return _figures(version.digest, version.content)


def _cached(key: str, make: Any) -> Any:
    value = cache.get(key)
    if value is None:
        value = make()
        cache.set(key, value, timeout=None)
    return value


def tables_json(version: FilingVersion) -> bytes:
    """The nine tables as ``juesuan tables --format json`` writes them."""
    from juesuan.render.json import tables_to_json

    data: bytes = _cached(f"juesuan:portal:tables-json:{version.digest}",
                          lambda: tables_to_json(tables(version)).encode("utf-8"))
    return data


def tables_csv(version: FilingVersion) -> bytes:
    """The nine tables as one long CSV, UTF-8 with a byte-order mark (Excel reads it)."""
    from juesuan.render.csv import tables_to_csv

    data: bytes = _cached(f"juesuan:portal:tables-csv:{version.digest}",
                          lambda: tables_to_csv(tables(version)).encode("utf-8-sig"))
    return data


def filing_yaml(version: FilingVersion) -> bytes:
    from juesuan.web.filings.exports import filing_yaml as to_yaml

    data: bytes = _cached(f"juesuan:portal:yaml:{version.digest}",
                          lambda: to_yaml(filing(version)).encode("utf-8"))
    return data


@dataclass(frozen=True)
class Address:
    """The parts of a disclosure's key, for reversing URLs."""

    region: str
    year: int
    department: str
    unit: str

    @classmethod
    def of(cls, record: FilingRecord) -> Address:
        unit = record.unit
        return cls(unit.department.region.code, record.year, unit.department.code, unit.code)

    @property
    def kwargs(self) -> dict[str, Any]:
        return {"region": self.region, "year": self.year, "department": self.department, "unit": self.unit}

    @property
    def key(self) -> str:
        return KEY_SEPARATOR.join((self.region, str(self.year), self.department, self.unit))
