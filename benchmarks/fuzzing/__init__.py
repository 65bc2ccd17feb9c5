"""The fuzz harness of ``benchmarks/fuzz.py``: inputs, mutations, the forking runner, the summary.

* :mod:`fuzzing.values` — nasty scalars and a deterministic way to draw from hypothesis strategies;
* :mod:`fuzzing.corpus` — the real inputs (examples, schemes, reports, fixture PDFs) and the
  files derived from them once per run (XLSX, DOCX, HTML, PDFs rendered by WeasyPrint, cached);
* :mod:`fuzzing.mutate` — mutations of YAML/JSON text and trees, bytes, encodings, reports,
  HTML, DOCX, XLSX and PDF;
* :mod:`fuzzing.kinds` — per input kind, how an input and its command line are made;
* :mod:`fuzzing.runner` — one forked child per input with a time and memory watchdog;
* :mod:`fuzzing.summary` — failures grouped by cause, the table per kind and command.
"""
