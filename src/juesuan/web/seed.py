"""First-start data: the bundled examples as published disclosures, and demo accounts.

Both are idempotent: running them again changes nothing that exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from juesuan.filing.io import load_filing
from juesuan.web.filings import services
from juesuan.web.filings.models import FilingRecord
from juesuan.web.orgs.models import Department, Membership, Region, Unit
from juesuan.web.workflow import Action, Role

# Regions the examples sit in (GB/T 2260 codes).
REGIONS = (
    ("420000", "湖北省", None),
    ("421300", "湖北省随州市", "420000"),
    ("310000", "上海市", None),
    ("310107", "上海市普陀区", "310000"),
)


@dataclass(frozen=True)
class Example:
    file: str
    region: str
    department_code: str
    unit_code: str


EXAMPLES = (
    Example("suizhou-zwfw-2020.yaml", "421300", "zwfw", "zwfw"),
    Example("shanghai-putuo-czj-2024.yaml", "310107", "czj", "czj"),
)


def examples_dir() -> Path | None:
    """The repository's examples/ folder (the web app runs from a checkout)."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "examples"
        if (candidate / EXAMPLES[0].file).exists():
            return candidate
    return None


def ensure_regions() -> dict[str, Region]:
    regions: dict[str, Region] = {}
    for code, name, parent in REGIONS:
        region, _ = Region.objects.get_or_create(
            code=code, defaults={"name": name, "parent": regions.get(parent) if parent else None})
        regions[code] = region
    return regions


@transaction.atomic
def load_examples(folder: Path | None = None) -> list[FilingRecord]:
    """Each example as a published disclosure of its own department (skipped when present)."""
    folder = folder or examples_dir()
    if folder is None:
        return []
    regions = ensure_regions()
    loaded = []
    for example in EXAMPLES:
        path = folder / example.file
        if not path.exists():
            continue
        filing = load_filing(path).filing
        department, _ = Department.objects.get_or_create(
            region=regions[example.region], code=example.department_code,
            defaults={"name": filing.department.name})
        unit, _ = Unit.objects.get_or_create(
            department=department, code=example.unit_code,
            defaults={"name": filing.department.name, "consolidated": True})
        if FilingRecord.objects.filter(unit=unit, year=filing.year).exists():
            continue
        record = services.create_record(unit, filing.year, filing, None, source="example",
                                        note=f"示例数据 {example.file}")
        for action in (Action.SUBMIT, Action.DEPARTMENT_APPROVE, Action.FINANCE_APPROVE, Action.PUBLISH):
            # The examples are published as their original reports were, 【待填写】 included.
            services.transition(record, action, None, comment="示例数据，随软件发布", checks=False)
        loaded.append(record)
    return loaded


@dataclass(frozen=True)
class DemoUser:
    username: str
    name: str
    role: Role
    region: str | None = None
    department: str | None = None  # department code within the region


DEMO_USERS = (
    DemoUser("admin", "系统管理员", Role.ADMIN),
    DemoUser("putuo-czj", "普陀区财政局填报员", Role.UNIT_EDITOR, "310107", "czj"),
    DemoUser("putuo-czj-review", "普陀区财政局部门审核员", Role.DEPARTMENT_REVIEWER, "310107", "czj"),
    DemoUser("putuo-finance", "普陀区财政审核员", Role.FINANCE_REVIEWER, "310107"),
    DemoUser("suizhou-zwfw", "随州市政务服务和大数据管理局填报员", Role.UNIT_EDITOR, "421300", "zwfw"),
    DemoUser("suizhou-zwfw-review", "随州市政务服务和大数据管理局部门审核员", Role.DEPARTMENT_REVIEWER,
             "421300", "zwfw"),
    DemoUser("suizhou-finance", "随州市财政审核员", Role.FINANCE_REVIEWER, "421300"),
)


@transaction.atomic
def ensure_demo_users(password: str) -> list[DemoUser]:
    """Demo accounts for each role over the examples; an existing account keeps its password."""
    user_model = get_user_model()
    created = []
    for demo in DEMO_USERS:
        user, new = user_model.objects.get_or_create(username=demo.username, defaults={"first_name": demo.name})
        if new:
            user.set_password(password)
            user.is_superuser = user.is_staff = demo.role is Role.ADMIN
            user.save()
            created.append(demo)
        if Membership.objects.filter(user=user).exists():
            continue
        region = Region.objects.filter(code=demo.region).first() if demo.region else None
        department = (Department.objects.filter(region=region, code=demo.department).first()
                      if demo.department and region else None)
        unit = department.units.filter(consolidated=True).first() if department else None
        Membership.objects.create(
            user=user, role=demo.role.value,
            region=region if demo.role is Role.FINANCE_REVIEWER else None,
            department=department if demo.role is Role.DEPARTMENT_REVIEWER else None,
            unit=unit if demo.role is Role.UNIT_EDITOR else None)
    return created
