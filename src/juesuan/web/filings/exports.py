"""A filing as YAML text (what ``juesuan check`` reads), for download from the web app."""

from __future__ import annotations

import yaml

from juesuan.filing.io import filing_to_data
from juesuan.filing.model import Filing


def filing_yaml(filing: Filing) -> str:
    # Amounts are strings in the dump (never floats); the YAML loader reads them back as Decimal.
    return yaml.safe_dump(filing_to_data(filing), allow_unicode=True, sort_keys=False, width=120)
