"""Shared building blocks of the filing models: amounts, codes, the frozen base model."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

from juesuan.money import parse_filing_amount, printable


def _amount(value: object) -> Decimal:
    return parse_filing_amount(value)


Amount = Annotated[
    Decimal,
    BeforeValidator(_amount),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number"},
                {"type": "string", "pattern": r"^\s*-?[0-9][0-9,]*(\.[0-9]+)?\s*$"},
            ],
            "description": "金额（按文件的金额单位）；JSON 中可写数字或数字字符串",
        }
    ),
]
"""A money amount: a number or numeric string, read as Decimal, never as float."""

_DIGITS = re.compile(r"^[0-9]+$")


def _code_of_length(*lengths: int) -> AfterValidator:
    def check(value: str) -> str:
        value = value.strip()
        if not _DIGITS.match(value) or len(value) not in lengths:
            wanted = " 或 ".join(f"{n} 位" for n in lengths)
            raise ValueError(f"科目编码应为 {wanted}数字，实际为“{printable(value, 30)}”")
        return value

    return AfterValidator(check)


def _code_text(value: object) -> object:
    # YAML reads an unquoted 2010601 as an int; codes are strings of digits.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


FunctionalCode = Annotated[str, BeforeValidator(_code_text), _code_of_length(7)]
"""支出功能分类 项 code, e.g. 2010601 (类 201, 款 06, 项 01)."""
EconomicCode = Annotated[str, BeforeValidator(_code_text), _code_of_length(5)]
"""部门预算支出经济分类 款 code, e.g. 30101."""

Count = Annotated[int, Field(ge=0)]


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)
