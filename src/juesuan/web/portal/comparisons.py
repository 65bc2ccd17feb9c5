"""Comparisons of published disclosures, by key, for the portal and the API."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse

from juesuan.web.filings.models import FilingRecord
from juesuan.web.portal import published
from juesuan.web.portal.figures import Comparison, Subject, compare

MAX_SUBJECTS = 10


class CompareError(Exception):
    """A comparison that cannot be made; the message says why (Chinese)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def subject_of(record: FilingRecord) -> Subject:
    version = published.version_of(record)
    address = published.Address.of(record)
    return Subject(address.key, record.unit.name, record.unit.department.region.name, record.year,
                   published.figures(version), url=reverse("portal-disclosure", kwargs=address.kwargs))


def clean_keys(keys: list[str]) -> list[str]:
    seen: list[str] = []
    for key in keys:
        key = key.strip().strip("/")
        if key and key not in seen:
            seen.append(key)
    return seen


def departments(keys: list[str]) -> Comparison:
    """Several disclosures of one year side by side, changes against the first."""
    keys = clean_keys(keys)
    if len(keys) < 2:
        raise CompareError(f"请至少选择两个公开件进行比较（当前选择了 {len(keys)} 个）。")
    if len(keys) > MAX_SUBJECTS:
        raise CompareError(f"一次最多比较 {MAX_SUBJECTS} 个公开件（当前选择了 {len(keys)} 个），请减少后再比较。")
    records: list[FilingRecord] = []
    missing: list[str] = []
    for key in keys:
        try:
            records.append(published.find_key(key))
        except Http404 as exc:
            missing.append(str(exc))
    if missing:
        raise CompareError("；".join(missing), status=404)
    years = sorted({r.year for r in records})
    if len(years) > 1:
        listed = "、".join(str(y) for y in years)
        raise CompareError(f"部门间比较须为同一年度：所选公开件分属 {listed} 年度。"
                           "请改选同一年度的公开件；同一单位不同年度请用“历年比较”。")
    return compare("departments", [subject_of(r) for r in records])


def years(region: str, department: str, unit: str) -> Comparison:
    """Every published year of one unit, oldest first, each against the year before."""
    return compare("years", [subject_of(r) for r in published.years_of_unit(region, department, unit)])
