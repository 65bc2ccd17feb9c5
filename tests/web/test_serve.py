"""`juesuan serve`'s gunicorn settings: two servers on one machine do not share a control socket."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from juesuan.web import serve


def test_each_servers_control_socket_is_in_its_data_folder(tmp_path: Path) -> None:
    first = serve.gunicorn_options("127.0.0.1", 8000, 2, tmp_path / "a")
    second = serve.gunicorn_options("127.0.0.1", 8001, 2, tmp_path / "b")
    assert first["control_socket"] == str(tmp_path / "a" / "gunicorn.ctl")
    assert second["control_socket"] == str(tmp_path / "b" / "gunicorn.ctl")
    assert "control_socket_disable" not in first and "control_socket_disable" not in second
    assert first["bind"] == "127.0.0.1:8000" and first["workers"] == 2 and first["timeout"] == 120


def test_a_relative_data_folder_gives_an_absolute_socket(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    assert serve.gunicorn_options("127.0.0.1", 8000, 1, Path("data"))["control_socket"] == \
        str(tmp_path / "data" / "gunicorn.ctl")


def test_a_data_folder_too_deep_for_a_socket_disables_it(tmp_path: Path) -> None:
    deep = tmp_path / ("目录" * 40)
    options = serve.gunicorn_options("127.0.0.1", 8000, 2, deep)
    assert options["control_socket_disable"] is True and "control_socket" not in options


def test_the_installed_gunicorn_takes_the_settings(tmp_path: Path) -> None:
    """Applied to gunicorn itself (not started): its control socket is no longer the shared
    default in the home folder."""
    from gunicorn.config import Config

    first = serve.server("127.0.0.1", 8000, 2, tmp_path / "a").cfg
    second = serve.server("127.0.0.1", 8001, 2, tmp_path / "b").cfg
    if "control_socket" not in Config().settings:
        pytest.skip("这一版本的 gunicorn 没有控制套接字")
    default = Config().control_socket
    assert first.control_socket != second.control_socket
    assert default not in (first.control_socket, second.control_socket)
    assert first.control_socket == str(tmp_path / "a" / "gunicorn.ctl")
    assert not first.control_socket_disable
    assert first.bind == ["127.0.0.1:8000"] and first.workers == 2
    deep = serve.server("127.0.0.1", 8002, 1, tmp_path / ("目录" * 40)).cfg
    assert deep.control_socket_disable
