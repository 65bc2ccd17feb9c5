"""Fixtures for the web app: two regions with a department and unit each, a user per role,
and filings built from the bundled examples."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from juesuan.filing.io import load_filing
from juesuan.filing.model import Filing
from juesuan.web.workflow import Action, Role

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Rendered documents are cached per content digest: each test starts without them
    (some count renders)."""
    yield
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def published_folder(settings: Any, tmp_path: Path, monkeypatch: Any) -> Path:
    """Each test its own folder of published files (juesuan.web.portal.files): a disclosure
    another test published at the same address is never served from the last one's files."""
    from juesuan.web.portal import kept, serving

    root = tmp_path / "published"
    settings.STORAGES = {**settings.STORAGES, "published": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": root}}}
    monkeypatch.setattr(serving, "LOOKUP_SECONDS", 0.0)  # every request looks again
    monkeypatch.setattr(kept, "STAMP_SECONDS", 0.0)  # a publication shows in the next request's lists
    return root


@pytest.fixture(scope="session")
def shanghai_filing() -> Filing:
    """The Shanghai example with the one figure its document lacks (上年财政拨款收入支出总计, a
    【待填写】 otherwise): a filing without errors or gaps, which may be 上报 and 公开 as it is.
    ``example_filing`` is the example as bundled."""
    filing = load_filing(EXAMPLES / "shanghai-putuo-czj-2024.yaml").filing
    prior = filing.prior_year.model_copy(update={"fiscal_grand_total": Decimal("2988.65")})
    return filing.model_copy(update={"prior_year": prior})


@pytest.fixture(scope="session")
def example_filing() -> Filing:
    return load_filing(EXAMPLES / "shanghai-putuo-czj-2024.yaml").filing


@pytest.fixture(scope="session")
def suizhou_filing() -> Filing:
    return load_filing(EXAMPLES / "suizhou-zwfw-2020.yaml").filing


@dataclass
class World:
    """Organisations and one user per role on each side (A: 普陀, B: 随州)."""

    regions: dict[str, Any]
    departments: dict[str, Any]
    units: dict[str, Any]
    users: dict[str, Any]  # keys: unit_a, dept_a, finance_a, unit_b, dept_b, finance_b, admin, nobody


@pytest.fixture
def world(db: Any) -> World:
    from django.contrib.auth import get_user_model

    from juesuan.web.orgs.models import Department, Membership, Region, Unit

    user_model = get_user_model()
    regions = {"a": Region.objects.create(code="310107", name="上海市普陀区"),
               "b": Region.objects.create(code="421300", name="湖北省随州市")}
    departments = {k: Department.objects.create(region=r, code=f"d{k}", name=f"部门{k.upper()}")
                   for k, r in regions.items()}
    units = {k: Unit.objects.create(department=d, code=f"u{k}", name=f"单位{k.upper()}", consolidated=True)
             for k, d in departments.items()}
    users: dict[str, Any] = {}
    for side in ("a", "b"):
        for key, role in (("unit", Role.UNIT_EDITOR), ("dept", Role.DEPARTMENT_REVIEWER),
                          ("finance", Role.FINANCE_REVIEWER)):
            user = user_model.objects.create_user(f"{key}_{side}", password="pass-word-123")
            Membership.objects.create(
                user=user, role=role.value,
                unit=units[side] if role is Role.UNIT_EDITOR else None,
                department=departments[side] if role is Role.DEPARTMENT_REVIEWER else None,
                region=regions[side] if role is Role.FINANCE_REVIEWER else None)
            users[f"{key}_{side}"] = user
    admin = user_model.objects.create_user("admin", password="pass-word-123")
    Membership.objects.create(user=admin, role=Role.ADMIN.value)
    users["admin"] = admin
    users["nobody"] = user_model.objects.create_user("nobody", password="pass-word-123")
    return World(regions, departments, units, users)


@pytest.fixture
def make_record(world: World, shanghai_filing: Filing) -> Callable[..., Any]:
    """A filing record on side ``side`` taken through ``steps`` workflow actions.

    ``checks=False`` takes the steps whatever the checks find: for a test of something else
    whose filing has errors or gaps on purpose (the refusal is tested in test_finding_notes)."""
    from juesuan.web.filings import services

    def make(side: str = "a", *, year: int = 2024, steps: tuple[Action, ...] = (),
             filing: Filing | None = None, checks: bool = True) -> Any:
        record = services.create_record(world.units[side], year, filing or shanghai_filing,
                                        world.users[f"unit_{side}"])
        actors = {Role.UNIT_EDITOR: "unit", Role.DEPARTMENT_REVIEWER: "dept", Role.FINANCE_REVIEWER: "finance"}
        from juesuan.web.workflow import TRANSITIONS

        for action in steps:
            who = world.users[f"{actors[TRANSITIONS[action].role]}_{side}"]
            services.transition(record, action, who, comment="意见", checks=checks)
        record.refresh_from_db()
        return record

    return make


PUBLISHED = (Action.SUBMIT, Action.DEPARTMENT_APPROVE, Action.FINANCE_APPROVE, Action.PUBLISH)
