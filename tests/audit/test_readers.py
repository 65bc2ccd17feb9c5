"""Report readers: every format becomes lines and grids; nothing unreadable crashes.

The PDFs are real published reports (tests/fixtures/pdfs/README.md); the other files
are made here. The fuzz tests feed random, truncated and damaged files of each kind:
the answer is a SourceDocument or a ReportReadError, never another exception.
"""

from __future__ import annotations

import collections
import io
import re
import shutil
import subprocess
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
import minimal_pdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from juesuan.audit.readers import ReportReadError, read_report
from juesuan.audit.source import Grid, Line, SourceDocument

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PDF_01 = FIXTURES / "pdfs" / "01_shanghai-putuo-czj-2024.pdf"
PDF_04 = FIXTURES / "pdfs" / "04_shanghai-putuo-czj-2024-seeded-defects.pdf"
TEXT_01 = FIXTURES / "reports" / "01_shanghai-putuo-czj-2024.txt"

CJK = re.compile(r"[\u4e00-\u9fff]")
RADICALS = re.compile(r"[\u2e80-\u2fdf]")
NUMBER = re.compile(r"\d[\d,]*\.\d+|\d{3,}")


def strings(document: SourceDocument) -> Iterator[str]:
    for block in document.blocks:
        if isinstance(block, Line):
            yield block.text
        else:
            for row in block.rows:
                yield from row


def grid_after(document: SourceDocument, title: str) -> Grid:
    """The first grid after the line that reads `title`."""
    seen = False
    for block in document.blocks:
        if isinstance(block, Line) and block.text == title:
            seen = True
        elif seen and isinstance(block, Grid):
            return block
    raise AssertionError(f"no grid after {title!r}")


def row_starting(grid: Grid, first: str) -> tuple[str, ...]:
    return next(row for row in grid.rows if row[0] == first)


# --------------------------------------------------------------------------------------
# Real PDFs


@pytest.fixture(scope="module")
def report_01() -> SourceDocument:
    return read_report(PDF_01)


@pytest.fixture(scope="module")
def report_04() -> SourceDocument:
    return read_report(PDF_04)


def test_pdf_01_reads_without_problems(report_01: SourceDocument) -> None:
    assert report_01.format == "pdf"
    assert report_01.pages == 25
    assert report_01.problems == ()
    assert len(report_01.grids()) >= 9
    assert all(block.page is not None for block in report_01.blocks)
    numbers = [block.line for block in report_01.blocks]
    assert numbers == sorted(numbers)
    text = list(strings(report_01))
    assert not any(RADICALS.search(s) for s in text)  # normalised
    assert not any("\n" in s for s in text)  # wrapped cells joined


def test_pdf_01_summary_table_is_one_grid_with_income_and_expenditure(
    report_01: SourceDocument,
) -> None:
    # 收入支出决算总表 runs over pages 6 and 7: one grid of 4 columns.
    title = next(b for b in report_01.lines() if b.text == "收入支出决算总表")
    assert title.page == 6
    table = grid_after(report_01, "收入支出决算总表")
    assert table.page == 6
    assert len(table.rows) >= 30
    assert table.rows[0] == ("收入", "", "支出", "")
    assert table.rows[1] == ("项目", "决算数", "项目", "决算数")
    assert table.rows[2] == (
        "一、一般公共预算财政拨款收入",
        "2,940.05",
        "一、一般公共服务支出",
        "2,106.66",
    )
    assert row_starting(table, "八、其他收入") == (
        "八、其他收入",
        "6.20",
        "八、社会保障和就业支出",
        "326.71",
    )
    assert row_starting(table, "本年收入合计") == (
        "本年收入合计",
        "2,946.25",
        "本年支出合计",
        "2,940.05",
    )
    assert table.rows[-1] == ("总计", "2,995.39", "总计", "2,995.39")  # from page 7


def test_pdf_01_other_tables(report_01: SourceDocument) -> None:
    income = grid_after(report_01, "收入决算表")
    # LibreOffice-style wrapped headers ('本年收入合\n计', '附属单\n位上\n缴收入') joined.
    assert income.rows[0][4:] == (
        "本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入",
        "附属单位上缴收入", "其他收入",
    )  # fmt: skip
    assert ("类", "款", "项", "合计", "2,946.25", "2,940.05", "", "", "", "", "6.20") in income.rows
    basic = grid_after(report_01, "一般公共预算财政拨款基本支出决算表")
    assert row_starting(basic, "人员经费合计")[-1] == "184.65"
    three = grid_after(report_01, "财政拨款“三公”经费支出决算表")
    assert three.rows[-1][0] == "0.95"


def test_pdf_01_text_lines(report_01: SourceDocument) -> None:
    lines = [line.text for line in report_01.lines()]
    # The raised "2024" (another font, another baseline) stays in its line.
    assert any("纳入上海市普陀区财政局2024年度部门决算编制范" in text for text in lines)
    assert "一般公共预算财政拨款支出2940.05万元，占本年支出合计的100.00%。与2023年" in lines
    assert "单位：万元" in lines


def test_pdf_01_has_every_number_of_the_text_extract(report_01: SourceDocument) -> None:
    body = TEXT_01.read_text(encoding="utf-8").split("\n\n", 1)[1]
    expected = collections.Counter(NUMBER.findall(body))
    found = collections.Counter(n for s in strings(report_01) for n in NUMBER.findall(s))
    assert expected - found == collections.Counter()


def test_pdf_04_seeded_copy(report_04: SourceDocument) -> None:
    assert report_04.problems == ()
    table = grid_after(report_04, "收入支出决算总表")
    assert len(table.rows) >= 30
    assert row_starting(table, "本年收入合计") == (
        "本年收入合计",
        "2,946.25",
        "本年支出合计",
        "2,940.05",
    )
    # One of the seeded defects: the 支出决算表 is left out.
    assert not any("上缴上级支出" in row for grid in report_04.grids() for row in grid.rows)


def test_image_only_pdf_page_is_reported_not_guessed(tmp_path: Path) -> None:
    page = Image.new("RGB", (300, 200), "white")
    ImageDraw.Draw(page).rectangle((20, 20, 200, 120), outline="black")
    other = Image.new("RGB", (300, 200), "gray")
    path = tmp_path / "scan.pdf"
    page.save(path, save_all=True, append_images=[other])
    document = read_report(path)
    assert document.pages == 2
    assert document.blocks == ()
    assert document.problems == (
        "第1页是图片，无法读取文字，需要 OCR",
        "第2页是图片，无法读取文字，需要 OCR",
    )


def _laid_out_page(number: int) -> bytes:
    """A page as a word processor or WeasyPrint lays it out: a running head in the top
    margin, a white box behind the text area, a line of text above a ruled table whose
    sides are the box's, a paragraph, a page number at the foot."""
    ops = [
        b"1 1 1 rg 50 60 495 722 re f 0 0 0 rg",  # the white box
        b"0.5 w 50 560 m 545 560 l S 50 530 m 545 530 l S 50 500 m 545 500 l S",
        b"50 500 m 50 560 l S 300 500 m 300 560 l S 545 500 m 545 560 l S",
        b"BT /F1 9 Tf 1 0 0 1 230 815 Tm (Annual Report 2024) Tj ET",
        b"BT /F1 12 Tf 1 0 0 1 60 700 Tm (Heading of the table) Tj ET",
        b"BT /F1 10 Tf 1 0 0 1 60 540 Tm (Item) Tj 1 0 0 1 310 540 Tm (Amount) Tj ET",
        b"BT /F1 10 Tf 1 0 0 1 60 510 Tm (Total) Tj 1 0 0 1 310 510 Tm (%d.00) Tj ET" % number,
        b"BT /F1 10 Tf 1 0 0 1 60 300 Tm (Paragraph going on from page %d) Tj ET" % number,
        b"BT /F1 9 Tf 1 0 0 1 290 20 Tm (- %d -) Tj ET" % number,
    ]
    return b"\n".join(ops)


def test_pdf_white_box_and_running_head(tmp_path: Path) -> None:
    # The white box's edges line up with the table's: read as rulings, they made the text
    # above the table its first row. The running head would stand inside the paragraphs.
    path = tmp_path / "laid-out.pdf"
    path.write_bytes(minimal_pdf.pdf([_laid_out_page(n) for n in range(1, 5)]))
    document = read_report(path)
    assert document.problems == ()
    lines = [block.text for block in document.lines()]
    assert "Annual Report 2024" not in lines
    assert lines[:2] == ["Heading of the table", "Paragraph going on from page 1"]
    assert [grid.rows for grid in document.grids()] == [
        (("Item", "Amount"), ("Total", f"{n}.00")) for n in range(1, 5)]


def test_max_pages() -> None:
    document = read_report(PDF_04, max_pages=2)
    assert document.pages == 26
    assert {block.page for block in document.blocks} <= {1, 2}
    assert document.problems == ("只读取了前 2 页（共 26 页）",)


# --------------------------------------------------------------------------------------
# HTML

TABLE_HTML = """<html><head><meta charset="{charset}"><title>标题不读</title>
<style>td {{ color: red }}</style><script>var x = "脚本不读";</script></head>
<body>
<h1>上海市某某局{name}</h1>
<p>第一行<br>第二行 <b>加粗</b>
  文字</p>
<div>单位：万元</div>
<table border="1">
  <caption>收入支出决算总表</caption>
  <tr><th rowspan="2">项目</th><th colspan="2">决算数</th><th rowspan="3">备注</th></tr>
  <tr><th>基本<br>支出</th><th>项目支出</th></tr>
  <tr><td>合计</td><td>1,234.56</td><td>7.00</td></tr>
  <tr><td colspan="x">坏的跨度</td><td rowspan="99">到底</td></tr>
</table>
<p>注：本表&nbsp;说明。</p><!-- 注释不读 -->
</body></html>"""


def test_html_gb2312_page_with_gbk_only_character(tmp_path: Path) -> None:
    # 镕 is not in GB2312: decoding as gb2312 (as the page says) would fail.
    page = TABLE_HTML.format(charset="gb2312", name="朱镕基")
    path = tmp_path / "page.html"
    path.write_bytes(page.encode("gb18030"))
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("gb2312")
    document = read_report(path)
    assert document.format == "html"
    assert document.lines()[0].text == "上海市某某局朱镕基"


def test_html_blocks_in_order_with_spans_expanded(tmp_path: Path) -> None:
    path = tmp_path / "page.htm"
    path.write_text(TABLE_HTML.format(charset="utf-8", name=""), encoding="utf-8")
    document = read_report(path)
    assert [b.text if isinstance(b, Line) else "<grid>" for b in document.blocks] == [
        "上海市某某局",
        "第一行",
        "第二行 加粗 文字",
        "单位：万元",
        "收入支出决算总表",
        "<grid>",
        "注：本表 说明。",
    ]
    grid = document.grids()[0]
    assert grid.rows == (
        ("项目", "决算数", "", "备注"),
        ("", "基本支出", "项目支出", ""),
        ("合计", "1,234.56", "7.00", ""),
        ("坏的跨度", "到底", "", ""),
    )
    assert grid.line == 6
    assert document.blocks[-1].line == 10
    assert "脚本不读" not in " ".join(strings(document))


def test_html_layout_table_is_read_as_text(tmp_path: Path) -> None:
    page = """<html><body><table><tr><td><p>标题</p>
      <table><tr><td>项目</td><td>金额</td></tr><tr><td>合计</td><td>5.00</td></tr></table>
      </td><td>右栏</td></tr></table></body></html>"""
    path = tmp_path / "layout.html"
    path.write_text(page, encoding="utf-8")
    document = read_report(path)
    assert document.grids()[0].rows == (("项目", "金额"), ("合计", "5.00"))
    assert [line.text for line in document.lines()] == ["标题", "右栏"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("<html><body><p>镕基</p></body></html>".encode("gbk"), "镕基"),  # no charset: GB18030
        (b"\xef\xbb\xbf<html><body><p>\xe9\x95\x95</p></body></html>", "镕"),  # UTF-8 BOM
        (
            '<?xml version="1.0" encoding="GB2312"?>\n<html><body><p>镕</p></body></html>'.encode(
                "gb18030"
            ),
            "镕",
        ),
        ("<html><body><p>⻔⼀</p></body></html>".encode(), "门一"),  # radicals normalised
    ],
)
def test_html_charsets(tmp_path: Path, data: bytes, expected: str) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(data)
    assert read_report(path).lines()[0].text == expected


def test_excel_file_that_is_really_a_web_page(tmp_path: Path) -> None:
    path = tmp_path / "export.xls"
    page = "<html><body><table><tr><td>项目</td><td>金额</td></tr></table></body></html>"
    path.write_bytes(page.encode("gb18030"))
    document = read_report(path)
    assert document.format == "html"
    assert document.grids()[0].rows == (("项目", "金额"),)


# --------------------------------------------------------------------------------------
# DOCX, XLSX and the legacy formats


def make_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("收入支出决算总表")
    table = document.add_table(rows=3, cols=4)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "收入"
    table.cell(0, 2).merge(table.cell(0, 3)).text = "支出"
    for column, text in enumerate(["项目", "决算数", "项目", "决算数"]):
        table.cell(1, column).text = text
    table.cell(1, 3).merge(table.cell(2, 3))  # a vertical merge
    for column, text in enumerate(["合计", "1,234.56", "本年支出\n合计"]):
        table.cell(2, column).text = text
    document.add_paragraph("注：本表说明。\n第二行")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


DOCX_BLOCKS = (
    Line("收入支出决算总表", 1),
    Grid(
        (
            ("收入", "", "支出", ""),
            ("项目", "决算数", "项目", "决算数"),
            ("合计", "1,234.56", "本年支出合计", ""),
        ),
        2,
    ),
    Line("注：本表说明。", 5),
    Line("第二行", 6),
)


def test_docx_blocks_in_order_with_merged_cells_once(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    path.write_bytes(make_docx())
    document = read_report(path)
    assert document.format == "docx"
    assert document.blocks == DOCX_BLOCKS


def test_xlsx(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "表1"
    sheet["B2"] = "收入支出决算总表"
    sheet.merge_cells("B2:C2")
    sheet.append([None, "项目", "决算数"])
    sheet.append([None, "合计", 2946.25])
    sheet.append([None, "其他", 0.1 + 0.2])  # a float sum as Excel stores it
    sheet["C5"].number_format = "#,##0.00"
    sheet.append([None, "整数", 100])
    path = tmp_path / "report.xlsx"
    workbook.save(path)
    document = read_report(path)
    assert document.format == "xlsx"
    assert document.blocks == (
        Line("表1", 1),
        Grid(
            (
                ("收入支出决算总表", ""),
                ("项目", "决算数"),
                ("合计", "2946.25"),
                ("其他", "0.30"),
                ("整数", "100"),
            ),
            2,
        ),
    )


def soffice_convert(source: Path, target: str, work: Path) -> Path:
    soffice = shutil.which("soffice")
    assert soffice is not None
    profile = (work / "profile").as_uri()
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", target,
         "--outdir", str(work), str(source)],
        check=False, capture_output=True, timeout=120,
    )  # fmt: skip
    return work / f"{source.stem}.{target}"


needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice missing")


@needs_soffice
def test_doc_and_wps_through_libreoffice(tmp_path: Path) -> None:
    source = tmp_path / "report.docx"
    source.write_bytes(make_docx())
    doc = soffice_convert(source, "doc", tmp_path)
    document = read_report(doc)
    assert document.blocks == DOCX_BLOCKS
    wps = doc.with_suffix(".wps")
    wps.write_bytes(doc.read_bytes())
    assert read_report(wps).blocks == DOCX_BLOCKS


@needs_soffice
def test_xls_through_libreoffice(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    workbook.active.append(["项目", "决算数"])
    workbook.active.append(["合计", 2946.25])
    source = tmp_path / "report.xlsx"
    workbook.save(source)
    xls = soffice_convert(source, "xls", tmp_path)
    if not xls.exists():
        pytest.skip("LibreOffice Calc (libreoffice-calc-nogui) missing")
    document = read_report(xls)
    assert document.grids()[0].rows == (("项目", "决算数"), ("合计", "2946.25"))


def test_doc_without_libreoffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    with pytest.raises(ReportReadError, match=r"old\.doc：.*需要 LibreOffice"):
        read_report(path)


# --------------------------------------------------------------------------------------
# Plain text


@pytest.mark.parametrize(
    ("data", "name"),
    [
        ("收入 | 决算数\n朱镕基 | 2,946.25\n".encode("gb18030"), "gb18030.txt"),
        ("收入 | 决算数\n朱镕基 | 2,946.25\n".encode("gbk"), "gbk.csv"),
        (b"\xef\xbb\xbf" + "收入 | 决算数\n朱镕基 | 2,946.25\n".encode(), "bom.txt"),
        ("收入 | 决算数\r\n朱镕基 | 2,946.25\r\n".encode("utf-16"), "utf16.txt"),
        ("收入 | 决算数\n朱镕基 | 2,946.25".encode(), "no-suffix"),
    ],
)
def test_text_encodings(tmp_path: Path, data: bytes, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    document = read_report(path)
    assert document.format == "text"
    assert document.blocks == (Grid((("收入", "决算数"), ("朱镕基", "2,946.25")), 1),)


def test_text_with_a_few_bad_bytes_is_read_with_a_problem(tmp_path: Path) -> None:
    text = "上海市普陀区财政局2024年度部门决算，本年收入合计2946.25万元。\n" * 20
    cut = tmp_path / "cut.txt"  # GB18030 cut in the middle of a character
    cut.write_bytes(text.encode("gb18030")[:-2])
    document = read_report(cut)
    assert document.lines()[0].text == text.splitlines()[0]
    assert document.problems == (
        "有 1 处字节不是有效的 GB18030 编码，已用 � 代替（文件可能损坏或不完整）",
    )
    damaged = tmp_path / "damaged.txt"  # UTF-8 with one bad byte: not GB18030 mojibake
    data = bytearray(text.encode())
    data[40] = 0xFF
    damaged.write_bytes(bytes(data))
    document = read_report(damaged)
    assert document.lines()[1].text == text.splitlines()[0]
    assert re.fullmatch(r"有 \d 处字节不是有效的 UTF-8 编码，.*", document.problems[0])
    short = tmp_path / "short.html"  # two GBK characters are GBK, not UTF-8 with errors
    short.write_bytes("<p>决算 2024</p>".encode("gbk"))
    assert read_report(short).lines()[0].text == "决算 2024"


# --------------------------------------------------------------------------------------
# Unreadable files


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.pdf", b"", "文件是空的"),
        ("blank.txt", b"  \n\n", "文件是空的"),
        ("fake.pdf", b"hello", "不是 PDF 文件"),
        ("fake.docx", "你好".encode(), "不是 DOCX 文件"),
        ("broken.docx", b"PK\x03\x04" + bytes(100), "ZIP 压缩包已损坏"),
        ("other.zip", b"", "不是 Word"),
        ("noise.txt", bytes(range(256)) * 4, "无法识别文件的文字编码"),
        ("short.pdf", PDF_04.read_bytes()[:50_000], "文件不完整"),
        ("locked.pdf", (FIXTURES / "pdfs" / "encrypted.pdf").read_bytes(), "PDF 已加密"),
    ],
)
def test_unreadable_files(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    path = tmp_path / name
    if name == "other.zip":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("readme.txt", "x")
    else:
        path.write_bytes(data)
    with pytest.raises(ReportReadError, match=message) as caught:
        read_report(path)
    assert str(path) in str(caught.value)
    assert caught.value.path == path


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(ReportReadError, match="找不到文件"):
        read_report(tmp_path / "nowhere.pdf")
    with pytest.raises(ReportReadError, match="文件夹"):
        read_report(tmp_path)


# --------------------------------------------------------------------------------------
# Fuzz: a SourceDocument or a ReportReadError, never another exception, and quickly


def small_html() -> bytes:
    return TABLE_HTML.format(charset="gb2312", name="朱镕基").encode("gb18030")


def small_text() -> bytes:
    return TEXT_01.read_bytes()[:6000].decode("utf-8", "ignore").encode("gb18030")


SAMPLES = {
    ".pdf": PDF_04.read_bytes(),
    ".docx": make_docx(),
    ".html": small_html(),
    ".txt": small_text(),
}
SUFFIXES = [*SAMPLES, ".htm", ".xls", ".doc", ""]
PREFIXES = [b"", b"%PDF-1.7\n", b"PK\x03\x04", b"<html><table><tr><td>", b"\xef\xbb\xbf"]


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def read_or_refuse(path: Path) -> None:
    start = time.perf_counter()
    try:
        document = read_report(path, max_pages=3)
    except ReportReadError as error:
        assert str(path) in str(error)
        assert CJK.search(error.message)
    else:
        assert isinstance(document, SourceDocument)
        for block in document.blocks:
            if isinstance(block, Grid):
                assert len({len(row) for row in block.rows}) == 1  # rectangular
                assert all(isinstance(cell, str) for row in block.rows for cell in row)
            else:
                assert isinstance(block.text, str) and block.text
    assert time.perf_counter() - start < 60  # a hang guard; speed is benchmarked, not tested


FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(
    prefix=st.sampled_from(PREFIXES),
    body=st.binary(max_size=2000),
    suffix=st.sampled_from(SUFFIXES),
)
def test_fuzz_random_bytes(fuzz_dir: Path, prefix: bytes, body: bytes, suffix: str) -> None:
    path = fuzz_dir / f"random{suffix}"
    path.write_bytes(prefix + body)
    read_or_refuse(path)


@FUZZ
@given(suffix=st.sampled_from(list(SAMPLES)), cut=st.floats(0.0, 1.0))
def test_fuzz_truncated_files(fuzz_dir: Path, suffix: str, cut: float) -> None:
    data = SAMPLES[suffix]
    path = fuzz_dir / f"truncated{suffix}"
    path.write_bytes(data[: int(len(data) * cut)])
    read_or_refuse(path)


@FUZZ
@given(
    suffix=st.sampled_from(list(SAMPLES)),
    changes=st.lists(st.tuples(st.floats(0.0, 1.0), st.integers(0, 255)), min_size=1, max_size=8),
)
def test_fuzz_damaged_files(fuzz_dir: Path, suffix: str, changes: list[tuple[float, int]]) -> None:
    data = bytearray(SAMPLES[suffix])
    for where, value in changes:
        data[min(int(len(data) * where), len(data) - 1)] = value
    path = fuzz_dir / f"damaged{suffix}"
    path.write_bytes(bytes(data))
    read_or_refuse(path)


def test_docx_paragraph_text_is_python_docx_text() -> None:
    """The DOCX reader takes a paragraph's text with lxml alone: the same text as
    python-docx's Paragraph.text (runs, hyperlinks, tabs, line and page breaks, hyphens)."""
    import docx as python_docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.text.paragraph import Paragraph

    from juesuan.audit.reading.docx import paragraph_text

    document = python_docx.Document()
    body = document.element.body
    body.append(parse_xml(
        f"<w:p {nsdecls('w', 'r')}><w:r><w:t>收入</w:t><w:tab/><w:t xml:space='preserve'> 1 </w:t>"
        "<w:br/><w:t>合计</w:t><w:br w:type='page'/><w:noBreakHyphen/><w:cr/><w:ptab/></w:r>"
        "<w:hyperlink r:id='rId9'><w:r><w:t>链接</w:t></w:r></w:hyperlink>"
        "<w:ins><w:r><w:t>修订</w:t></w:r></w:ins><w:r><w:delText>删</w:delText></w:r></w:p>"))
    document.add_paragraph("一、收入支出决算总表\t2,946.26")
    paragraphs = list(body.iterchildren("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"))
    assert sorted(paragraph_text(p) for p in paragraphs if paragraph_text(p)) == [
        "一、收入支出决算总表\t2,946.26", "收入\t 1 \n合计-\n\t链接"]
    for p in paragraphs:
        assert paragraph_text(p) == Paragraph(p, document._body).text
