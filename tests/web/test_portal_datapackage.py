"""The portal's open data: a region-year's published disclosures as a Frictionless Data
Package (descriptor, CSV files, zip), linked from the region-year page and the API."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import frictionless
import pytest

from juesuan.render.datapackage import DESCRIPTOR, resource_names

pytestmark = pytest.mark.django_db

PACKAGE = "/310107/2024/datapackage.json"


@pytest.fixture
def examples(db: Any) -> list[Any]:
    from juesuan.web import seed

    return seed.load_examples()


def test_descriptor_with_etag_and_revalidation(client: Any, examples: Any) -> None:
    response = client.get(PACKAGE)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    descriptor = json.loads(response.content)
    assert descriptor["name"] == "juesuan-310107-2024"
    assert [r["path"] for r in descriptor["resources"]] == [f"data/{n}.csv" for n in resource_names()]
    etag = response["ETag"]
    assert etag.startswith('"dp-310107-2024-')
    again = client.get(PACKAGE, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag and not again.content


def test_downloaded_package_validates_and_holds_the_example(client: Any, examples: Any,
                                                             tmp_path: Path) -> None:
    descriptor = client.get(PACKAGE).content
    (tmp_path / DESCRIPTOR).write_bytes(descriptor)
    for resource in json.loads(descriptor)["resources"]:
        response = client.get(f"/310107/2024/{resource['path']}")
        assert response.status_code == 200, resource["path"]
        assert response["Content-Type"].startswith("text/csv") and response["ETag"]
        path = tmp_path / resource["path"]
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(response.content)
    report = frictionless.validate(str(tmp_path / DESCRIPTOR))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    lines = list(csv.DictReader(io.StringIO((tmp_path / "data/table3-expenditure.csv").read_text("utf-8"))))
    line = next(r for r in lines if r["code"] == "2010601")
    assert (line["department"], line["unit"], line["basic"], line["project"]) == ("czj", "czj", "1503.52", "8.37")
    (disclosure,) = csv.DictReader(io.StringIO((tmp_path / "data/disclosures.csv").read_text("utf-8")))
    assert disclosure["unit_name"] and disclosure["grand_total"] == "2995.40"


def test_a_csv_revalidates_and_an_unknown_one_is_404(client: Any, examples: Any) -> None:
    url = "/310107/2024/data/table2-income.csv"
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"region,year,department,unit,")
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    missing = client.get("/310107/2024/data/nothing.csv")
    assert missing.status_code == 404 and "数据包中没有“nothing”" in missing.content.decode()


def test_the_zip(client: Any, examples: Any) -> None:
    response = client.get("/310107/2024/datapackage.zip")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert DESCRIPTOR in archive.namelist()
        assert archive.read(DESCRIPTOR) == client.get(PACKAGE).content
    assert client.get("/310107/2024/datapackage.zip", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_unpublished_region_year_is_404(client: Any, examples: Any) -> None:
    assert client.get("/310107/2023/datapackage.json").status_code == 404
    assert client.get("/310107/2023/data/disclosures.csv").status_code == 404
    assert client.get("/999999/2024/datapackage.zip").status_code == 404


def test_a_draft_is_not_in_any_package(client: Any, make_record: Any, shanghai_filing: Any) -> None:
    from tests.web.conftest import PUBLISHED

    make_record("a")  # a draft in 310107/2024
    make_record("a", year=2023, steps=PUBLISHED, filing=shanghai_filing.model_copy(update={"year": 2023}))
    response = client.get(PACKAGE)
    assert response.status_code == 404 and "尚无公开的 2024 年度部门决算" in response.content.decode()
    response = client.get("/310107/2023/data/disclosures.csv")
    assert response.status_code == 200
    (line,) = csv.DictReader(io.StringIO(response.content.decode("utf-8")))
    assert (line["year"], line["department"], line["unit"], line["unit_name"]) == ("2023", "da", "ua", "单位A")


def test_linked_from_the_region_year_page_and_the_api(client: Any, examples: Any) -> None:
    html = client.get("/310107/2024/").content.decode()
    assert f'href="{PACKAGE}">开放数据（Frictionless 数据包）</a>' in html
    data = client.get("/api/datapackages/310107/2024").json()
    assert data["name"] == "juesuan-310107-2024" and data["count"] == 1
    assert data["datapackage"] == f"http://testserver{PACKAGE}"
    assert data["resources"][0] == {"name": "disclosures", "path": "data/disclosures.csv",
                                    "url": "http://testserver/310107/2024/data/disclosures.csv"}
    missing = client.get("/api/datapackages/310107/2023")
    assert missing.status_code == 404 and "2023" in missing.json()["detail"]
