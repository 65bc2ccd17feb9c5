"""汇总 in the web app: a department's 汇总 over its unit tree, refreshed when a filing is
approved, stored, shown and downloaded; a region's 汇总 of departments, 选择汇总 among them;
who may see which."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from juesuan.consolidate import Mode, UnitNode, consolidate, consolidate_region
from juesuan.filing.io import filing_from_data, parse_yaml
from juesuan.filing.model import Filing
from juesuan.web.workflow import Action


def _generator() -> Any:
    """benchmarks/generate.py, loaded as tests/consolidate/unit_filings.py loads it."""
    import importlib.util
    import sys
    from pathlib import Path

    name = "juesuan_bench_generate"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            name, Path(__file__).resolve().parents[2] / "benchmarks" / "generate.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


generate = _generator()

YEAR = 2024
REVIEWED = (Action.SUBMIT, Action.DEPARTMENT_APPROVE)


@dataclass
class Dept:
    department: Any
    units: dict[str, Any]  # code → Unit
    filings: dict[str, Filing]  # code → filing
    parents: dict[str, str | None]
    records: dict[str, Any]


def _take(record: Any, steps: tuple[Action, ...], world: Any, side: str = "a") -> None:
    from juesuan.web.filings import services
    from juesuan.web.workflow import TRANSITIONS, Role

    who = {Role.UNIT_EDITOR: "unit", Role.DEPARTMENT_REVIEWER: "dept", Role.FINANCE_REVIEWER: "finance"}
    for action in steps:
        services.transition(record, action, world.users[f"{who[TRANSITIONS[action].role]}_{side}"],
                            comment="意见", checks=False)


def _department(world: Any, department: Any, seed: int, units: int, depth: int) -> Dept:
    from juesuan.web.filings import services
    from juesuan.web.orgs.models import Unit

    filings, parents = generate.generate_department(seed, units=units, depth=depth, rows=25, year=YEAR)
    made: dict[str, Any] = {}
    for filing in filings:
        code = filing.department.code
        assert code is not None
        parent = parents[code]
        made[code] = Unit.objects.create(department=department, code=code, name=filing.department.name,
                                         parent=made[parent] if parent else None)
    records = {code: services.create_record(made[code], YEAR, f, world.users["unit_a"])
               for code, f in ((f.department.code, f) for f in filings) if code is not None}
    return Dept(department, made, {f.department.code or "": f for f in filings}, parents, records)


def _tree(dept: Dept) -> UnitNode:
    def node(code: str) -> UnitNode:
        below = sorted(c for c, p in dept.parents.items() if p == code)
        return UnitNode(code, dept.filings[code], tuple(node(c) for c in below))

    return node(next(c for c, p in dept.parents.items() if p is None))


@pytest.fixture
def tree(world: Any, django_capture_on_commit_callbacks: Any) -> Dept:
    """Department A's three units in a three-level tree (top, middle, bottom): the top and the
    middle 部门已审核, the bottom only 已上报."""
    dept = _department(world, world.departments["a"], 7, 3, 3)
    top, middle, bottom = sorted(dept.units)  # codes grow with depth
    with django_capture_on_commit_callbacks(execute=True):
        for code in (top, middle):
            _take(dept.records[code], REVIEWED, world)
        _take(dept.records[bottom], (Action.SUBMIT,), world)
    return dept


def _stored(department: Any = None, mode: str = "complete") -> Any:
    from juesuan.web.filings.models import Consolidated

    return Consolidated.objects.filter(department=department, mode=mode, year=YEAR).first()


def test_the_department_s_consolidation_follows_approval(world: Any, tree: Dept,
                                                        django_capture_on_commit_callbacks: Any) -> None:
    from juesuan.web.filings import consolidated as cons

    top, middle, bottom = sorted(tree.units)
    stored = _stored(world.departments["a"])
    assert stored is not None, "部门审核通过后应已自动汇总"
    assert [v["unit"] for v in stored.included] == [top, middle]
    assert stored.excluded == [{"unit": bottom, "name": tree.units[bottom].name, "department": "部门A",
                                "reason": "未审核"}]
    # Two of the tree's units: the top eliminates only what its consolidated child shows.
    core = consolidate(_tree(tree), Mode.CHOSEN, chosen=[top, middle], name="部门A", code="da")
    assert cons.filing_of(stored) == core.filing
    first = stored.digest

    with django_capture_on_commit_callbacks(execute=True):
        _take(tree.records[bottom], (Action.DEPARTMENT_APPROVE,), world)
    stored.refresh_from_db()
    assert stored.digest != first and stored.excluded == []
    assert [v["unit"] for v in stored.included] == [top, middle, bottom]
    core = consolidate(_tree(tree), Mode.COMPLETE, name="部门A", code="da")
    filing = cons.filing_of(stored)
    assert filing == core.filing
    from juesuan.tables.build import build_tables
    from juesuan.web.figures import key_figures

    figures = key_figures(core.filing, build_tables(core.filing).rounded(2))
    assert figures["income_total"] is not None and figures["expenditure_total"] is not None
    assert cons.figures_of(stored)["income_total"] == figures["income_total"]
    assert cons.figures_of(stored)["expenditure_total"] == figures["expenditure_total"]
    assert [e["parent"] for e in stored.eliminations] == [e.parent for e in core.eliminations] == [top, middle]
    assert not [f for f in stored.findings if f["severity"] == "error"]  # the generator's flows agree
    # The region's complete 汇总 was refreshed too: department A's 汇总 is all it has.
    region = _stored(None)
    assert region is not None and cons.filing_of(region).income == filing.income

    # 退回 takes the filing out again.
    with django_capture_on_commit_callbacks(execute=True):
        _take(tree.records[middle], (Action.FINANCE_APPROVE, Action.FINANCE_RETURN), world)
    stored.refresh_from_db()
    assert {u["unit"]: u["reason"] for u in stored.excluded} == {middle: "未上报"}


def test_the_department_page_and_its_downloads(client: Any, world: Any, tree: Dept) -> None:
    from juesuan.web.filings import consolidated as cons

    bottom = sorted(tree.units)[-1]
    stored = _stored(world.departments["a"])
    client.force_login(world.users["dept_a"])
    page = client.get(f"/desk/region/310107/{YEAR}/consolidated/da/")
    assert page.status_code == 200
    html = page.content.decode()
    for text in ("部门A 2024 年度完全汇总", "未审核", tree.units[bottom].name, "内部往来抵消", "本年收入合计",
                 "tbl-1", "汇总填报文件（YAML）"):
        assert text in html, text
    # The department reviewer sees only their department: not the region's, not another's.
    assert client.get(f"/desk/region/310107/{YEAR}/consolidated/").status_code == 403
    from juesuan.web.orgs.models import Department

    Department.objects.create(region=world.regions["a"], code="dz", name="部门Z")
    assert client.get(f"/desk/region/310107/{YEAR}/consolidated/dz/").status_code == 404

    yaml_file = client.get(f"/desk/region/310107/{YEAR}/consolidated/{stored.pk}.yaml")
    assert yaml_file.status_code == 200
    data, _ = parse_yaml(yaml_file.content.decode())
    assert filing_from_data(data, "汇总") == cons.filing_of(stored)
    xlsx = client.get(f"/desk/region/310107/{YEAR}/consolidated/{stored.pk}.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get(f"/desk/region/310107/{YEAR}/consolidated/{stored.pk}.exe").status_code == 404

    # The document through the render job: its page goes on to the file.
    before = client.get(f"/desk/region/310107/{YEAR}/consolidated/{stored.pk}/document.docx")
    assert before.status_code == 302 and before["Location"].endswith("/consolidated/da/")
    asked = client.post(f"/desk/region/310107/{YEAR}/consolidated/{stored.pk}/document/", {"format": "docx"})
    assert asked.status_code == 302 and asked["Location"].startswith("/jobs/")
    job = client.get(asked["Location"])
    assert job.status_code == 302 and job["Location"].endswith(f"/{stored.pk}/document.docx")
    docx = client.get(job["Location"])
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    assert "attachment" in docx["Content-Disposition"]

    # Another region's reviewers are not told it exists.
    for user in ("finance_b", "dept_b", "unit_a"):
        client.force_login(world.users[user])
        for path in ("consolidated/", "consolidated/da/", f"consolidated/{stored.pk}.yaml"):
            assert client.get(f"/desk/region/310107/{YEAR}/{path}").status_code == 404, (user, path)


def test_recomputing_on_request_and_chosen_departments(client: Any, world: Any, tree: Dept) -> None:
    from juesuan.web.filings import consolidated as cons
    from juesuan.web.orgs.models import Department

    others = {}
    for n, code in enumerate(("dx", "dy"), 1):
        department = Department.objects.create(region=world.regions["a"], code=code, name=f"部门{code[-1].upper()}")
        others[code] = _department(world, department, 40 + n, 1, 1)
        _take(next(iter(others[code].records.values())), REVIEWED, world)
    client.force_login(world.users["finance_a"])
    # 重新汇总 of the region: a job, its page, then back to the 汇总.
    region_page = f"/desk/region/310107/{YEAR}/consolidated/"
    asked = client.post(region_page, {"mode": "complete"})
    assert asked.status_code == 302 and asked["Location"].startswith("/jobs/")
    assert client.get(asked["Location"])["Location"] == region_page
    html = client.get(region_page).content.decode()
    assert "部门X" in html and "部门Y" in html and "选择汇总" in html
    complete = _stored(None)
    assert {v["department"] for v in complete.included} == {"部门A", "部门X", "部门Y"}

    # 选择汇总 of two of the three departments.
    chosen = ["310107/da", "310107/dx"]
    asked = client.post(region_page, {"mode": "chosen", "chosen": chosen})
    back = client.get(asked["Location"])["Location"]
    assert back.startswith(region_page + "?mode=chosen")
    page = client.get(back)
    assert page.status_code == 200 and "选择汇总" in page.content.decode()
    stored = _stored(None, "chosen")
    assert stored.chosen == chosen
    assert {v["department"] for v in stored.included} == {"部门A", "部门X"}
    department_a = cons.department_outcome(world.departments["a"], YEAR).filing
    # A department of one unit: its 汇总 is that unit's filing under the department's name.
    x = cons.department_outcome(others["dx"].department, YEAR).filing
    assert x is not None and x.department.name == "部门X"
    assert x.income == next(iter(others["dx"].filings.values())).income
    expected = consolidate_region([department_a, x], name="上海市普陀区（汇总）", region="上海市普陀区",
                                  code="310107")
    got = cons.filing_of(stored)
    assert got == expected
    # None ticked: nothing is computed, the page says so.
    refused = client.post(region_page, {"mode": "chosen"})
    assert refused.status_code == 302 and refused["Location"].startswith(region_page)


def test_unit_tree_refuses_loops_and_other_departments(world: Any) -> None:
    from django.core.exceptions import ValidationError

    from juesuan.web.orgs.models import Department, Unit

    department = world.departments["a"]
    top = Unit.objects.create(department=department, code="t", name="上")
    child = Unit.objects.create(department=department, code="c", name="下", parent=top)
    top.parent = child
    with pytest.raises(ValidationError, match="循环"):
        top.clean()
    elsewhere = Unit.objects.create(department=Department.objects.create(region=world.regions["a"], code="o",
                                                                         name="其他"), code="x", name="外")
    elsewhere.parent = top
    with pytest.raises(ValidationError, match="同一主管部门"):
        elsewhere.clean()
