"""A filing with 20,000 支出 rows, for the tests of editing long lists a page at a time.

It starts from a realistic synthetic filing (``benchmarks/generate.py``: about 150 支出 rows
over real 项 codes, consistent figures) and adds rows over the same valid 项 codes, from
非财政拨款 and 一般公共预算, each with an amount of its own, until there are ``rows``. The
bundled code list has about 110 项 codes a year, so most added rows repeat a code and fund
(重复行 errors: a filing like this also shows how the editor copes with 20,000 findings).
The same arguments give the same filing.
"""

from __future__ import annotations

import importlib.util
import sys
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from types import ModuleType

from juesuan.filing.model import Filing

GENERATE = Path(__file__).resolve().parents[2] / "benchmarks" / "generate.py"


def _generator() -> ModuleType:
    name = "juesuan_bench_generate"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, GENERATE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def amount(index: int) -> Decimal:
    """The 项目支出 of added row ``index`` (distinct for every row)."""
    return Decimal(1000 + index) + Decimal(index % 100) / 100


@lru_cache(maxsize=4)
def huge_filing(rows: int = 20_000, year: int = 2024, seed: int = 13) -> Filing:
    generate = _generator()
    data = generate.generate_data(seed, rows=150, year=year)
    codes = generate.valid_codes(year)
    expenditure = list(data["expenditure"])
    index = len(expenditure)
    while len(expenditure) < rows:
        fund = "non_fiscal" if index % 3 else "general_budget"
        expenditure.append({"code": codes[index % len(codes)], "fund": fund, "project": amount(index)})
        index += 1
    data["expenditure"] = expenditure
    return Filing.model_validate(data)
