"""Legacy formats (.doc/.wps/.rtf/.odt, .xls/.et/.ods) converted by LibreOffice to DOCX/XLSX."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from juesuan.audit.reading.bounds import ReportReadError
from juesuan.audit.reading.docx import read_docx
from juesuan.audit.reading.xlsx import read_xlsx
from juesuan.audit.source import SourceDocument

LIBREOFFICE_TIMEOUT = 120  # seconds for one conversion

WRITER_SUFFIXES = {".doc", ".dot", ".wps", ".wpt", ".rtf", ".odt"}
CALC_SUFFIXES = {".xls", ".xlt", ".et", ".ett", ".ods"}

_TARGETS = {"writer": ("docx", ".doc"), "calc": ("xlsx", ".xls")}


def read_with_libreoffice(path: Path, data: bytes, kind: str) -> SourceDocument:
    target, default_suffix = _TARGETS[kind]
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        package = "libreoffice-writer-nogui" if kind == "writer" else "libreoffice-calc-nogui"
        raise ReportReadError(
            path,
            f"读取 {path.suffix or '这种'} 文件需要 LibreOffice（soffice），本机没有安装；"
            f"请安装 {package}，或先把文件另存为 .{target} 或 PDF",
        )
    suffix = path.suffix.lower()
    if suffix in (".wps", ".wpt"):
        suffix = ".doc"  # Kingsoft WPS files are Word-compatible
    elif suffix in (".et", ".ett"):
        suffix = ".xls"
    elif suffix not in WRITER_SUFFIXES | CALC_SUFFIXES:
        suffix = ".rtf" if data.lstrip().startswith(b"{\\rtf") else default_suffix
    with tempfile.TemporaryDirectory(prefix="juesuan-lo-") as tmp:
        work = Path(tmp)
        source = work / f"input{suffix}"
        source.write_bytes(data)
        out = work / "out"
        command = [
            soffice,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            str(source),
        ]
        stderr = _run(path, command, work)
        result = out / f"input.{target}"
        if not result.is_file() or result.stat().st_size == 0:
            detail = stderr.strip().splitlines()[-1] if stderr.strip() else "没有生成文件"
            raise ReportReadError(path, f"LibreOffice 无法转换这个文件（{detail[:200]}）")
        converted = result.read_bytes()
    reader: Callable[[Path, bytes], SourceDocument] = read_docx if target == "docx" else read_xlsx
    return reader(path, converted)


def _run(path: Path, command: list[str], work: Path) -> str:
    env = dict(os.environ, HOME=str(work))
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=work,
        env=env,
        start_new_session=True,
    )
    try:
        _, stderr = process.communicate(timeout=LIBREOFFICE_TIMEOUT)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(OSError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise ReportReadError(
            path, f"LibreOffice 转换超时（超过 {LIBREOFFICE_TIMEOUT} 秒）"
        ) from None
    return stderr.decode("utf-8", "replace")
