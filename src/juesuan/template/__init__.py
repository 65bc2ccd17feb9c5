"""Disclosure templates as data: see :mod:`juesuan.template.model` and docs/templates.md."""
