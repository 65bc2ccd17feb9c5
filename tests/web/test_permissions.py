"""Who may open which page and call what: every URL of the site against every role.

The URL patterns are read from Django's resolver, so a new page or API call without an entry
in :data:`MATRIX` fails :func:`test_every_url_is_in_the_matrix`. For each role the matrix
requests every entry for filings in each workflow state (and for a filing that does not
exist) and compares the outcome with what the role should get, written out here by hand:

- ``login``: sent to the login form (anonymous);
- ``404``: not visible to the user (existence not revealed), or not there at all;
- ``403``: visible but not allowed;
- ``405``: wrong method;
- ``redirect:<path>``: done (or, for an editor, refused with a message on the overview);
- ``200`` and the other codes: as written.

A POST that is refused must change nothing (state, versions, steps, records); one that is
allowed must have its effect, and is rolled back before the next request. The pure
:func:`juesuan.web.access.allowed` is tested with hypothesis at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from juesuan.filing.model import Filing
from juesuan.web.access import Grant, Permission, Place, allowed
from juesuan.web.workflow import EDITABLE, TRANSITIONS, Action, Role, State

PASSWORD = "pass-word-123"

# Every kind of person. The filings all belong to unit A (单位A of 部门A in 普陀区).
ROLES = ("anonymous", "nobody", "unit_a", "unit_a2", "unit_b", "dept_a", "dept_b", "finance_a",
         "finance_b", "admin")
VIEWERS = frozenset({"unit_a", "dept_a", "finance_a", "admin"})  # of unit A's filings
REVIEWERS = frozenset({"dept_a", "finance_a"})  # who do not see a draft (the unit's own)
DRAFT_KINDS = frozenset({"draft", "revised"})
EDITORS = frozenset({"unit_a", "admin"})

# One filing of unit A per state, each in its own year; "revised" is published and then
# reopened (修订) with a newer draft version; "missing" does not exist.
KINDS: dict[str, tuple[int, tuple[Action, ...]]] = {
    "draft": (2018, ()),
    "returned": (2019, (Action.SUBMIT, Action.DEPARTMENT_RETURN)),
    "submitted": (2020, (Action.SUBMIT,)),
    "department_approved": (2021, (Action.SUBMIT, Action.DEPARTMENT_APPROVE)),
    "approved": (2022, (Action.SUBMIT, Action.DEPARTMENT_APPROVE, Action.FINANCE_APPROVE)),
    "revised": (2023, (Action.SUBMIT, Action.DEPARTMENT_APPROVE, Action.FINANCE_APPROVE, Action.PUBLISH,
                       Action.REVISE)),
    "published": (2024, (Action.SUBMIT, Action.DEPARTMENT_APPROVE, Action.FINANCE_APPROVE, Action.PUBLISH)),
}
MISSING_PK = 987654
EDITABLE_KINDS = frozenset({"draft", "returned", "revised"})
PUBLIC_KINDS = frozenset({"published", "revised"})  # have a published version

# Each workflow action: who may take it (besides nobody else) and in which kinds, and the state after.
ACTIONS: dict[str, tuple[frozenset[str], frozenset[str], str]] = {
    "submit": (EDITORS, frozenset({"draft", "returned", "revised"}), "submitted"),
    "withdraw": (EDITORS, frozenset({"submitted"}), "draft"),
    "department_approve": (frozenset({"dept_a", "admin"}), frozenset({"submitted"}), "department_approved"),
    "department_return": (frozenset({"dept_a", "admin"}), frozenset({"submitted"}), "returned"),
    "finance_approve": (frozenset({"finance_a", "admin"}), frozenset({"department_approved"}), "approved"),
    "finance_return": (frozenset({"finance_a", "admin"}), frozenset({"department_approved", "approved"}),
                       "returned"),
    "publish": (frozenset({"finance_a", "admin"}), frozenset({"approved"}), "published"),
    "revise": (EDITORS, frozenset({"published"}), "draft"),
    "abandon": (EDITORS, frozenset({"revised"}), "published"),
}
# Steps asked for again on a page that says what will happen: the form confirms with confirm=1.
CONFIRMED = frozenset({"submit", "publish", "abandon"})


@dataclass
class Site:
    world: Any
    records: dict[str, Any]  # kind → FilingRecord

    def pk(self, kind: str) -> int:
        return self.records[kind].pk if kind in self.records else MISSING_PK

    def address(self, kind: str) -> str:
        """The portal/API address of a kind's filing: region/year/department/unit."""
        year = KINDS[kind][0] if kind in KINDS else 2030
        return f"310107/{year}/da/ua"


def _tweaked(filing: Filing, year: int, surplus: str) -> Filing:
    """A version of its own (another short name): without errors or gaps, so every step may be
    taken."""
    department = filing.department.model_copy(update={"short_name": f"区财政局{surplus}"})
    return filing.model_copy(update={"year": year, "department": department})


def build_site(world: Any, filing: Filing, kinds: tuple[str, ...] | list[str]) -> Site:
    from django.contrib.auth import get_user_model

    from juesuan.web.filings import services
    from juesuan.web.orgs.models import Membership, Unit

    # A second unit in department A with its own editor: same department, other unit.
    unit_a2 = Unit.objects.create(department=world.departments["a"], code="ua2", name="单位A2")
    user = get_user_model().objects.create_user("unit_a2", password=PASSWORD)
    Membership.objects.create(user=user, role=Role.UNIT_EDITOR.value, unit=unit_a2)
    world.users["unit_a2"] = user
    # The administrator as `juesuan manage createsuperuser` makes one.
    admin = world.users["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()

    actors = {Role.UNIT_EDITOR: "unit_a", Role.DEPARTMENT_REVIEWER: "dept_a", Role.FINANCE_REVIEWER: "finance_a"}
    records = {}
    for kind in kinds:
        year, steps = KINDS[kind]
        record = services.create_record(world.units["a"], year, _tweaked(filing, year, "0"), world.users["unit_a"])
        services.save_version(record, _tweaked(filing, year, "1.25"), world.users["unit_a"], base=1)
        for action in steps:
            services.transition(record, action, world.users[actors[TRANSITIONS[action].role]], comment="意见")
        if kind == "revised":  # the unit edits on while version 2 stays public
            services.save_version(record, _tweaked(filing, year, "2.50"), world.users["unit_a"], base=2)
        record.refresh_from_db()
        records[kind] = record
    return Site(world, records)


@pytest.fixture
def site(world: Any, shanghai_filing: Filing) -> Site:
    """Unit A's filings in every state."""
    return build_site(world, shanghai_filing, list(KINDS))


# --- outcomes and probes ------------------------------------------------------------------------------


def outcome(response: Any) -> str:
    if response.status_code in (301, 302, 303):
        location = response["Location"]
        if location.startswith("/accounts/login/"):
            return "login"
        if location.startswith("/admin/login/"):
            return "admin-login"
        return "redirect:" + location.split("?")[0]
    return str(response.status_code)


DENIED = ("login", "404", "403", "405", "admin-login")
Expect = Callable[[str], str]  # role → outcome


@dataclass
class Probe:
    key: str  # the URL pattern this request exercises
    method: str
    path: str
    expect: Expect
    data: dict[str, Any] = field(default_factory=dict)
    record: Any = None  # a POST's filing, to check what changed
    effect: Callable[[Any], str | None] | None = None  # an allowed POST: problem with the result, or None

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def gate(role: str, kind: str, may: frozenset[str] | None = None) -> str | None:
    """The refusal a role meets at a filing's working pages, or None when it may go on."""
    if role == "anonymous":
        return "login"
    if kind == "missing" or role not in VIEWERS or (kind in DRAFT_KINDS and role in REVIEWERS):
        return "404"
    if may is not None and role not in may:
        return "403"
    return None


def page(kind: str, may: frozenset[str] | None = None, ok: str = "200") -> Expect:
    return lambda role: gate(role, kind, may) or ok


def logged_in(ok: str) -> Expect:
    return lambda role: "login" if role == "anonymous" else ok


def public(ok: str) -> Expect:
    return lambda role: ok


def editor_page(kind: str, pk: int, ok: str = "200") -> Expect:
    """Editing: editors in editable states; an editor in another state gets the overview with
    a message; a reviewer who can see the filing gets 403."""
    def expect(role: str) -> str:
        refused = gate(role, kind, EDITORS)
        if refused:
            return refused
        return ok if kind in EDITABLE_KINDS else f"redirect:/desk/f/{pk}/"
    return expect


# --- the matrix ---------------------------------------------------------------------------------------

# PDF, DOCX and XLSX take seconds to render: they are asked for the published filing only (one
# rendering, cached), the other formats for every filing. Each goes through the same checks.
HEAVY = ("pdf", "docx", "xlsx")
WORK_FORMATS = ("html", "json", "yaml", "review")  # review: the 审核意见, never on the portal
PORTAL_FILES = ("document.html", "document.json", "tables.csv", "tables.json", "filing.yaml")


def formats(kind: str, light: tuple[str, ...], heavy: tuple[str, ...]) -> tuple[str, ...]:
    return (*light, *heavy) if kind in ("published", "missing") else light


def record_probes(site: Site, kind: str) -> Iterator[Probe]:
    pk = site.pk(kind)
    record = site.records.get(kind)
    work = f"/desk/f/{pk}"
    yield Probe("filing", "GET", f"{work}/", page(kind))
    yield Probe("filing-versions", "GET", f"{work}/versions/", page(kind))
    yield Probe("filing-diff", "GET", f"{work}/versions/1/diff/2/", page(kind))
    yield Probe("filing-diff", "GET", f"{work}/versions/1/diff/9/", page(kind, ok="404"))
    yield Probe("filing-log", "GET", f"{work}/log/", page(kind))
    # The nine tables beside the editor: whoever may see the filing, as its downloads.
    yield Probe("filing-tables", "GET", f"{work}/tables/?fragment=1", page(kind))
    number = record.current.number if record else 1
    for fmt in formats(kind, WORK_FORMATS, HEAVY):
        yield Probe("filing-download", "GET", f"{work}/v{number}.{fmt}", page(kind))
    yield Probe("filing-download", "GET", f"{work}/v{number}.exe", page(kind, ok="404"))
    yield Probe("filing-download", "GET", f"{work}/v99.pdf", page(kind, ok="404"))

    # Workflow steps.
    for name, (who, kinds, target) in ACTIONS.items():
        def expect(role: str, who: frozenset[str] = who, kinds: frozenset[str] = kinds) -> str:
            return gate(role, kind, who) or (f"redirect:{work}/" if kind in kinds else "403")

        def effect(rec: Any, target: str = target) -> str | None:
            return None if rec.state == target else f"状态应为 {target}，实为 {rec.state}"

        data = {"comment": "意见：请核对表7。", **({"confirm": "1"} if name in CONFIRMED else {})}
        yield Probe("filing-act", "POST", f"{work}/act/{name}/", expect, data, record, effect)
        if name in CONFIRMED:
            # Without the confirmation: the page that asks, nothing done.
            def asked(role: str, who: frozenset[str] = who, kinds: frozenset[str] = kinds) -> str:
                return gate(role, kind, who) or ("200" if kind in kinds else "403")
            yield Probe("filing-act", "POST", f"{work}/act/{name}/", asked, {"comment": "意见"}, record)
            yield Probe("filing-act", "GET", f"{work}/act/{name}/", asked)
    yield Probe("filing-act", "PUT", f"{work}/act/submit/", logged_in("405"))
    # 出错说明 of a finding (this one has none: the editor is told so, nothing is saved) and the
    # restore of version 1 (a new version, for editors in editable states only).
    editable = EDITORS if kind in EDITABLE_KINDS else frozenset()
    yield Probe("filing-explain", "POST", f"{work}/explain/",
                lambda role: gate(role, kind, editable) or f"redirect:{work}/",
                {"key": "T1.e||||", "text": "说明"}, record)

    def restored(rec: Any) -> str | None:
        return None if rec.current.note == "恢复第 1 版" else f"未恢复：{rec.current.note}"
    yield Probe("filing-restore", "POST", f"{work}/versions/1/restore/",
                lambda role: gate(role, kind, editable) or f"redirect:{work}/",
                {"version": str(number)}, record, restored)
    yield Probe("filing-act", "POST", f"{work}/act/approve-everything/", page(kind, ok="404"),
                {"comment": "x"}, record)

    # Editing and importing (the editor's pages).
    yield Probe("filing-edit", "GET", f"{work}/edit/",
                lambda role: "login" if role == "anonymous" else f"redirect:{work}/edit/basic/")
    yield Probe("filing-edit-section", "GET", f"{work}/edit/basic/", editor_page(kind, pk))
    yield Probe("filing-edit-section", "GET", f"{work}/edit/no-such-section/", page(kind, ok="404"))
    yield Probe("filing-edit-section", "POST", f"{work}/edit/basic/", editor_page(kind, pk, ok="200"),
                {"_base": "1", "department.name": "被改掉的名称"}, record)
    # Checking a form without saving: a fragment for the editor's page, so refused with 403
    # rather than sent to the overview.
    yield Probe("filing-edit-check", "POST", f"{work}/edit/basic/check/",
                page(kind, EDITORS if kind in EDITABLE_KINDS else frozenset()), {"department.name": "检查用名称"},
                record)
    yield Probe("filing-edit-check", "GET", f"{work}/edit/basic/check/", logged_in("405"))
    # 批量编辑 (a table pasted whole): an editor's page; nothing pasted is refused with 400.
    yield Probe("filing-edit-bulk", "GET", f"{work}/edit/income/bulk/", editor_page(kind, pk))
    yield Probe("filing-edit-bulk", "GET", f"{work}/edit/expenditure/bulk/?format=tsv", editor_page(kind, pk))
    yield Probe("filing-edit-bulk", "GET", f"{work}/edit/three-public/bulk/", page(kind, ok="404"))
    yield Probe("filing-edit-bulk", "POST", f"{work}/edit/income/bulk/", editor_page(kind, pk, ok="400"),
                {"_base": "2", "mode": "replace", "text": ""}, record)
    yield Probe("filing-import", "GET", f"{work}/import/", editor_page(kind, pk))
    # No file: an editor is told to choose one (400); nobody else gets that far.
    yield Probe("filing-import", "POST", f"{work}/import/", editor_page(kind, pk, ok="400"),
                {"_base": "2"}, record)

    # The public side: only what was published, the same for everyone (administrators included).
    shown = "200" if kind in PUBLIC_KINDS else "404"
    address = site.address(kind)
    yield Probe("portal-disclosure", "GET", f"/{address}/", public(shown))
    for filename in formats(kind, PORTAL_FILES, tuple(f"document.{f}" for f in HEAVY)):
        yield Probe("portal-file", "GET", f"/{address}/{filename}", public(shown))
    yield Probe("portal-file", "GET", f"/{address}/document.exe", public("404"))
    yield Probe("api:disclosure", "GET", f"/api/disclosures/{address}", public(shown))
    yield Probe("api:tables", "GET", f"/api/disclosures/{address}/tables", public(shown))
    yield Probe("api:document", "GET", f"/api/disclosures/{address}/document", public(shown))


def site_probes(site: Site) -> Iterator[Probe]:
    """Pages that are not about one filing."""
    yield Probe("login", "GET", "/accounts/login/",
                lambda role: "200" if role == "anonymous" else "redirect:/desk/")
    yield Probe("logout", "GET", "/accounts/logout/", public("405"))
    yield Probe("password-change", "GET", "/accounts/password/", logged_in("200"))
    yield Probe("workspace", "GET", "/desk/", logged_in("200"))
    yield Probe("code-lookup", "GET", "/desk/codes/?kind=functional&year=2024&q=201", logged_in("200"))

    # 新建填报: editors (of any unit) get the form; others have no unit to file for.
    def new(role: str) -> str:
        return "login" if role == "anonymous" else ("200" if role in {"unit_a", "unit_a2", "unit_b", "admin"}
                                                    else "403")
    yield Probe("filing-new", "GET", "/desk/new/", new)

    # Creating unit A's 2030 filing: only its editor and the administrator; unit A2's and B's
    # editors are told to choose a unit of their own (400).
    def create(role: str) -> str:
        if role in EDITORS:
            return "redirect:created"
        return {"anonymous": "login", "unit_a2": "400", "unit_b": "400"}.get(role, "403")

    def created(_: Any) -> str | None:
        from juesuan.web.filings.models import FilingRecord

        return None if FilingRecord.objects.filter(unit=site.world.units["a"], year=2030).exists() else "未建立"
    yield Probe("filing-new", "POST", "/desk/new/", create,
                {"unit": str(site.world.units["a"].pk), "year": "2030", "start": "empty"}, "new", created)

    # 汇总审核: reviewers and administrators, each for the regions they review; a region the
    # user does not review is not there (404); without any review grant, no 汇总审核 at all (403).
    def region(role: str, ok: str = "200") -> str:
        return "login" if role == "anonymous" else (ok if role in {"dept_a", "finance_a", "admin"}
                                                    else "404")
    yield Probe("region-list", "GET", "/desk/region/", lambda role: "login" if role == "anonymous"
                else "403" if role.startswith("unit_") or role == "nobody" else "200")
    yield Probe("region-overview", "GET", "/desk/region/310107/2024/", region)
    yield Probe("region-overview", "GET", "/desk/region/310107/2024/?show=unfiled", region)
    for path in ("/desk/region/999999/2024/", "/desk/region/310107/1800/"):
        yield Probe("region-overview", "GET", path, lambda role: region(role, "404"))
    yield Probe("region-batch", "GET", "/desk/region/310107/2021/batch/", logged_in("405"))
    # The 上报截止日期: whoever reviews the whole region (财政审核, the administrator); a
    # department reviewer sees the page but is refused.
    yield Probe("region-deadline", "GET", "/desk/region/310107/2024/deadline/", logged_in("405"))
    yield Probe("region-deadline", "POST", "/desk/region/310107/2024/deadline/",
                lambda role: "403" if role == "dept_a" else region(role, "redirect:/desk/region/310107/2024/"),
                {"due": "2025-03-31"})
    # Batch 审核通过 of unit A's 部门已审核 filing: 财政审核 and the administrator; 部门审核 is
    # refused for it (403, nothing done).
    pk, record = site.pk("department_approved"), site.records.get("department_approved")
    yield Probe("region-batch", "POST", "/desk/region/310107/2021/batch/",
                lambda role: "403" if role == "dept_a" else region(role),
                {"kind": "approve", "records": str(pk)}, record,
                lambda rec: None if rec.state == "approved" else f"状态应为 approved，实为 {rec.state}")
    # Batch 公开 is asked for again first: the page that asks, nothing done.
    yield Probe("region-batch", "POST", "/desk/region/310107/2022/batch/", region,
                {"kind": "publish", "records": str(site.pk("approved"))},
                site.records.get("approved"))

    # 汇总: a department's for those who review it; the region's and its files for whoever
    # reviews the whole region (a department reviewer is refused, 403); anyone else 404.
    from juesuan.consolidate import Mode
    from juesuan.web.filings import consolidated as cons

    region_a = site.world.regions["a"]
    stored = cons.store(region_a, 2024, None, Mode.COMPLETE, [], cons.region_outcome(region_a, 2024))
    whole = "/desk/region/310107/2024/consolidated/"

    def regional(ok: str) -> Expect:
        return lambda role: "403" if role == "dept_a" else region(role, ok)
    yield Probe("consolidated-region", "GET", whole, regional("200"))
    yield Probe("consolidated-region", "GET", whole + "?mode=chosen&chosen=310107/da", regional("200"))
    yield Probe("consolidated-department", "GET", whole + "da/", region)
    yield Probe("consolidated-department", "GET", whole + "no-such/", lambda role: region(role, "404"))
    yield Probe("consolidated-download", "GET", f"{whole}{stored.pk}.yaml",
                regional("200" if stored.content else "404"))
    yield Probe("consolidated-download", "GET", f"{whole}{stored.pk}.exe", regional("404"))
    yield Probe("consolidated-document", "POST", f"{whole}{stored.pk}/document/", regional("404"),
                {"format": "exe"})
    yield Probe("consolidated-document-file", "GET", f"{whole}{stored.pk}/document.pdf",
                regional(f"redirect:{whole}" if stored.content else "404"))

    # A background job's page and its JSON: its owner (unit A's editor) and the administrator;
    # anyone else is not told it exists.
    from juesuan.web.jobs.models import Job

    job, _ = Job.objects.get_or_create(key="probe", defaults={"kind": "import", "state": Job.DONE,
                                                             "owner": site.world.users["unit_a"]})

    def own(role: str) -> str:
        return "login" if role == "anonymous" else ("200" if role in EDITORS else "404")
    yield Probe("job", "GET", f"/jobs/{job.pk}/", own)
    yield Probe("job-json", "GET", f"/jobs/{job.pk}.json", own)
    yield Probe("job", "GET", "/jobs/00000000-0000-4000-8000-000000000000/", logged_in("404"))

    # 审查公开报告: any reviewer (nothing chosen: 400); its results are the owner's (部门审核 A) and
    # the administrator's. 审查本区划已公开的报告: whoever reviews the whole region (2022: nothing
    # published, so back to the overview with a message).
    def reviewer(role: str, ok: str) -> str:
        return "login" if role == "anonymous" else (ok if role.startswith(("dept_", "finance_")) or role == "admin"
                                                    else "403")
    yield Probe("audit-reports", "GET", "/desk/audit/", lambda role: reviewer(role, "200"))
    yield Probe("audit-reports", "POST", "/desk/audit/", lambda role: reviewer(role, "400"))
    audit, _ = Job.objects.get_or_create(key="probe-audit", defaults={
        "kind": "audit_reports", "state": Job.DONE, "owner": site.world.users["dept_a"],
        "result": {"title": "上传的公开报告", "reports": []}})

    def audit_owner(role: str, ok: str = "200") -> str:
        return "login" if role == "anonymous" else (ok if role in {"dept_a", "admin"} else "404")
    yield Probe("audit-result", "GET", f"/desk/audit/{audit.pk}/", audit_owner)
    yield Probe("audit-report", "GET", f"/desk/audit/{audit.pk}/1.html", lambda role: audit_owner(role, "404"))
    yield Probe("region-audit", "GET", "/desk/region/310107/2022/audit/", logged_in("405"))
    yield Probe("region-audit", "POST", "/desk/region/310107/2022/audit/",
                lambda role: "403" if role == "dept_a" else region(role, "redirect:/desk/region/310107/2022/"))

    # The portal and the API: public, and identical for every role.
    for probe in (
        ("portal-home", "/", "200"),
        ("portal-home", "/?q=单位A", "200"),
        ("portal-listing-data", "/disclosures.csv", "200"),
        ("portal-listing-data", "/disclosures.json?year=2018", "200"),
        ("portal-compare", "/compare/", "200"),
        ("portal-compare", "/compare/?d=310107/2024/da/ua&d=310107/2018/da/ua", "404"),
        ("portal-compare-data", "/compare.json?d=310107/2024/da/ua", "400"),
        ("portal-years", "/compare/years/310107/da/ua/", "200"),
        ("portal-years", "/compare/years/421300/db/ub/", "404"),  # nothing of B was published
        ("portal-years-data", "/compare/years/310107/da/ua.csv", "200"),
        ("portal-region", "/310107/", "200"),
        ("portal-region", "/421300/", "404"),
        ("portal-region-year", "/310107/2024/", "200"),
        ("portal-region-year", "/310107/2018/", "404"),  # only a draft that year
        ("portal-datapackage", "/310107/2024/datapackage.json", "200"),
        ("portal-datapackage", "/310107/2018/datapackage.json", "404"),  # a draft is not open data
        ("portal-datapackage-zip", "/310107/2024/datapackage.zip", "200"),
        ("portal-datapackage-resource", "/310107/2024/data/disclosures.csv", "200"),
        ("portal-datapackage-resource", "/310107/2024/data/no-such-table.csv", "404"),
        ("api:datapackage", "/api/datapackages/310107/2024", "200"),
        ("api:datapackage", "/api/datapackages/421300/2024", "404"),
        ("api:api-root", "/api/", "404"),
        ("api:openapi-json", "/api/openapi.json", "200"),
        ("api:openapi-view", "/api/docs", "200"),
        ("api:disclosures", "/api/disclosures?year=2018", "200"),
        ("api:compare", "/api/compare?d=310107/2024/da/ua&d=310107/2018/da/ua", "404"),
        ("api:compare_years", "/api/compare/years/310107/da/ua", "200"),
        ("api/^.*$", "/api/no/such/call", "404"),
    ):
        key, path, ok = probe
        yield Probe(key, "GET", path, public(ok))
    yield Probe("api:disclosures", "POST", "/api/disclosures", public("405"))


def probes(site: Site) -> list[Probe]:
    return [*site_probes(site), *(p for kind in (*KINDS, "missing") for p in record_probes(site, kind))]


# --- running the matrix ---------------------------------------------------------------------------------


def url_keys() -> dict[str, str]:
    """Every URL pattern of the site: ``namespace:name`` (or the route when unnamed) → route."""
    from django.urls import URLPattern, URLResolver, get_resolver

    keys: dict[str, str] = {}

    def walk(patterns: list[Any], prefix: str, namespaces: tuple[str, ...]) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern),
                     namespaces + ((p.namespace,) if p.namespace else ()))
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                keys[":".join((*namespaces, p.name)) if p.name else route] = route

    walk(get_resolver().url_patterns, "", ())
    return keys


def snapshot(record: Any) -> tuple[Any, ...]:
    from juesuan.web.filings.models import FilingRecord

    if record is None or record == "new":
        return (FilingRecord.objects.count(),)
    fresh = FilingRecord.objects.get(pk=record.pk)
    return (fresh.state, fresh.current_id, fresh.published_id, fresh.versions.count(), fresh.steps.count(),
            FilingRecord.objects.count())


def run(client: Any, probe: Probe, role: str) -> str | None:
    """Make the request; the problem with the outcome, or None."""
    from django.db import transaction

    want = probe.expect(role)
    if probe.method in ("GET", "PUT"):  # PUT: a method no page takes
        got = outcome(client.generic(probe.method, probe.path))
        return None if got == want else f"{probe}：应为 {want}，实为 {got}"
    point = transaction.savepoint()
    try:
        before = snapshot(probe.record)
        response = client.post(probe.path, probe.data)
        got = outcome(response)
        if want == "redirect:created" and got.startswith("redirect:/desk/f/"):
            got = want
        if got != want:
            return f"{probe}：应为 {want}，实为 {got}"
        after = snapshot(probe.record)
        refused = want in DENIED or (probe.effect is None and want.startswith("redirect:/desk/f/")) \
            or want in ("400",)
        if refused and after != before:
            return f"{probe}：被拒绝（{got}），数据却改变了：{before} → {after}"
        if not refused and probe.effect is not None:
            from juesuan.web.filings.models import FilingRecord

            target = (FilingRecord.objects.get(pk=probe.record.pk)
                      if probe.record not in (None, "new") else None)
            problem = probe.effect(target)
            if problem:
                return f"{probe}：{problem}"
        return None
    finally:
        transaction.savepoint_rollback(point)


@pytest.mark.parametrize("kind", [*KINDS, "missing", "site"])
@pytest.mark.parametrize("role", ROLES)
def test_role_meets_the_matrix(client: Any, world: Any, shanghai_filing: Filing, role: str, kind: str) -> None:
    """One role, and one filing's pages (or the pages of the whole site, with every filing there)."""
    # One filing at a time keeps each test's transaction small (PostgreSQL slows down past 64
    # subtransactions that wrote, and every allowed POST here is one).
    site = build_site(world, shanghai_filing, list(KINDS) if kind == "site" else [k for k in KINDS if k == kind])
    if role != "anonymous":
        client.force_login(site.world.users[role])
    found = site_probes(site) if kind == "site" else record_probes(site, kind)
    problems = [p for probe in found if (p := run(client, probe, role))]
    assert not problems, f"{role}：{len(problems)} 处与权限表不符：\n" + "\n".join(problems)


def test_every_url_is_in_the_matrix(site: Site) -> None:
    keys = url_keys()
    site_urls = {k for k in keys if not k.startswith("admin:") and not keys[k].startswith("admin/")}
    covered = {p.key for p in probes(site)}
    missing = sorted(site_urls - covered)
    assert not missing, "这些地址没有写进权限表（tests/web/test_permissions.py）：" + "、".join(
        f"{k}（{keys[k]}）" for k in missing)
    stale = sorted(covered - set(keys))
    assert not stale, f"权限表中有已不存在的地址：{stale}"


def test_changes_without_the_csrf_token_are_refused(world: Any, shanghai_filing: Filing) -> None:
    """A form posted from another site (no CSRF token) changes nothing, even for the editor."""
    from django.test import Client

    site = build_site(world, shanghai_filing, ["draft"])
    client = Client(enforce_csrf_checks=True)
    client.force_login(site.world.users["admin"])
    pk = site.pk("draft")
    posts = [probe for probe in (*record_probes(site, "draft"), *site_probes(site)) if probe.method == "POST"]
    assert {p.key for p in posts} >= {"filing-act", "filing-edit-section", "filing-edit-bulk", "filing-import",
                                      "filing-new"}
    for probe in posts:
        before = snapshot(probe.record)
        # The read-only API takes no POST at all.
        want = 405 if probe.key.startswith("api:") else 403
        assert client.post(probe.path, probe.data).status_code == want, str(probe)
        assert snapshot(probe.record) == before, str(probe)
    assert snapshot(site.records["draft"])[0] == "draft" and pk


def test_workspace_lists_exactly_the_visible_filings(client: Any, site: Site) -> None:
    from juesuan.web.filings.models import FilingRecord

    reported = set(KINDS) - DRAFT_KINDS
    expected = {"unit_a": set(KINDS), "dept_a": reported, "finance_a": reported, "admin": set(KINDS),
                "unit_a2": set(), "unit_b": set(), "dept_b": set(), "finance_b": set(), "nobody": set()}
    links = {kind: f'href="/desk/f/{record.pk}/"' for kind, record in site.records.items()}
    assert FilingRecord.objects.count() == len(KINDS)
    for role, kinds in expected.items():
        client.force_login(site.world.users[role])
        html = client.get("/desk/").content.decode()
        shown = {kind for kind, link in links.items() if link in html}
        assert shown == kinds, f"{role} 的工作台应列出 {sorted(kinds)}，实为 {sorted(shown)}"


# --- the Django admin: administrators only ------------------------------------------------------------


def admin_paths(site: Site) -> list[tuple[str, str]]:
    """(key, path) for every admin URL, with ids of existing objects filled in."""
    from django.apps import apps
    from django.urls import NoReverseMatch, reverse

    from juesuan.web.filings.models import FilingRecord

    first = {m._meta.model_name: m.objects.order_by("pk").first() for m in apps.get_models()}
    first["filingrecord"] = FilingRecord.objects.get(pk=site.pk("published"))
    paths = []
    for key, route in url_keys().items():
        if not (key.startswith("admin:") or route.startswith("admin/")):
            continue
        name = key.removeprefix("admin:")
        kwargs: dict[str, Any] = {}
        if "<path:object_id>" in route or "<object_id>" in route or "object_id" in route:
            model = next((m for m in first if name.endswith(f"_{m}_change") or name.endswith(f"_{m}_delete")
                          or name.endswith(f"_{m}_history")), None)
            obj = first.get(model) if model else None
            kwargs["object_id"] = obj.pk if obj is not None else 1
        if "app_label" in route:
            kwargs["app_label"] = "orgs"
        if "content_type_id" in route:
            kwargs["content_type_id"] = 1
        if not key.startswith("admin:"):
            paths.append((key, "/admin/no-such-page/"))
            continue
        try:
            paths.append((key, reverse(key, kwargs=kwargs)))
        except NoReverseMatch:
            paths.append((key, route))
    return paths


@pytest.mark.parametrize("role", ROLES)
def test_django_admin_is_for_administrators_only(client: Any, site: Site, role: str) -> None:
    if role != "anonymous":
        client.force_login(site.world.users[role])
    problems = []
    paths = admin_paths(site)
    assert any(k == "admin:index" for k, _ in paths)
    for key, path in paths:
        response = client.get(path)
        got = outcome(response)
        if role == "admin":
            if response.status_code >= 500:
                problems.append(f"{path}：{got}")
            continue
        if key == "admin:login":
            ok = {"200"} if role == "anonymous" else {"200", "redirect:/admin/"}
        elif key == "admin:logout":
            ok = {"redirect:/admin/"}
        else:
            ok = {"admin-login", "404"}
        if got not in ok:
            problems.append(f"{path}（{key}）：应为 {sorted(ok)}，实为 {got}")
    assert not problems, f"{role}：\n" + "\n".join(problems)
    if role == "admin":
        assert client.get("/admin/").status_code == 200
        assert client.get("/admin/orgs/membership/").status_code == 200


# --- the pure rule: juesuan.web.access.allowed ----------------------------------------------------------

ids = st.integers(min_value=1, max_value=4)
places = st.builds(Place, unit=ids, department=ids, region=ids)
grants = st.one_of(
    st.builds(Grant, role=st.just(Role.UNIT_EDITOR), unit=ids),
    st.builds(Grant, role=st.just(Role.DEPARTMENT_REVIEWER), department=ids),
    st.builds(Grant, role=st.just(Role.FINANCE_REVIEWER), region=ids),
    st.just(Grant(Role.ADMIN)),
)
whats = st.sampled_from([*Permission, *Action])
states = st.one_of(st.none(), st.sampled_from(list(State)))


def covering(grant: Grant, place: Place) -> bool:
    """Written out again here, independently of access.covers."""
    return {Role.ADMIN: True, Role.UNIT_EDITOR: grant.unit == place.unit,
            Role.DEPARTMENT_REVIEWER: grant.department == place.department,
            Role.FINANCE_REVIEWER: grant.region == place.region}[grant.role]


@settings(max_examples=400, deadline=None)
@given(st.lists(grants, max_size=4), places, whats, states)
def test_nothing_without_a_covering_grant(gs: list[Grant], place: Place, what: Any, state: State | None) -> None:
    if not any(covering(g, place) for g in gs):
        assert not allowed(gs, place, what, state)


@settings(max_examples=400, deadline=None)
@given(st.lists(grants, max_size=3), places, whats, states)
def test_admin_may_do_whatever_the_state_allows(gs: list[Grant], place: Place, what: Any,
                                               state: State | None) -> None:
    result = allowed([*gs, Grant(Role.ADMIN)], place, what, state)
    if isinstance(what, Action):
        assert result == (state is None or state in TRANSITIONS[what].sources)
    elif what in (Permission.EDIT, Permission.IMPORT):
        assert result == (state is None or state in EDITABLE)
    else:
        assert result


@settings(max_examples=400, deadline=None)
@given(st.lists(grants, max_size=4), places, whats, st.sampled_from(list(State)))
def test_editing_only_in_editable_states_and_steps_only_from_their_sources(
        gs: list[Grant], place: Place, what: Any, state: State) -> None:
    if not allowed(gs, place, what, state):
        return
    if what in (Permission.EDIT, Permission.IMPORT):
        assert state in (State.DRAFT, State.RETURNED)
    if isinstance(what, Action):
        assert state in TRANSITIONS[what].sources


@settings(max_examples=400, deadline=None)
@given(st.lists(grants, max_size=4), grants, places, whats, states)
def test_another_grant_never_takes_a_right_away(gs: list[Grant], extra: Grant, place: Place, what: Any,
                                                state: State | None) -> None:
    if allowed(gs, place, what, state):
        assert allowed([*gs, extra], place, what, state)


@settings(max_examples=400, deadline=None)
@given(places, whats, states, ids)
def test_each_role_keeps_to_its_part(place: Place, what: Any, state: State | None, other: int) -> None:
    editor = [Grant(Role.UNIT_EDITOR, unit=place.unit)]
    reviewers = [Grant(Role.DEPARTMENT_REVIEWER, department=place.department),
                 Grant(Role.FINANCE_REVIEWER, region=place.region)]
    if isinstance(what, Action):
        role = TRANSITIONS[what].role
        assert allowed(editor, place, what, state) == (role is Role.UNIT_EDITOR and (
            state is None or state in TRANSITIONS[what].sources))
    else:
        # Reviewers see and read the history once a filing is reported, but never edit, import
        # or open filings.
        assert allowed(reviewers, place, what, state) == (
            what in (Permission.VIEW, Permission.HISTORY) and state is not State.DRAFT)
        assert allowed(editor, place, what, state) == (
            what in (Permission.VIEW, Permission.HISTORY, Permission.CREATE)
            or state is None or state in EDITABLE)
    # A grant for another unit, department or region gives nothing here.
    elsewhere = Place(unit=place.unit + 10 * other, department=place.department + 10 * other,
                      region=place.region + 10 * other)
    for g in (*editor, *reviewers):
        assert not allowed([g], elsewhere, what, state)
