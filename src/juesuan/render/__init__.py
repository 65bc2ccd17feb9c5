"""Renderers: the one :class:`~juesuan.tables.table.TableSet` structure turned into formats.

One module per format, each a function of a ``TableSet``:

* :mod:`juesuan.render.text` — aligned plain text for terminals;
* :mod:`juesuan.render.csv` — one long (tidy) CSV of every cell;
* :mod:`juesuan.render.json` — a documented JSON object;
* :mod:`juesuan.render.xlsx` — an Excel workbook, one sheet per table.

:mod:`juesuan.render.layout` holds what they share: the physical grid of a table
(stub and value columns, header cells with their spans, side-by-side sections
paired line by line). The formats are documented in ``docs/formats.md``.
"""

from datetime import datetime

DOCUMENT_TIME = datetime(2000, 1, 1)
"""The creation time written into every DOCX and XLSX: a constant, so that the same
document gives the same bytes (the web application's ETags and digests rely on it)."""
