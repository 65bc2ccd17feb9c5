"""Small PDFs written byte by byte, for the tests of the PDF reader's bounds."""

from __future__ import annotations

import zlib


def of_objects(objects: list[bytes]) -> bytes:
    """A PDF of these objects (numbered from 1; the first the catalog), with its xref table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def pdf(pages: list[bytes], *, repeat: int = 1) -> bytes:
    """A PDF of ``pages`` (content streams, A4, Helvetica as /F1), each page ``repeat``
    times: repeated pages share their content stream but are distinct page objects."""
    objects: list[bytes] = []
    count = len(pages) * repeat
    first_page = 4 + len(pages)  # catalog, page tree, font, the content streams, then pages
    kids = " ".join(f"{first_page + i} 0 R" for i in range(count))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {count} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for content in pages:
        data = zlib.compress(content)
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data
                       + b"\nendstream")
    for i in range(count):
        stream = 4 + i % len(pages)
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources "
                       f"<< /Font << /F1 3 0 R >> >> /Contents {stream} 0 R >>".encode())
    return of_objects(objects)


def ruled_grid(lines: int) -> bytes:
    """A page ruled edge to edge by ``lines`` horizontal and ``lines`` vertical lines."""
    ops = [b"0.5 w"]
    for i in range(lines):
        y = 50 + i * 740 / lines
        ops.append(b"30 %.2f m 565 %.2f l S" % (y, y))
    for j in range(lines):
        x = 30 + j * 535 / lines
        ops.append(b"%.2f 50 m %.2f 790 l S" % (x, x))
    ops.append(b"BT /F1 10 Tf 40 800 Td (Page) Tj ET")
    return b"\n".join(ops)


def text(line: str, lines: int = 1) -> bytes:
    """A page with ``line`` (ASCII) printed ``lines`` times, small, top to bottom."""
    ops = [b"BT /F1 6 Tf"]
    for i in range(lines):
        ops.append(b"1 0 0 1 20 %d Tm (%s) Tj" % (830 - (i * 7) % 820, line.encode("ascii")))
    ops.append(b"ET")
    return b"\n".join(ops)


def with_to_unicode(cmap: bytes) -> bytes:
    """A one-page PDF printing "Page" in a font whose ToUnicode stream is ``cmap`` (Flate)."""
    packed = zlib.compress(cmap)
    content = zlib.compress(b"BT /F1 10 Tf 40 800 Td (Page) Tj ET")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
               b"/Contents 5 0 R >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"]
    return of_objects(objects)
