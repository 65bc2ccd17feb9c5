"""The filing model and its YAML/JSON reader."""

from juesuan.filing.model import Filing, Fund

__all__ = ["Filing", "Fund"]
