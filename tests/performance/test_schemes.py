"""Scoring schemes (评分办法) as data: the bundled ones, a user's file, and bad files."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from juesuan.filing.performance import FirstLevel, Tier
from juesuan.performance.scheme import (
    Scheme,
    SchemeError,
    bundled_names,
    dump_scheme,
    load_scheme,
    parse_scheme,
)

D = Decimal
CJK = re.compile(r"[\u4e00-\u9fff]")
BUNDLED = ["central-2020", "hubei-2020", "sichuan-2023"]


def test_bundled_names() -> None:
    assert bundled_names() == BUNDLED


@pytest.mark.parametrize(("name", "execution", "indicators", "level1", "places"), [
    ("hubei-2020", 20, 80, None, 3),
    ("central-2020", 10, 90, {FirstLevel.OUTPUT: 50, FirstLevel.BENEFIT: 30,
                              FirstLevel.SATISFACTION: 10}, 2),
    ("sichuan-2023", 10, 90, None, 2),
])
def test_bundled_scheme_loads(name: str, execution: int, indicators: int,
                              level1: dict[FirstLevel, int] | None, places: int) -> None:
    scheme = load_scheme(name)
    assert scheme.name == name
    assert CJK.search(scheme.title) and scheme.source
    assert scheme.total == D(100)
    assert (scheme.execution.weight, scheme.indicators.total) == (D(execution), D(indicators))
    assert scheme.indicators.level1_weights == (
        None if level1 is None else {k: D(v) for k, v in level1.items()}
    )
    assert scheme.score_places == places
    assert scheme.execution.rate_places == 4
    assert scheme.execution.base == "adjusted"
    assert set(scheme.qualitative) == set(Tier)
    assert [(b.name, b.min) for b in scheme.grades.bands] == [
        ("优", D(90)), ("良", D(80)), ("中", D(60)), ("差", D(0)),
    ]


def test_hubei_follows_the_seed_notes() -> None:
    """备注3: 100–80 %, 80–50 %, 50–0 %; 备注4: 满意度 optional; 备注2: capped at the weight."""
    hubei = load_scheme("hubei-2020")
    bands = {tier: (band.low, band.high) for tier, band in hubei.qualitative.items()}
    assert bands == {Tier.MET: (D("0.8"), D(1)), Tier.PARTLY: (D("0.5"), D("0.8")),
                     Tier.UNMET: (D(0), D("0.5"))}
    assert hubei.indicators.satisfaction_optional
    assert hubei.indicators.cap_at_weight and hubei.execution.cap
    assert not hubei.grades.stated  # the 湖北 form states no grade


def test_amounts_are_decimal() -> None:
    scheme = load_scheme("hubei-2020")
    assert isinstance(scheme.execution.weight, Decimal)
    assert isinstance(scheme.qualitative[Tier.MET].low, Decimal)
    assert scheme.qualitative[Tier.MET].low == D("0.8")


def data_of(name: str = "hubei-2020") -> dict[str, Any]:
    result: dict[str, Any] = yaml.safe_load(dump_scheme(load_scheme(name)))
    return result


def write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_user_scheme_file_by_path(tmp_path: Path) -> None:
    data = data_of()
    data.update(name="my-county-2024", title="某县预算绩效自评（30/70）")
    data["execution"]["weight"] = 30
    data["indicators"]["total"] = 70
    path = write(tmp_path / "my.yaml", data)
    scheme = load_scheme(str(path))
    assert (scheme.name, scheme.title) == ("my-county-2024", "某县预算绩效自评（30/70）")
    assert (scheme.execution.weight, scheme.indicators.total) == (D(30), D(70))
    # a bundled name wins over a file of that name; any other path is a file
    assert load_scheme(str(write(tmp_path / "hubei-2020.yaml", data))).name == "my-county-2024"


def test_user_scheme_with_comments_and_plain_numbers(tmp_path: Path) -> None:
    text = (Path(__file__).resolve().parents[2] / "src" / "juesuan" / "performance" / "schemes"
            / "hubei-2020.yaml").read_text(encoding="utf-8")
    text = text.replace("name: hubei-2020", "name: hubei-copy")
    path = tmp_path / "copy.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_scheme(str(path)) == load_scheme("hubei-2020").model_copy(update={"name": "hubei-copy"})


def test_bundled_schemes_round_trip() -> None:
    for name in BUNDLED:
        scheme = load_scheme(name)
        assert parse_scheme(dump_scheme(scheme), "dump") == scheme


# --- bad schemes ------------------------------------------------------------------------


def broken(mutate: Any) -> str:
    data = data_of()
    mutate(data)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _set(path: str, value: Any) -> Any:
    def mutate(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node = data
        for part in parents:
            node = node[part]
        if value is _DELETE:
            del node[last]
        else:
            node[last] = value

    return mutate


_DELETE = object()


@pytest.mark.parametrize(("mutate", "message"), [
    pytest.param(_set("indicators.total", 70),
                 "bad.yaml：评分办法文件有误：评分办法（第 1 行）：预算执行分值 20 与指标分值 70 之和应为总分 100",
                 id="weights"),
    pytest.param(_set("total", 90),
                 "bad.yaml：评分办法文件有误：评分办法（第 1 行）：预算执行分值 20 与指标分值 80 之和应为总分 90",
                 id="total"),
    pytest.param(_set("indicators.level1_weights", {"output": 50, "benefit": 20}),
                 "bad.yaml：评分办法文件有误：评分办法（第 1 行）：各一级指标分值之和应等于指标总分值",
                 id="level1"),
    pytest.param(_set("qualitative.partly", {"low": 0.5, "high": 0.8, "default": 0.9}),
                 "bad.yaml：评分办法文件有误：qualitative.partly（第 22 行）：档次缺省比例应在区间内"
                 "（low ≤ default ≤ high）", id="band-default"),
    pytest.param(_set("qualitative.unmet", _DELETE),
                 "bad.yaml：评分办法文件有误：评分办法（第 1 行）：定性档次须包括 met、partly、unmet 三档",
                 id="missing-tier"),
    pytest.param(_set("name", "Hubei 2020"),
                 "bad.yaml：评分办法文件有误：name（第 1 行）：名称格式不对（应为：小写字母、数字和连字符，"
                 "如 hubei-2020）（实际：“Hubei 2020”）", id="bad-name"),
    pytest.param(_set("execution.rate_places", -1),
                 "bad.yaml：评分办法文件有误：execution.rate_places（第 9 行）：数值过小（应为：不小于 0）"
                 "（实际：-1）", id="rate-places"),
    pytest.param(_set("execution.base", "final"),
                 "bad.yaml：评分办法文件有误：execution.base（第 7 行）：取值不在允许范围内"
                 "（应为：'adjusted'、'initial'）（实际：“final”）", id="base"),
    pytest.param(_set("execution", _DELETE),
                 "bad.yaml：评分办法文件有误：execution（第 1 行）：缺少必填项", id="missing-execution"),
    pytest.param(_set("indicators.totl", 80),
                 "bad.yaml：评分办法文件有误：indicators.totl（第 17 行）：不认识的字段（拼写错误，或放错了位置）"
                 "（实际：80）", id="typo"),
    pytest.param(_set("execution.weight", "二十"),
                 "bad.yaml：评分办法文件有误：execution.weight（第 6 行）：“二十”不是数字金额"
                 "（应为：有限的数字金额，如 1234.56）（实际：“二十”）", id="not-a-number"),
    pytest.param(_set("qualitative.met.low", 1.5),
                 "bad.yaml：评分办法文件有误：qualitative.met.low（第 19 行）：数值过大（应为：不大于 1）"
                 "（实际：1.5）", id="fraction-above-1"),
])
def test_invalid_scheme(mutate: Any, message: str) -> None:
    with pytest.raises(SchemeError) as info:
        parse_scheme(broken(mutate), "bad.yaml")
    assert str(info.value) == message
    assert "error" not in str(info.value).lower()  # no pydantic English


@pytest.mark.parametrize(("text", "message"), [
    ("- 1\n", "x.yaml：评分办法文件有误：评分办法（第 1 行）：应为键值对（实际：列表）"),
    ("", "x.yaml：评分办法文件为空"),
    ("name: a\nname: b\n", "x.yaml：评分办法文件不是有效的 YAML：第 2 行：YAML 格式错误：重复的键“name”"
                           "（后一个会覆盖前一个）（应为：同一层的每个键只出现一次）"),
])
def test_unreadable_scheme_text(text: str, message: str) -> None:
    with pytest.raises(SchemeError) as info:
        parse_scheme(text, "x.yaml")
    assert str(info.value) == message


def test_invalid_scheme_file_names_the_file(tmp_path: Path) -> None:
    data = data_of()
    data["indicators"]["total"] = 70
    path = write(tmp_path / "bad.yaml", data)
    with pytest.raises(SchemeError, match=rf"^{re.escape(str(path))}：评分办法文件有误：.*之和应为总分 100$"):
        load_scheme(str(path))


def test_scheme_file_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes("name: 湖北".encode("gbk"))
    with pytest.raises(SchemeError, match=rf"^{re.escape(str(path))}：无法读取评分办法文件"):
        load_scheme(str(path))


@pytest.mark.parametrize("name", ["hubei", "hubei-2021", "Hubei-2020", "schemes/hubei-2020.yaml"])
def test_unknown_scheme_lists_the_bundled_ones(name: str) -> None:
    with pytest.raises(SchemeError) as info:
        load_scheme(name)
    assert str(info.value) == (
        f"找不到评分办法“{name}”：应为内置办法（central-2020、hubei-2020、sichuan-2023）或一个 YAML 文件路径"
    )


def test_a_directory_is_not_a_scheme(tmp_path: Path) -> None:
    with pytest.raises(SchemeError, match="找不到评分办法"):
        load_scheme(str(tmp_path))


def test_scheme_model_refuses_directly() -> None:
    """The validators themselves, without YAML: the Chinese reason is in the error."""
    data = data_of()
    data["execution"]["weight"] = 30
    with pytest.raises(ValueError, match="预算执行分值 30 与指标分值 80 之和应为总分 100"):
        Scheme.model_validate(data)
