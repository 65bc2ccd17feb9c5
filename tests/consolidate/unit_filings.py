"""Shared helpers of the 汇总 tests: the department generator of benchmarks/generate.py and
exact unit conversion of a filing."""

from __future__ import annotations

import importlib.util
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

from pydantic import BaseModel

from juesuan.filing.model import Filing

ROOT = Path(__file__).resolve().parents[2]


def _load_generator() -> ModuleType:
    name = "juesuan_bench_generate"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


generate = _load_generator()


def _scaled(value: Any) -> Any:
    # every Decimal of the model is money (counts are int)
    if isinstance(value, Decimal):
        return value / 10000
    if isinstance(value, BaseModel):
        return value.model_copy(update={k: _scaled(v) for k, v in value})
    if isinstance(value, tuple):
        return tuple(_scaled(v) for v in value)
    return value


def in_wan(filing: Filing) -> Filing:
    """The same filing in 万元, converted exactly (and validated again)."""
    assert filing.unit.value == "元"
    data = _scaled(filing).model_dump()
    data["unit"] = "万元"
    return Filing.model_validate(data)


def rebuilt(filing: Filing, change: Any) -> Filing:
    """The filing with ``change(data)`` applied to its plain data, validated again."""
    data = filing.model_dump()
    change(data)
    return Filing.model_validate(data)
