"""Page images of the examples' PDF and DOCX, compared with reviewed reference images.

Every page of juesuan's PDF of each example (``examples/*.yaml``), and of its DOCX as
LibreOffice lays it out, is drawn by pdfium at 55 dpi in 16 grays and compared with
``reference/<example>-<pdf|docx>-pNN.png``. After an intended change to the look,
regenerate the images with

    .venv/bin/python scripts/update_reference_images.py

and look at them (and at the diff of the PNGs) before committing.

The renderings are deterministic on one machine (same fonts, same WeasyPrint, LibreOffice
and pdfium): the tolerance only absorbs anti-aliasing noise, i.e. grays one step off and
isolated pixels. A changed figure (even one digit), a moved table, a missing rule or a
shade that appears or disappears fails; so does a page that moves by a fraction of a pixel
as a whole, which is what other fonts or another pdfium would give: regenerate the images
on the machine that runs the tests. On failure the actual pages and diff images are
written to a temporary folder named in the message.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pypdfium2 as pdfium
import pytest
from PIL import Image

from juesuan.content import Document, Section
from juesuan.document.build import build_document
from juesuan.filing.io import load_filing
from juesuan.performance.scheme import scheme_for
from juesuan.publish import render
from juesuan.tables.table import RowKind, Table

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = Path(__file__).resolve().parent / "reference"
EXAMPLES = tuple(sorted(p.stem for p in (ROOT / "examples").glob("*.yaml")))
FORMATS = ("pdf", "docx")
SOFFICE = shutil.which("soffice")

DPI = 55  # a table's figures stay legible; a page is about 12 KB as a 4-bit PNG
LEVELS = 16  # grays kept: 0, 17, …, 255 (halves the PNGs; a step is far below STRONG)
STEP = 255 // (LEVELS - 1)

# Tolerance. A pixel differs strongly when its gray is more than STRONG off (of 255); at
# most MAX_STRONG such pixels in any WINDOW × WINDOW square (about one character): a digit
# changed into another gives 7 or more (13 pairs such as 3→8 tried on the examples' tables),
# a one-pixel rule or a shifted edge a whole row.
STRONG = 32
WINDOW = 12
MAX_STRONG = 3
# Faint differences (a gray step) cancel out as noise but not as a shade: the mean signed
# difference over any AREA × AREA square stays within half a step, so a light shade (a
# header fill) that appears or disappears in a table cell fails.
AREA = 16
MAX_MEAN_SHIFT = STEP / 2

Page = npt.NDArray[np.uint8]
CENT = Decimal("0.01")


def example_document(name: str) -> Document:
    """The document ``juesuan report`` makes of an example."""
    filing = load_filing(ROOT / "examples" / f"{name}.yaml").filing
    return build_document(filing, scheme=scheme_for(filing))


def libreoffice_pdf(docx: bytes, work: Path) -> bytes:
    """The DOCX laid out by LibreOffice (one profile per work folder, reused)."""
    assert SOFFICE is not None
    work.mkdir(parents=True, exist_ok=True)
    source = work / "document.docx"
    source.write_bytes(docx)
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(work), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return (work / "document.pdf").read_bytes()


def quantize(gray: npt.NDArray[np.uint8]) -> Page:
    levels = np.rint(gray.astype(np.float32) / STEP).astype(np.uint8)
    return (levels * STEP).astype(np.uint8)


def page_images(pdf: bytes) -> list[Page]:
    """Every page drawn in grays at DPI, quantized to LEVELS grays."""
    document = pdfium.PdfDocument(pdf)
    try:
        pages = []
        for page in document:
            bitmap = page.render(scale=DPI / 72, grayscale=True)
            pages.append(quantize(np.asarray(bitmap.to_pil().convert("L"), dtype=np.uint8)))
            page.close()
        return pages
    finally:
        document.close()


class Renderings:
    """Page images of each example in each format, rendered once per session (process)."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self._pages: dict[tuple[str, str], list[Page]] = {}

    def pages(self, name: str, fmt: str) -> list[Page]:
        if (name, fmt) not in self._pages:
            self._pages[name, fmt] = page_images(self.pdf(example_document(name), fmt, name))
        return self._pages[name, fmt]

    def pdf(self, doc: Document, fmt: str, label: str) -> bytes:
        if fmt == "pdf":
            return render(doc, "pdf")
        return libreoffice_pdf(render(doc, "docx"), self.work / label)


def save_png(page: Page, path: Path) -> None:
    """A 4-bit palette PNG of the 16 grays (about half the size of an 8-bit one)."""
    image = Image.fromarray(page // STEP)
    image.putpalette([STEP * i for i in range(LEVELS) for _ in range(3)])
    image.save(path, "PNG", bits=4, optimize=True)


def load_png(path: Path) -> Page:
    with Image.open(path) as image:
        return np.asarray(image.convert("L"), dtype=np.uint8)


def reference_path(name: str, fmt: str, number: int) -> Path:
    return REFERENCE / f"{name}-{fmt}-p{number:02d}.png"


def reference_pages(name: str, fmt: str) -> list[Page]:
    paths = sorted(REFERENCE.glob(f"{name}-{fmt}-p*.png"))
    return [load_png(p) for p in paths]


def window_sums(values: npt.NDArray[np.generic], size: int) -> npt.NDArray[np.int64]:
    """The sum of ``values`` over every size × size square (through an integral image)."""
    total: npt.NDArray[np.int64] = np.pad(values.astype(np.int64).cumsum(0).cumsum(1), ((1, 0), (1, 0)))
    return total[size:, size:] - total[:-size, size:] - total[size:, :-size] + total[:-size, :-size]


@dataclass(frozen=True)
class Mismatch:
    page: int  # 1-based
    reason: str


def compare_page(actual: Page, reference: Page) -> str | None:
    """Why ``actual`` does not pass for ``reference``, or None."""
    if actual.shape != reference.shape:
        return f"size {actual.shape[1]}×{actual.shape[0]} px, reference {reference.shape[1]}×{reference.shape[0]} px"
    signed = actual.astype(np.int16) - reference.astype(np.int16)
    strong = window_sums(np.abs(signed) > STRONG, WINDOW)
    if strong.max() > MAX_STRONG:
        y, x = np.unravel_index(int(strong.argmax()), strong.shape)
        return (f"{int(strong.max())} pixels differ by more than {STRONG} grays in the "
                f"{WINDOW}×{WINDOW} px square at x={x}, y={y} "
                f"({int((np.abs(signed) > STRONG).sum())} on the page)")
    shift = np.abs(window_sums(signed, AREA)) / (AREA * AREA)
    if shift.max() > MAX_MEAN_SHIFT:
        y, x = np.unravel_index(int(shift.argmax()), shift.shape)
        return (f"the {AREA}×{AREA} px square at x={x}, y={y} is {float(shift.max()):.1f} grays "
                "lighter or darker on average (a shade)")
    return None


def compare(actual: Sequence[Page], reference: Sequence[Page]) -> list[Mismatch]:
    """Every page that does not pass; a different page count is a mismatch of its own (page 0)."""
    mismatches = []
    if len(actual) != len(reference):
        mismatches.append(Mismatch(0, f"{len(actual)} pages, reference {len(reference)}"))
    for number, (mine, theirs) in enumerate(zip(actual, reference, strict=False), start=1):
        reason = compare_page(mine, theirs)
        if reason is not None:
            mismatches.append(Mismatch(number, reason))
    return mismatches


def diff_image(actual: Page, reference: Page) -> Image.Image:
    """The reference in light gray, strong differences red, fainter ones blue."""
    if actual.shape != reference.shape:
        return Image.fromarray(actual).convert("RGB")
    difference = np.abs(actual.astype(np.int16) - reference.astype(np.int16))
    light = (reference // 2 + 128).astype(np.uint8)
    rgb = np.stack([light, light, light], axis=-1)
    rgb[difference > STEP // 2] = (80, 80, 255)
    rgb[difference > STRONG] = (255, 0, 0)
    return Image.fromarray(rgb)


def write_failure(folder: Path, prefix: str, actual: Sequence[Page], reference: Sequence[Page],
                  mismatches: Sequence[Mismatch]) -> None:
    """Every actual page, and a diff image of each page that does not pass, into folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for number, page in enumerate(actual, start=1):
        save_png(page, folder / f"{prefix}-p{number:02d}.png")
    for mismatch in mismatches:
        if 0 < mismatch.page <= min(len(actual), len(reference)):
            diff_image(actual[mismatch.page - 1], reference[mismatch.page - 1]).save(
                folder / f"{prefix}-p{mismatch.page:02d}-diff.png")


@pytest.fixture(scope="session")
def renderings(tmp_path_factory: pytest.TempPathFactory) -> Renderings:
    return Renderings(tmp_path_factory.mktemp("page-images"))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", EXAMPLES)
def test_pages_match_the_reference_images(renderings: Renderings, name: str, fmt: str,
                                          tmp_path: Path) -> None:
    if fmt == "docx" and SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    reference = reference_pages(name, fmt)
    if not reference:
        pytest.fail(f"no reference images {reference_path(name, fmt, 1).name} …: "
                    "run scripts/update_reference_images.py")
    actual = renderings.pages(name, fmt)
    mismatches = compare(actual, reference)
    if mismatches:
        write_failure(tmp_path, f"{name}-{fmt}", actual, reference, mismatches)
        lines = "\n".join(f"  page {m.page}: {m.reason}" for m in mismatches)
        pytest.fail(f"{name} {fmt}: the pages differ from {REFERENCE.name}/:\n{lines}\n"
                    f"actual pages and diff images: {tmp_path}\n"
                    "after an intended change, run scripts/update_reference_images.py and look at the images")


# --- The tolerance: what passes and what fails -------------------------------------------


def with_changed_figure(doc: Document) -> tuple[Document, str]:
    """``doc`` with one figure of one table changed by 0.01 (one digit, same width), and
    the new figure as printed."""
    changed: list[str] = []

    def table(t: Table) -> Table:
        if changed:
            return t
        for i, row in enumerate(t.rows):
            for j, value in enumerate(row.values):
                if (row.kind is RowKind.ITEM and isinstance(value, Decimal) and value >= 1
                        and t.columns[j].places == 2):
                    shown = value.quantize(CENT, ROUND_HALF_UP)
                    new = shown + CENT if shown % Decimal("0.1") < Decimal("0.09") else shown - CENT
                    changed.append(f"{new:,.2f}")
                    values = (*row.values[:j], new, *row.values[j + 1:])
                    rows = (*t.rows[:i], replace(row, values=values), *t.rows[i + 1:])
                    return replace(t, rows=rows)
        return t

    def section(s: Section) -> Section:
        return replace(s, tables=tuple(table(t) for t in s.tables),
                       subsections=tuple(section(x) for x in s.subsections))

    parts = tuple(replace(p, sections=tuple(section(s) for s in p.sections)) for p in doc.parts)
    assert changed, "no figure to change"
    return replace(doc, parts=parts), changed[0]


def page_texts(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def test_a_figure_changed_by_one_cent_fails_on_its_page(renderings: Renderings) -> None:
    name = "suizhou-zwfw-2020" if "suizhou-zwfw-2020" in EXAMPLES else EXAMPLES[0]
    original = renderings.pages(name, "pdf")
    altered, figure = with_changed_figure(example_document(name))
    pdf = render(altered, "pdf")
    mismatches = compare(page_images(pdf), original)
    assert len(mismatches) == 1, mismatches
    page = mismatches[0].page
    assert figure in page_texts(pdf)[page - 1].replace("\r\n", "\n")


def busiest_page(pages: Sequence[Page]) -> Page:
    """The page with the most ink (a page of tables with rules and figures)."""
    return max(pages, key=lambda p: int((p < 128).sum()))


@pytest.fixture(scope="module")
def sample_page() -> Page:
    pages = [p for name in EXAMPLES for p in reference_pages(name, "pdf")]
    if not pages:
        pytest.skip("no reference images: run scripts/update_reference_images.py")
    return busiest_page(pages)


def test_identical_and_noisy_pages_pass(sample_page: Page) -> None:
    assert compare([sample_page], [sample_page]) == []
    rng = np.random.default_rng(0)
    grays = sample_page.astype(np.int16)
    # Anti-aliasing noise: half of the edge pixels one gray step lighter or darker …
    edges = (sample_page > 0) & (sample_page < 255) & (rng.random(sample_page.shape) < 0.5)
    grays[edges] += rng.choice(np.array([-STEP, STEP], dtype=np.int16), size=int(edges.sum()))
    # … and one pixel in every 2 WINDOW × 2 WINDOW square turned to its opposite gray.
    grays[::2 * WINDOW, ::2 * WINDOW] = 255 - grays[::2 * WINDOW, ::2 * WINDOW]
    noisy = np.clip(grays, 0, 255).astype(np.uint8)
    assert int((np.abs(noisy.astype(np.int16) - sample_page) > STRONG).sum()) > 200
    assert compare([noisy], [sample_page]) == []


def test_a_table_moved_by_two_pixels_fails(sample_page: Page) -> None:
    moved = np.full_like(sample_page, 255)
    half = sample_page.shape[0] // 2
    moved[:half] = sample_page[:half]
    moved[half + 2:] = sample_page[half:-2]  # the lower half, 2 px (2.6 pt) lower
    assert [m.page for m in compare([moved], [sample_page])] == [1]


def test_a_missing_rule_fails(sample_page: Page) -> None:
    ruled = (sample_page < 255 - STRONG).sum(axis=1)
    y = int(ruled.argmax())  # the row with the most ink: a table's rule
    assert ruled[y] > sample_page.shape[1] // 3
    missing = sample_page.copy()
    missing[y] = np.maximum(missing[y], 255 - STEP)  # erased, but for the faintest gray
    mismatches = compare([missing], [sample_page])
    assert [m.page for m in mismatches] == [1] and "differ by more than" in mismatches[0].reason


def test_a_light_shade_fails(sample_page: Page) -> None:
    shaded = sample_page.copy()
    shaded[:AREA * 2, :AREA * 2] = np.minimum(shaded[:AREA * 2, :AREA * 2], 255 - STEP)
    mismatches = compare([shaded], [sample_page])
    assert [m.page for m in mismatches] == [1] and "a shade" in mismatches[0].reason


def test_a_missing_page_fails_and_the_failure_is_written(sample_page: Page, tmp_path: Path) -> None:
    altered = sample_page.copy()
    altered[100:110, 100:110] = 0
    mismatches = compare([altered], [sample_page, sample_page])
    assert [m.page for m in mismatches] == [0, 1]
    write_failure(tmp_path, "x-pdf", [altered], [sample_page, sample_page], mismatches)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x-pdf-p01-diff.png", "x-pdf-p01.png"]
    assert (load_png(tmp_path / "x-pdf-p01.png") == altered).all()
    with Image.open(tmp_path / "x-pdf-p01-diff.png") as diff:
        assert diff.getpixel((105, 105)) == (255, 0, 0)
