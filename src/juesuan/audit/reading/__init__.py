"""The readers of each format behind :func:`juesuan.audit.readers.read_report`.

``bounds`` (the error, the bounds every reader keeps and the counted blocks of a report),
``cells`` (the text of a table cell), then one module per format: ``text``, ``html``,
``pdf``, ``docx``, ``xlsx``, and ``libreoffice`` (legacy formats converted to DOCX/XLSX).
"""
