"""One finding shape: `juesuan check`, `score` and `audit` with `--format json` write every
finding with exactly the keys docs/findings.md documents (Finding.to_data)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from juesuan.cli import app
from juesuan.rules.finding import FINDING_KEYS, LOCATION_KEYS

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
REPORTS = ROOT / "tests" / "fixtures" / "reports"
runner = CliRunner()


def documented() -> tuple[list[str], list[str]]:
    """The keys of a finding and of its location, as the table of docs/findings.md lists them."""
    text = (ROOT / "docs" / "findings.md").read_text(encoding="utf-8")
    section = text.split("## A finding", 1)[1].split("\n## ", 1)[0]
    names = re.findall(r"^\| `([a-z_.]+)` \|", section, re.M)
    top = [n for n in names if "." not in n]
    location = [n.split(".", 1)[1] for n in names if n.startswith("location.")]
    return top, location


def test_the_documented_keys_are_the_code_s() -> None:
    top, location = documented()
    assert tuple(top) == FINDING_KEYS
    assert tuple(location) == LOCATION_KEYS


def findings_of(*args: str) -> list[dict[str, Any]]:
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    data = json.loads(result.stdout)
    reports = data if isinstance(data, list) else [data]
    return [f for report in reports for f in report["findings"]]


COMMANDS = [
    *(("check", str(path)) for path in EXAMPLES),
    ("score", str(ROOT / "examples" / "suizhou-zwfw-2020.yaml")),
    ("audit", str(REPORTS / "02_shanghai-putuo-ghzyj-2024.txt"),
     str(REPORTS / "seed-suizhou-2020.txt")),
]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda args: " ".join(Path(a).name for a in args))
def test_every_finding_has_exactly_the_documented_keys(args: tuple[str, ...]) -> None:
    top, location = documented()
    findings = findings_of(*args)
    assert findings
    for f in findings:
        assert list(f) == top, f
        assert list(f["location"]) == location, f
        assert f["severity"] in ("error", "warning", "info")
        assert all(f[key] is None or isinstance(f[key], str)
                   for key in ("expected", "found", "tolerance"))


def test_a_rounding_difference_states_its_tolerance() -> None:
    findings = findings_of("check", str(ROOT / "examples" / "shanghai-putuo-czj-2024.yaml"))
    x7 = next(f for f in findings if f["rule"] == "X7")
    assert x7["severity"] == "info" and x7["tolerance"] == "0.155"
    assert f"允许 ±{x7['tolerance']}" in x7["message"]
    audited = findings_of("audit", str(REPORTS / "02_shanghai-putuo-ghzyj-2024.txt"))
    x4 = next(f for f in audited if f["rule"] == "X4")
    assert x4["tolerance"] == "0.01" and x4["location"]["quote"]
