"""审查公开报告 in the web app: uploads (files or a ZIP) and a region's published reports, audited
by the ``audit_reports`` background job (run at once in tests) as ``juesuan audit`` does."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.web.conftest import PUBLISHED

from juesuan.audit.batch import audit_many
from juesuan.performance.scheme import bundled_schemes
from juesuan.web.jobs.models import Job

pytestmark = pytest.mark.django_db

REPORTS = Path(__file__).resolve().parents[1] / "fixtures" / "reports"
DEFECTS = REPORTS / "04_shanghai-putuo-czj-2024-seeded-defects.txt"
CLEAN = REPORTS / "01_shanghai-putuo-czj-2024.txt"


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


def expected(path: Path) -> dict[str, int]:
    """What `juesuan audit` finds in the report (the same function, the same schemes)."""
    [outcome] = audit_many([path], workers=1, schemes=bundled_schemes())
    assert outcome.error is None
    return outcome.summary


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def rows(page: str) -> list[list[str]]:
    """The results table: each report's cells as text."""
    body = page.split('<table class="list audit-result">', 1)[1].split("</table>", 1)[0]
    found = re.findall(r'<tr id="r-\d+">(.*?)</tr>', body, re.S)
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)]
            for r in found]


def post(client: Any, *files: tuple[str, bytes]) -> Any:
    return client.post("/desk/audit/", {"files": [SimpleUploadedFile(n, d) for n, d in files]})


def test_an_uploaded_report_is_audited_by_a_job_with_the_commands_counts(client: Any, world: Any,
                                                                          data_dir: Path) -> None:
    counts = expected(DEFECTS)
    assert counts["error"] > 0  # the planted defects
    client.force_login(world.users["dept_a"])
    assert "开始审查" in client.get("/desk/audit/").content.decode()
    response = post(client, (DEFECTS.name, DEFECTS.read_bytes()))
    job = Job.objects.get(kind="audit_reports", owner=world.users["dept_a"])
    assert job.state == Job.DONE and job.progress == 100
    assert response.status_code == 302 and response["Location"] == f"/desk/audit/{job.pk}/"
    [entry] = job.result["reports"]
    assert entry["counts"] == counts and entry["department"] == "上海市普陀区财政局" and entry["year"] == 2024
    page = client.get(response["Location"]).content.decode()
    [row] = rows(page)
    assert row[:6] == [DEFECTS.name, "上海市普陀区财政局", "2024", str(counts["error"]), str(counts["warning"]),
                       str(counts["info"])]
    assert "未通过" in row[6] and "上传的公开报告：审查 1 份，" in page
    assert job.result["message"] == "已审查 1 份公开报告：1 份有错误。"
    # Its HTML audit: kept on disk, served sandboxed; the upload itself is gone.
    assert (data_dir / "audits" / str(job.pk) / "1.html").is_file()
    assert not any((data_dir / "uploads").iterdir())
    html = client.get(f"/desk/audit/{job.pk}/1.html")
    assert html.status_code == 200 and html["Content-Type"].startswith("text/html")
    assert "sandbox" in html["Content-Security-Policy"] and "default-src 'none'" in html["Content-Security-Policy"]
    text = html.content.decode()
    assert DEFECTS.name in text and "上海市普陀区财政局" in text and str(data_dir) not in text
    assert client.get(f"/desk/audit/{job.pk}/2.html").status_code == 404


def test_a_zip_of_two_reports(client: Any, world: Any) -> None:
    client.force_login(world.users["finance_a"])
    archive = zipped({"2024/普陀财政局.txt": CLEAN.read_bytes(), "2024/问题版本.txt": DEFECTS.read_bytes(),
                      "2024/说明.jpg": b"not a report", "2024/": b""})
    response = post(client, ("公开报告.zip", archive))
    job = Job.objects.get(kind="audit_reports")
    assert response["Location"] == f"/desk/audit/{job.pk}/"
    found = rows(client.get(response["Location"]).content.decode())
    assert [r[0] for r in found] == ["公开报告.zip › 普陀财政局.txt", "公开报告.zip › 问题版本.txt"]
    assert [int(r[3]) for r in found] == [expected(CLEAN)["error"], expected(DEFECTS)["error"]]
    assert client.get(f"/desk/audit/{job.pk}/2.html").status_code == 200


@pytest.mark.parametrize(("members", "message"), [
    ({"../x.txt": b"x"}, "公开报告.zip：压缩包中的“x.txt”的路径含“..”或是绝对路径，出于安全考虑未解压、未审查"),
    ({"a/../../x.txt": b"x"}, "路径含“..”或是绝对路径"),
    ({"/etc/x.txt": b"x"}, "路径含“..”或是绝对路径"),
    ({"说明.jpg": b"x"}, "压缩包中没有公开报告"),
])
def test_a_zip_that_could_escape_or_holds_no_report_is_refused(client: Any, world: Any, data_dir: Path,
                                                                members: dict[str, bytes], message: str) -> None:
    client.force_login(world.users["dept_a"])
    response = post(client, ("公开报告.zip", zipped(members)))
    assert response.status_code == 400 and message in response.content.decode()
    assert not Job.objects.exists() and not (data_dir / "uploads").exists()
    assert not (data_dir / "x.txt").exists() and not (data_dir.parent / "x.txt").exists()


def test_other_bad_uploads_are_refused_in_chinese(client: Any, world: Any, settings: Any) -> None:
    client.force_login(world.users["dept_a"])
    page = client.post("/desk/audit/", {}).content.decode()
    assert "请选择要审查的公开报告" in page
    response = post(client, ("a.exe", b"MZ"))
    assert response.status_code == 400 and "a.exe：不是可审查的公开报告" in response.content.decode()
    response = post(client, ("a.zip", b"PK not really"))
    assert response.status_code == 400 and "a.zip：不是有效的 ZIP 压缩包，未审查" in response.content.decode()
    settings.UPLOAD_LIMIT = 1000
    response = post(client, ("big.txt", b"x" * 1001))
    assert response.status_code == 400 and "big.txt：文件超过上限" in response.content.decode()
    assert not Job.objects.exists()


def test_an_unreadable_report_is_listed_with_why(client: Any, world: Any, data_dir: Path) -> None:
    client.force_login(world.users["dept_a"])
    response = post(client, ("坏.pdf", b"%PDF-1.4\n garbage"), ("空.txt", b""), (CLEAN.name, CLEAN.read_bytes()))
    page = client.get(response["Location"]).content.decode()
    found = rows(page)
    assert [r[0] for r in found] == ["坏.pdf", "空.txt", CLEAN.name]
    assert found[0][6].startswith("无法读取：坏.pdf：PDF 文件已损坏或格式不受支持")
    assert found[1][6] == "无法读取：空.txt：文件是空的" and found[2][3] == str(expected(CLEAN)["error"])
    job = Job.objects.get(kind="audit_reports")
    html = client.get(f"/desk/audit/{job.pk}/1.html").content.decode()
    assert "坏.pdf：PDF 文件已损坏" in html
    assert str(data_dir) not in page + html and ".audit." not in page + html  # no server path shown


def test_a_bug_met_on_a_report_is_logged_not_shown(client: Any, world: Any, monkeypatch: Any,
                                                    caplog: Any) -> None:
    from juesuan.audit.batch import internal_outcome
    from juesuan.web.filings import audits

    monkeypatch.setattr(audits, "audit_many", lambda paths, **kw: [internal_outcome(str(p), KeyError("x")) for p in paths])
    client.force_login(world.users["dept_a"])
    response = post(client, (CLEAN.name, CLEAN.read_bytes()))
    page = client.get(response["Location"]).content.decode()
    assert rows(page)[0][6] == "无法读取：" + audits.INTERNAL
    assert "--debug" not in page and "Traceback" not in page
    assert "KeyError" in caplog.text  # for the service log


def test_only_reviewers_may_audit_and_only_the_owner_sees_the_results(client: Any, world: Any) -> None:
    client.force_login(world.users["unit_a"])
    assert client.get("/desk/audit/").status_code == 403
    assert post(client, (CLEAN.name, CLEAN.read_bytes())).status_code == 403
    client.force_login(world.users["nobody"])
    assert client.get("/desk/audit/").status_code == 403
    client.force_login(world.users["dept_a"])
    post(client, (CLEAN.name, CLEAN.read_bytes()))
    job = Job.objects.get(kind="audit_reports")
    for other in ("dept_b", "finance_a", "unit_a"):
        client.force_login(world.users[other])
        assert client.get(f"/desk/audit/{job.pk}/").status_code == 404
        assert client.get(f"/desk/audit/{job.pk}/1.html").status_code == 404
    client.logout()
    assert client.get(f"/desk/audit/{job.pk}/")["Location"].startswith("/accounts/login/")
    assert client.get("/desk/audit/")["Location"].startswith("/accounts/login/")


def test_the_region_button_reads_back_what_was_published(client: Any, world: Any, make_record: Any) -> None:
    record = make_record("a", steps=PUBLISHED)
    make_record("a", year=2023)  # a draft of another year: not audited
    client.force_login(world.users["finance_a"])
    assert "审查本区划已公开的报告" in client.get("/desk/region/310107/2024/").content.decode()
    response = client.post("/desk/region/310107/2024/audit/")
    job = Job.objects.get(kind="audit_reports")
    assert job.state == Job.DONE and response["Location"] == f"/desk/audit/{job.pk}/"
    assert job.params["versions"] == [record.published_id]
    [entry] = job.result["reports"]
    assert entry["name"] == "单位A2024年度部门决算（第1版）.pdf" and entry["problem"] is None
    assert entry["department"] == "上海市普陀区财政局" and entry["year"] == 2024
    assert entry["counts"]["error"] == 0
    [row] = rows(client.get(response["Location"]).content.decode())
    assert row[3] == "0" and "通过" in row[6]
    # A year with nothing published: said so, no job.
    response = client.post("/desk/region/310107/2023/audit/", follow=True)
    assert "上海市普陀区 2023 年度还没有已公开的报告" in response.content.decode()
    assert Job.objects.filter(kind="audit_reports").count() == 1


def test_the_region_button_is_for_the_whole_region(client: Any, world: Any) -> None:
    client.force_login(world.users["dept_a"])
    page = client.get("/desk/region/310107/2024/").content.decode()
    assert "审查本区划已公开的报告" not in page and 'href="/desk/audit/"' in page
    assert client.post("/desk/region/310107/2024/audit/").status_code == 403
    client.force_login(world.users["finance_b"])
    assert client.post("/desk/region/310107/2024/audit/").status_code == 404
    assert client.get("/desk/region/310107/2024/audit/").status_code == 405
    assert not Job.objects.exists()
