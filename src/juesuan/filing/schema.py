"""The published JSON Schema of the filing format, generated from the models."""

from __future__ import annotations

from typing import Any

from juesuan.filing.model import SCHEMA_VERSION, Filing
from juesuan.template.catalogue import bundled_names

SCHEMA_ID = f"https://juesuan.example/schema/filing-v{SCHEMA_VERSION}.json"


def filing_schema() -> dict[str, Any]:
    schema = Filing.model_json_schema(mode="validation")
    # The template names are data (juesuan/template/data): an editor offers the bundled ones.
    layout = schema["properties"]["layout"]
    for option in layout.get("anyOf", ()):
        if option.get("type") == "string":
            option["enum"] = bundled_names()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "juesuan 部门决算填报文件",
        **{k: v for k, v in schema.items() if k != "title"},
    }
