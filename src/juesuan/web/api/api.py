"""The public, read-only JSON API (django-ninja), at ``/api/``.

Only published disclosures exist here (see :mod:`juesuan.web.portal.published`): a draft
or a later unpublished revision is never returned, and a record never published is a 404
like any unknown address. Money is a decimal string in 万元 with two decimals; errors are
``{"detail": "<中文说明>"}`` with 404, 400 or 422.

- ``GET /api/disclosures``: published disclosures (``region``, ``year``, ``department``,
  ``q``; ``page``, ``page_size``);
- ``GET /api/disclosures/{region}/{year}/{department}/{unit}``: one disclosure, its key
  figures and a summary of the automatic checks;
- ``…/tables``: its nine tables (as ``juesuan tables --format json``);
- ``…/document``: its whole document (as ``juesuan report`` writes ``.json``);
- ``GET /api/datapackages/{region}/{year}``: where the region-year's Frictionless Data
  Package is (``datapackage.json``, its CSV files, the zip; served by the portal);
- ``GET /api/compare?d=<key>&d=<key>``: disclosures of one year side by side;
- ``GET /api/compare/years/{region}/{department}/{unit}``: one unit's published years.

The OpenAPI description is ``/api/openapi.json``; ``/api/docs`` shows it with the Swagger
UI bundled in django-ninja (no CDN).
"""

from __future__ import annotations

from typing import Annotated, Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import NinjaAPI, Query, Swagger
from ninja.errors import ValidationError
from ninja.renderers import JSONRenderer

from juesuan.render.datapackage import DATA_DIR, package_name, resource_names
from juesuan.web.downloads import PUBLIC_CACHE, not_modified
from juesuan.web.filings import services
from juesuan.web.filings.models import FilingRecord
from juesuan.web.orgs.models import Region
from juesuan.web.portal import comparisons, published
from juesuan.web.portal.figures import MEASURES, amount_text, comparison_data

from .schemas import (
    ComparisonOut,
    DataPackageOut,
    DisclosureDetail,
    DisclosureList,
    DocumentOut,
    Error,
    TablesOut,
    ValidationErrorOut,
)

DESCRIPTION = """部门决算公开数据的只读接口：只包含已经公开的部门决算（公开版本），不含任何草稿或审核中的修订。

- 公开件以 **区划代码/年度/部门编码/单位编码** 标识，例如 `310107/2024/czj/czj`；
- 金额一律为 **十进制字符串**（单位万元，四舍五入保留两位小数），不用浮点数；`null` 表示无数据（不是 0）；
- 出错时返回 `{"detail": "中文说明"}`，状态码 404（不存在或未公开）、400（比较条件不符）或 422（参数有误）。
"""

class Renderer(JSONRenderer):
    """JSON with Chinese characters as they are (UTF-8), not \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="部门决算公开数据接口",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    docs=Swagger(settings={"validatorUrl": None, "defaultModelsExpandDepth": 0}),
    renderer=Renderer(),
)

MAX_PAGE_SIZE = 100


# --- errors ---------------------------------------------------------------------------


def _json_error(request: HttpRequest, detail: str, status: int, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"detail": detail, **extra}, status=status)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _json_error(request, str(exc) or "没有找到所请求的数据", 404)


@api.exception_handler(comparisons.CompareError)
def cannot_compare(request: HttpRequest, exc: comparisons.CompareError) -> HttpResponse:
    return _json_error(request, exc.message, exc.status)


LOCATIONS = {"query": "查询参数", "path": "路径参数", "body": "请求体"}


def _message(error: dict[str, Any], found: str | None) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    shown = f"，收到“{found[:50]}”" if found is not None else ""
    if kind == "missing":
        return "必须提供"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"应为整数{shown}"
    if kind == "greater_than_equal":
        return f"应不小于 {ctx.get('ge')}{shown}"
    if kind == "less_than_equal":
        return f"应不大于 {ctx.get('le')}{shown}"
    if kind == "string_too_long":
        return f"最长 {ctx.get('max_length')} 个字符"
    return f"取值无效{shown}"


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", ())]
        where = loc[0] if loc else ""
        name = ".".join(loc[1:]) or where
        found = request.GET.get(name) if where == "query" else None
        message = f"{LOCATIONS.get(where, '参数')} {name} {_message(error, found)}"
        errors.append({"location": ".".join(loc), "message": message})
    detail = "请求参数有误：" + "；".join(e["message"] for e in errors)
    return _json_error(request, detail, 422, errors=errors)


# --- disclosures ------------------------------------------------------------------------


def _summary(request: HttpRequest, record: FilingRecord) -> dict[str, Any]:
    address = published.Address.of(record)
    unit = record.unit
    department = unit.department
    version = published.version_of(record)
    return {
        "key": address.key,
        "region": {"code": department.region.code, "name": department.region.name},
        "year": record.year,
        "department": {"code": department.code, "name": department.name},
        "unit": {"code": unit.code, "name": unit.name},
        "consolidated": unit.consolidated,
        "published_at": record.published_at,
        "version": version.number,
        "url": request.build_absolute_uri(reverse("portal-disclosure", kwargs=address.kwargs)),
        "api_url": request.build_absolute_uri(reverse("api:disclosure", kwargs=address.kwargs)),
    }


@api.get("/disclosures", response={200: DisclosureList, 422: ValidationErrorOut},
         summary="已公开的部门决算列表", tags=["公开件"])
def disclosures(request: HttpRequest, region: str = "",
                year: Annotated[int | None, Query(ge=1000, le=9999, description="决算年度")] = None,
                department: Annotated[str, Query(max_length=200, description="部门编码或名称")] = "",
                q: Annotated[str, Query(max_length=100, description="名称关键字（单位、部门、地区），空格分隔多个")] = "",
                page: Annotated[int, Query(ge=1, le=100000, description="页码，从 1 开始")] = 1,
                page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="每页条数，最多 100")] = 20) -> Any:
    """按地区（区划代码，含下级地区）、年度、部门（编码或名称）和名称关键字筛选，分页返回。"""
    qs = published.search(q=q, region=region.strip(), year=year, department=department.strip())
    count = qs.count()
    start = (page - 1) * page_size
    items = [_summary(request, r) for r in qs[start:start + page_size]]
    return {"count": count, "page": page, "page_size": page_size,
            "pages": (count + page_size - 1) // page_size, "items": items}


DISCLOSURE = "/disclosures/{region}/{year}/{department}/{unit}"


@api.get(DISCLOSURE, response={200: DisclosureDetail, 404: Error}, url_name="disclosure",
         summary="一个公开件：基本信息、主要数据和下载", tags=["公开件"])
def disclosure(request: HttpRequest, region: str, year: int, department: str, unit: str) -> Any:
    record = published.find(region, year, department, unit)
    version = published.version_of(record)
    address = published.Address.of(record)
    figures = published.figures(version)

    def link(filename: str) -> str:
        return request.build_absolute_uri(reverse("portal-file", kwargs={**address.kwargs, "filename": filename}))

    return {
        **_summary(request, record),
        "title": f"{published.filing(version).department.name}{record.year}年度部门决算",
        "digest": version.digest,
        "figures": [{"key": m.key, "label": m.label, "group": m.group, "value": amount_text(figures.get(m.key))}
                    for m in MEASURES],
        "downloads": {"html": link("document.html"), "pdf": link("document.pdf"), "docx": link("document.docx"),
                      "xlsx": link("document.xlsx"), "json_document": link("document.json"),
                      "tables_csv": link("tables.csv"), "tables_json": link("tables.json"),
                      "filing_yaml": link("filing.yaml")},
    }


def _json_bytes(request: HttpRequest, data: bytes, etag: str) -> HttpResponse:
    quoted = f'"{etag}"'
    response = (HttpResponse(status=304) if not_modified(request, quoted)
                else HttpResponse(data, content_type="application/json; charset=utf-8"))
    response["ETag"] = quoted
    response["Cache-Control"] = PUBLIC_CACHE
    return response


@api.get(DISCLOSURE + "/tables", response={200: TablesOut, 404: Error},
         summary="九张公开表（与 juesuan tables --format json 相同）", tags=["公开件"])
def tables(request: HttpRequest, region: str, year: int, department: str, unit: str) -> Any:
    version = published.version_of(published.find(region, year, department, unit))
    return _json_bytes(request, published.tables_json(version), f"{version.digest[:40]}-tables")


@api.get(DISCLOSURE + "/document", response={200: DocumentOut, 404: Error},
         summary="整份公开文档（与 juesuan report 的 JSON 相同）", tags=["公开件"])
def document(request: HttpRequest, region: str, year: int, department: str, unit: str) -> Any:
    version = published.version_of(published.find(region, year, department, unit))
    if not services.ready(version, "json"):
        # Rendered by a background job, not in the request: ask again shortly.
        response = _json_error(request, "文档正在生成，请稍后重试。", 503)
        response["Retry-After"] = "5"
        return response
    return _json_bytes(request, services.rendered(version, "json"), f"{version.digest[:40]}-document")


@api.get("/datapackages/{region}/{year}", response={200: DataPackageOut, 404: Error}, url_name="datapackage",
         summary="一个地区一个年度的开放数据包（Frictionless Data Package）", tags=["公开件"])
def datapackage(request: HttpRequest, region: str, year: int) -> Any:
    """该地区（含下级地区）该年度全部公开件的九张公开表：datapackage.json 和每张表一个 CSV。"""
    place = Region.objects.filter(code=region.strip()[:12]).first()
    count = published.search(region=place.code, year=year).count() if place is not None else 0
    if place is None or not count:
        raise Http404(f"没有 {region[:20]} {year} 年度公开的部门决算")
    kwargs = {"region": place.code, "year": year}

    def url(view: str, **extra: Any) -> str:
        return request.build_absolute_uri(reverse(view, kwargs={**kwargs, **extra}))

    return {"name": package_name(place.code, year), "region": {"code": place.code, "name": place.name},
            "year": year, "count": count, "datapackage": url("portal-datapackage"),
            "zip": url("portal-datapackage-zip"),
            "resources": [{"name": n, "path": f"{DATA_DIR}/{n}.csv", "url": url("portal-datapackage-resource", name=n)}
                          for n in resource_names()]}


# --- comparisons ------------------------------------------------------------------------


def _comparison(request: HttpRequest, c: Any) -> dict[str, Any]:
    data = comparison_data(c)
    for subject in data["subjects"]:
        subject["url"] = request.build_absolute_uri(subject["url"])
    return data


@api.get("/compare", response={200: ComparisonOut, 400: Error, 404: Error, 422: ValidationErrorOut},
         summary="同一年度部门比较", tags=["比较"])
def compare(request: HttpRequest,
            d: Annotated[list[str], Query(description="公开件标识，2～10 个，如 d=310107/2024/czj/czj；第一个为比较基准")]) -> Any:
    """主要数据并列，较基准的增减额和增减率。只比较每个公开件都有的数据；缺少的为 null（无数据）。"""
    return _comparison(request, comparisons.departments(d))


@api.get("/compare/years/{region}/{department}/{unit}", response={200: ComparisonOut, 404: Error},
         summary="同一单位历年比较", tags=["比较"])
def compare_years(request: HttpRequest, region: str, department: str, unit: str) -> Any:
    """该单位每个已公开年度的主要数据，较上一公开年度的增减额和增减率。"""
    return _comparison(request, comparisons.years(region, department, unit))
