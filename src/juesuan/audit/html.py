"""The audit as one self-contained HTML page: every finding beside the text it quotes."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from juesuan import __version__
from juesuan.audit.batch import AuditOutcome
from juesuan.rules.finding import Severity


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("juesuan.audit", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def audit_html(outcomes: Sequence[AuditOutcome]) -> str:
    """The page (UTF-8 text, no external resources)."""
    template = _environment().get_template("audit.html.j2")
    labels = {s.value: s.label for s in Severity}
    return template.render(outcomes=outcomes, labels=labels, version=__version__)
