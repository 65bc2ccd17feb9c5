"""Regenerate the reference page images that tests/render/test_page_images.py compares with.

    .venv/bin/python scripts/update_reference_images.py

Renders each bundled example (examples/*.yaml) as PDF, and as DOCX laid out by LibreOffice,
draws every page exactly as the test does (pdfium, 55 dpi, 16 grays) and replaces
tests/render/reference/<example>-<pdf|docx>-pNN.png, removing the pages a document no
longer has. Look at the images (and at `git diff --stat`) before committing them.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "render"))

import test_page_images as images  # noqa: E402 (found through the path above)


def main() -> int:
    if images.SOFFICE is None:
        print("需要 LibreOffice（soffice）把 DOCX 排成页面：本机没有安装。", file=sys.stderr)
        return 1
    images.REFERENCE.mkdir(exist_ok=True)
    total = 0
    with tempfile.TemporaryDirectory() as work:
        renderings = images.Renderings(Path(work))
        for name in images.EXAMPLES:
            for fmt in images.FORMATS:
                pages = renderings.pages(name, fmt)
                for old in images.REFERENCE.glob(f"{name}-{fmt}-p*.png"):
                    old.unlink()
                size = 0
                for number, page in enumerate(pages, start=1):
                    path = images.reference_path(name, fmt, number)
                    images.save_png(page, path)
                    size += path.stat().st_size
                total += size
                print(f"{name} {fmt}：{len(pages)} 页，{size / 1024:.0f} KB")
    print(f"共 {total / 1024:.0f} KB，写入 {images.REFERENCE.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
