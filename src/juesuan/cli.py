"""The ``juesuan`` command: a thin shell over the core.

Exit codes: 0 no errors, 1 errors were found, 2 the input could not be read,
3 internal error (a bug in juesuan: one Chinese line asks the user to report it,
``juesuan --debug …`` shows the traceback), 130 interrupted (Ctrl+C).
"""

from __future__ import annotations

import errno
import gc
import io
import json
import sys
import traceback
from collections.abc import Callable
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable
from typer.core import TyperCommand, TyperGroup

from juesuan import __version__
from juesuan.filing.io import (
    FilingReadError,
    LoadedFiling,
    atomic_write,
    format_problem,
    load_filing,
)
from juesuan.money import decimal_places, format_wan, printable
from juesuan.rules.finding import Finding, Severity, has_errors

if TYPE_CHECKING:
    from juesuan.performance.scheme import Scheme
    from juesuan.template.model import Template

EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE, EXIT_INTERNAL = 0, 1, 2, 3

out = Console(highlight=False, soft_wrap=False)
err = Console(stderr=True, highlight=False)


def internal_error_line(where: str, exc: BaseException, *, files: bool, debug: bool = False) -> str:
    """The one line a user sees for a bug in juesuan (never the traceback unless --debug)."""
    if files:
        ask = "这不是您的文件的问题：请将此文件和命令报告给 juesuan 开发者"
    else:
        ask = "请将此命令报告给 juesuan 开发者"
    more = "" if debug else "；加 --debug 可查看详细信息"
    return f"juesuan 内部错误（{where}）：{type(exc).__name__}。{ask}{more}。"


def _debugging(ctx: typer.Context) -> bool:
    return bool(ctx.find_root().params.get("debug"))


def _report_internal_error(ctx: typer.Context, exc: Exception) -> NoReturn:
    inputs = [p for p in ctx.command.params if p.param_type_name == "argument"]
    shown: list[str] = []
    for param in inputs:
        value = ctx.params.get(param.name or "")
        if isinstance(value, list | tuple):
            shown += [str(v) for v in value]
        elif value is not None:
            shown.append(str(value))
    if len(shown) > 3:  # a folder's worth of files would not be one line
        shown = [*shown[:3], f"等 {len(shown)} 个"]
    debug = _debugging(ctx)
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    where = " ".join([ctx.info_name or "juesuan", *shown])
    # soft_wrap: the line stays whole for grep and for copying into a bug report
    err.print(escape(internal_error_line(where, exc, files=bool(shown), debug=debug)), soft_wrap=True)
    raise typer.Exit(EXIT_INTERNAL)


def _expected(exc: Exception) -> bool:
    """Exceptions that are how typer and click end a command, not bugs."""
    if isinstance(exc, typer.Exit | typer.Abort | typer.TyperException | EOFError):
        return True
    # A closed pipe (juesuan … | head) is handled by click: exit 1 without a message.
    return isinstance(exc, OSError) and exc.errno == errno.EPIPE


class GuardedCommand(TyperCommand):
    """A command whose unexpected exceptions end in one Chinese line and exit code 3.

    In the command class rather than around ``app()`` so that it holds in-process too
    (CliRunner). KeyboardInterrupt is not an Exception: typer
    turns it into exit code 130 without a message."""

    def invoke(self, ctx: Any) -> Any:
        return _guarded(super().invoke, ctx)


class GuardedGroup(TyperGroup):
    """The app's group: the same guard for what runs outside a command (the callback)."""

    def invoke(self, ctx: Any) -> Any:
        return _guarded(super().invoke, ctx)


def _guarded(invoke: Callable[[Any], Any], ctx: Any) -> Any:
    try:
        return invoke(ctx)
    except Exception as exc:
        if _expected(exc):
            raise
        _report_internal_error(ctx, exc)


app = typer.Typer(
    name="juesuan",
    help="部门决算公开：由填报文件生成九张公开表，检查勾稽关系。",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    cls=GuardedGroup,
)


class CheckFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


class ConsolidateMode(StrEnum):
    COMPLETE = "complete"
    NODE = "node"
    CHOSEN = "chosen"


class TableFormat(StrEnum):
    TEXT = "text"
    CSV = "csv"
    JSON = "json"
    XLSX = "xlsx"


def fail_read(error: FilingReadError) -> NoReturn:
    err.print("[bold red]无法读取填报文件[/]")
    for problem in error.problems:
        # soft_wrap: never break "file:line [path]" across lines (editors and grep need it)
        err.print("  " + escape(format_problem(error.file, problem)), soft_wrap=True)
    raise typer.Exit(EXIT_UNREADABLE)


def read(path: Path) -> LoadedFiling:
    try:
        return load_filing(path)
    except FilingReadError as error:
        fail_read(error)


def located(loaded: LoadedFiling, findings: list[Finding]) -> list[Finding]:
    """Attach the file name and YAML line to findings that point into the filing."""
    result = []
    for f in findings:
        if f.location.path is not None:
            f = f.at_file(loaded.file, loaded.source_map.line_of_text(f.location.path))
        result.append(f)
    return result


def summary(findings: list[Finding]) -> dict[str, int]:
    return {s.value: sum(1 for f in findings if f.severity is s) for s in Severity}


STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def print_findings(loaded: LoadedFiling, findings: list[Finding], minimum: Severity, *,
                   heading: bool = True) -> None:
    filing = loaded.filing
    if heading:
        out.print(f"[bold]{escape(filing.department.name)}[/] {filing.year} 年度决算  "
                  f"（{escape(loaded.file)}）", soft_wrap=True)
    finding_lines([f for f in findings if f.severity.rank <= minimum.rank], findings)


def finding_lines(shown: list[Finding], findings: list[Finding], verdicts: tuple[str, str] = ("未通过", "通过")) -> None:
    """Each finding shown (severity, rule, place, message), then the counts of all of them under
    the verdict for errors or for none."""
    for f in shown:
        out.print(f"[{STYLE[f.severity]}]{f.severity.label}[/] [bold]{escape(f.rule)}[/]  "
                  f"[dim]{escape(f.location.describe())}[/]", soft_wrap=True)
        out.print(f"    {escape(f.message)}", soft_wrap=True)
    counts = summary(findings)
    verdict = f"[bold red]{verdicts[0]}[/]" if counts["error"] else f"[bold green]{verdicts[1]}[/]"
    out.print(f"{verdict}：错误 {counts['error']} 条，警告 {counts['warning']} 条，"
              f"提示 {counts['info']} 条")


SCHEME_HELP = ("评分办法：内置名称（hubei-2020、central-2020、sichuan-2023）或评分办法 YAML 文件；"
               "缺省取填报文件 performance.scheme")


def fail_scheme(exc: Exception) -> NoReturn:
    err.print(f"[bold red]无法使用评分办法[/]：{escape(str(exc))}", soft_wrap=True)
    raise typer.Exit(EXIT_UNREADABLE)


def checked_scheme(name: str | None) -> None:
    """Refuse a ``--scheme`` that names no bundled scheme and no readable scheme file
    (exit 2, naming the bundled ones) before anything is read or written."""
    from juesuan.performance.scheme import SchemeError, load_scheme

    if name is not None:
        try:
            load_scheme(name)
        except SchemeError as exc:
            fail_scheme(exc)


def scheme_of(loaded: LoadedFiling, chosen: str | None) -> Scheme | None:
    """The scheme for a filing's self-evaluations: ``--scheme`` or the filing's own; exit 2
    naming the bundled schemes when it cannot be found or read."""
    from juesuan.performance.scheme import SchemeError, scheme_for

    line = loaded.source_map.line_of_text("performance.scheme")
    where = f"{loaded.file}{'' if line is None else f':{line}'} [performance.scheme]"
    try:
        return scheme_for(loaded.filing, chosen, where=where)
    except SchemeError as exc:
        fail_scheme(exc)


TEMPLATE_HELP = ("公开模板：内置名称（central-2017、central-2020、hubei-2020、shanghai-2024、shanghai-2024-24，"
                 "见 docs/templates.md）或模板 YAML 文件；缺省取填报文件的 layout，未写时按年度")


def template_option(name: str | None) -> Template | None:
    """The template ``--template`` names (a bundled name or a file); exit 2 naming the
    bundled ones when it cannot be found or read."""
    from juesuan.template.catalogue import TemplateError, load_template

    if name is None:
        return None
    try:
        return load_template(name)
    except TemplateError as exc:
        err.print(f"[bold red]无法使用公开模板[/]：{escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(EXIT_UNREADABLE) from None


@app.command(cls=GuardedCommand)
def check(
    filing: Annotated[Path, typer.Argument(help="填报文件（YAML 或 JSON）")],
    scheme: Annotated[str | None, typer.Option("--scheme", "-s", help=SCHEME_HELP)] = None,
    template: Annotated[str | None, typer.Option("--template", "-t", help=TEMPLATE_HELP)] = None,
    format: Annotated[CheckFormat, typer.Option("--format", "-f", help="输出格式")] = CheckFormat.TEXT,
    show: Annotated[
        Severity, typer.Option("--show", help="文本输出中显示到哪一级（error / warning / info）")
    ] = Severity.INFO,
) -> None:
    """检查填报文件：九张表的勾稽关系、填报文件本身、绩效自评（P.*，按评分办法）和情况说明所需资料（N.*），
    与 juesuan report 文档末尾的检查结果相同。退出码：0 无错误，1 有错误，2 文件或评分办法无法读取，3 内部错误。"""
    from juesuan.assess import check_all
    from juesuan.tables.build import build_tables

    chosen_template = template_option(template)
    loaded = read(filing)
    chosen = scheme_of(loaded, scheme)
    if chosen_template is None:
        findings = located(loaded, check_all(loaded.filing, scheme=chosen))
    else:
        findings = located(loaded, check_all(
            loaded.filing, build_tables(loaded.filing, chosen_template), chosen,
            chosen_template.explanation_style))
    if format is CheckFormat.JSON:
        data = {
            "file": loaded.file,
            "department": loaded.filing.department.name,
            "year": loaded.filing.year,
            "scheme": chosen.name if chosen is not None else None,
            "summary": summary(findings),
            "findings": [f.to_data() for f in findings],
        }
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        print_findings(loaded, findings, show)
    raise typer.Exit(EXIT_FINDINGS if has_errors(findings) else EXIT_OK)


@app.command(cls=GuardedCommand)
def tables(
    filing: Annotated[Path, typer.Argument(help="填报文件（YAML 或 JSON）")],
    format: Annotated[TableFormat, typer.Option("--format", "-f", help="输出格式")] = TableFormat.TEXT,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="输出文件；xlsx 缺省为 <文件名>-tables.xlsx")
    ] = None,
    template: Annotated[str | None, typer.Option("--template", "-t", help=TEMPLATE_HELP)] = None,
) -> None:
    """由填报文件生成公开表（单位：万元），按填报文件或 --template 指定的公开模板。"""
    from juesuan.render.csv import tables_to_csv
    from juesuan.render.json import tables_to_json
    from juesuan.render.text import tables_to_text
    from juesuan.render.xlsx import tables_to_xlsx
    from juesuan.tables.build import build_tables

    chosen_template = template_option(template)
    loaded = read(filing)
    ts = build_tables(loaded.filing, chosen_template)
    if format is TableFormat.XLSX:
        target = output or Path(f"{filing.stem}-tables.xlsx")
        write(target, tables_to_xlsx(ts))
        err.print(f"已写入 {escape(str(target))}")
        return
    renderers: dict[TableFormat, Callable[[Any], str]] = {TableFormat.TEXT: tables_to_text, TableFormat.CSV: tables_to_csv,
                 TableFormat.JSON: tables_to_json}
    text = renderers[format](ts)
    if output is not None:
        # Excel only recognises UTF-8 CSV with a byte-order mark.
        encoding = "utf-8-sig" if format is TableFormat.CSV else "utf-8"
        write(output, text.encode(encoding))
        err.print(f"已写入 {escape(str(output))}")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")


def write(target: Path, data: bytes) -> None:
    if target.is_dir():
        err.print(f"[bold red]输出路径是目录：{escape(str(target))}[/]，请给出文件名")
        raise typer.Exit(EXIT_UNREADABLE)
    try:
        atomic_write(target, data)
    except OSError as exc:
        err.print(f"[bold red]无法写入 {escape(str(target))}：{escape(exc.strerror or str(exc))}[/]")
        raise typer.Exit(EXIT_UNREADABLE) from None


class ScoreFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    TABLES = "tables"
    XLSX = "xlsx"


@app.command(cls=GuardedCommand)
def score(
    filing: Annotated[Path, typer.Argument(help="填报文件（YAML 或 JSON），含 performance 部分")],
    scheme: Annotated[str | None, typer.Option("--scheme", "-s", help=SCHEME_HELP)] = None,
    format: Annotated[ScoreFormat, typer.Option("--format", "-f", help="输出格式")] = ScoreFormat.TEXT,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="输出文件；xlsx 缺省为 <文件名>-自评表.xlsx")
    ] = None,
) -> None:
    """按评分办法为绩效自评计分，并检查自评表。退出码：0 无错误，1 有错误，2 无法读取，3 内部错误。"""
    from juesuan.performance.forms import performance_tables
    from juesuan.performance.report import score_data, score_text
    from juesuan.performance.rules import check_performance
    from juesuan.render.text import tables_to_text
    from juesuan.render.xlsx import tables_to_xlsx

    loaded = read(filing)
    performance = loaded.filing.performance
    if performance is None:
        err.print(f"[bold red]{escape(loaded.file)} 没有绩效自评（performance）部分[/]")
        raise typer.Exit(EXIT_UNREADABLE)
    chosen = scheme_of(loaded, scheme)
    if chosen is None:
        err.print("[bold red]未指定评分办法[/]：用 --scheme 指定，或在填报文件 performance.scheme 中填写")
        raise typer.Exit(EXIT_UNREADABLE)
    result, findings = check_performance(loaded.filing, chosen)
    assert result is not None
    findings = located(loaded, findings)
    department, year = loaded.filing.department.name, loaded.filing.year
    if format is ScoreFormat.JSON:
        data = score_data(result, findings, file=loaded.file, department=department, year=year)
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    elif format is ScoreFormat.TABLES:
        sys.stdout.write(tables_to_text(performance_tables(performance, result, department, year)))
        sys.stdout.write("\n")
    elif format is ScoreFormat.XLSX:
        target = output or Path(f"{filing.stem}-自评表.xlsx")
        write(target, tables_to_xlsx(performance_tables(performance, result, department, year)))
        err.print(f"已写入 {escape(str(target))}")
    else:
        out.print(escape(score_text(result, department=department, year=year)), soft_wrap=True)
        print_findings(loaded, findings, Severity.INFO, heading=False)
    raise typer.Exit(EXIT_FINDINGS if has_errors(findings) else EXIT_OK)


class PartOrder(StrEnum):
    TEMPLATE = "template"
    SEED = "seed"


@app.command(cls=GuardedCommand)
def report(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="填报文件，或含多个填报文件的目录")],
    output: Annotated[Path, typer.Option("--output", "-o", help="输出目录")] = Path("out"),
    formats: Annotated[
        str, typer.Option("--format", "-f", help="输出格式，逗号分隔：html,docx,xlsx,pdf,json 为公开文档，"
                                                  "review、review-json 为审核意见（检查结果与自评得分复核，不公开）")
    ] = "html,docx,xlsx,pdf,json,review",
    order: Annotated[
        PartOrder | None,
        typer.Option("--order", help="各部分顺序与说明文字式样：template（决算表在前，2024 年模板）或 "
                     "seed（情况说明在前，2020 年式样）；缺省按公开模板"),
    ] = None,
    scheme: Annotated[str | None, typer.Option("--scheme", "-s", help=SCHEME_HELP)] = None,
    template: Annotated[str | None, typer.Option("--template", "-t", help=TEMPLATE_HELP)] = None,
    strict: Annotated[bool, typer.Option("--strict", help="有错误的填报不生成文档")] = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="并行进程数")] = 2,
) -> None:
    """生成部门决算公开文档（HTML、DOCX、XLSX、PDF、JSON）。退出码：0 无错误，1 有错误，2 有文件无法读取，3 内部错误。"""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from juesuan.document.build import Order
    from juesuan.publish import FORMATS, Outcome, filings_in, publish_many

    chosen = tuple(f.strip().lower() for f in formats.split(",") if f.strip())
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        err.print(f"[bold red]不支持的格式：{escape('、'.join(unknown) or formats)}[/]；"
                  f"可选：{'、'.join(FORMATS)}")
        raise typer.Exit(EXIT_UNREADABLE)
    checked_scheme(scheme)
    chosen_template = template_option(template)
    missing = [p for p in paths if not p.exists()]
    if missing:
        err.print(f"[bold red]找不到：{escape('、'.join(map(str, missing)))}[/]")
        raise typer.Exit(EXIT_UNREADABLE)
    if output.exists() and not output.is_dir():
        err.print(f"[bold red]输出路径不是目录：{escape(str(output))}[/]")
        raise typer.Exit(EXIT_UNREADABLE)
    total = len(list(filings_in(paths)))
    if total == 0:
        err.print("[bold red]没有找到填报文件（*.yaml、*.yml、*.json）[/]")
        raise typer.Exit(EXIT_UNREADABLE)
    with Progress(TextColumn("生成文档"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True) as progress:
        task = progress.add_task("report", total=total)

        def advance(_: Outcome) -> None:
            progress.advance(task)

        chosen_order: Order | None = None if order is None else (
            "seed" if order is PartOrder.SEED else "template")
        outcomes = publish_many(paths, output, chosen, chosen_order, scheme, strict,
                                workers=jobs, progress=advance, template=chosen_template)
    table = RichTable(title=f"决算公开文档：{total} 份填报")
    for name in ("填报文件", "部门", "年度", "错误", "警告", "提示", "结果"):
        table.add_column(name, overflow="fold")
    for o in outcomes:
        if o.internal:
            result = "[red]内部错误，未生成[/]"
        elif o.unreadable:
            result = "[red]无法读取[/]"
        elif o.unwritable:
            result = f"[red]无法写入[/]（已写入 {len(o.written)} 个文件）"
        elif o.skipped:
            result = "[red]有错误，未生成（--strict）[/]"
        else:
            result = f"已生成 {len(o.written)} 个文件"
        table.add_row(escape(Path(o.filing).name), escape(o.department), str(o.year or ""), str(o.counts["error"]),
                      str(o.counts["warning"]), str(o.counts["info"]), result)
    out.print(table)
    debug = _debugging(ctx)
    for o in outcomes:
        for message in o.unreadable:
            err.print("  " + escape(message), soft_wrap=True)
        if o.unwritable:
            err.print("  " + escape(o.unwritable), soft_wrap=True)
        if o.internal:
            if debug and o.traceback:
                sys.stderr.write(o.traceback)
            err.print(f"  {escape(o.filing)}：{escape(o.internal)}", soft_wrap=True)
    written = sum(len(o.written) for o in outcomes)
    out.print(f"共写入 {written} 个文件到 {escape(str(output))}/", soft_wrap=True)
    if any(o.internal for o in outcomes):
        raise typer.Exit(EXIT_INTERNAL)
    if any(o.unreadable or o.unwritable for o in outcomes):
        raise typer.Exit(EXIT_UNREADABLE)
    raise typer.Exit(EXIT_FINDINGS if any(o.has_errors for o in outcomes) else EXIT_OK)


class AuditFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    HTML = "html"


@app.command(cls=GuardedCommand)
def audit(
    ctx: typer.Context,
    paths: Annotated[
        list[Path], typer.Argument(help="公开报告（.txt .html .htm .pdf .docx .doc），或含报告的文件夹")
    ],
    format: Annotated[AuditFormat, typer.Option("--format", "-f", help="输出格式")] = AuditFormat.TEXT,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="输出文件；缺省写到标准输出")
    ] = None,
    show: Annotated[
        Severity, typer.Option("--show", help="文本输出中显示到哪一级（error / warning / info）")
    ] = Severity.INFO,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="并行进程数")] = 2,
) -> None:
    """审查已公开的部门决算报告：读出九张表并检查勾稽关系、完整性、名称和单位。
    退出码：0 无错误，1 有错误，2 有文件无法读取，3 内部错误。"""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from juesuan.audit.batch import REPORT_SUFFIXES, AuditOutcome, audit_many, reports_in
    from juesuan.performance.scheme import bundled_schemes

    missing = [p for p in paths if not p.exists()]
    if missing:
        err.print(f"[bold red]找不到：{escape('、'.join(map(str, missing)))}[/]")
        raise typer.Exit(EXIT_UNREADABLE)
    total = len(list(reports_in(paths)))
    if total == 0:
        err.print(f"[bold red]没有找到公开报告（{'、'.join('*' + s for s in REPORT_SUFFIXES)}）[/]")
        raise typer.Exit(EXIT_UNREADABLE)
    with Progress(TextColumn("审查报告"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True, disable=total <= 1) as progress:
        task = progress.add_task("audit", total=total)

        def advance(_: AuditOutcome) -> None:
            progress.advance(task)

        # the 自评表 are scored under the bundled scheme their form implies
        outcomes = audit_many(paths, workers=jobs, progress=advance, schemes=bundled_schemes())

    if format is AuditFormat.TEXT:
        console = out
        if output is not None:
            console = Console(file=io.StringIO(), highlight=False, soft_wrap=False, width=120)
        for o in outcomes:
            print_audit(console, o, show)
        print_audit_summary(console, outcomes)
        if output is not None:
            write(output, console.file.getvalue().encode("utf-8"))  # type: ignore[attr-defined]
            err.print(f"已写入 {escape(str(output))}")
    else:
        if format is AuditFormat.JSON:
            text = json.dumps([o.to_data() for o in outcomes], ensure_ascii=False, indent=2) + "\n"
        else:
            from juesuan.audit.html import audit_html

            text = audit_html(outcomes)
        if output is not None:
            write(output, text.encode("utf-8"))
            err.print(f"已写入 {escape(str(output))}")
        else:
            sys.stdout.write(text)
        print_audit_summary(err, outcomes)
    internal = [o for o in outcomes if o.internal]
    if internal:
        debug = _debugging(ctx)
        for o in internal:
            if debug and o.traceback:
                sys.stderr.write(o.traceback)
            err.print(f"  {escape(o.file)}：{escape(o.error or '')}", soft_wrap=True)
        raise typer.Exit(EXIT_INTERNAL)
    if any(o.error for o in outcomes):
        raise typer.Exit(EXIT_UNREADABLE)
    raise typer.Exit(EXIT_FINDINGS if any(o.has_errors for o in outcomes) else EXIT_OK)


def print_audit(console: Console, outcome: Any, minimum: Severity) -> None:
    """One report's findings, each with where it is and the text it quotes."""
    name = outcome.department or "（未认出部门）"
    year = f" {outcome.year} 年度" if outcome.year else ""
    console.print(f"[bold]{escape(name)}[/]{year}  （{escape(outcome.file)}）", soft_wrap=True)
    if outcome.error:
        label = "" if outcome.internal else "[bold red]无法读取[/]："  # the message says 内部错误
        console.print(f"  {label}{escape(outcome.error)}", soft_wrap=True)
        return
    for f in outcome.findings:
        if f.severity.rank > minimum.rank:
            continue
        console.print(f"[{STYLE[f.severity]}]{f.severity.label}[/] [bold]{escape(f.rule)}[/]  "
                      f"[dim]{escape(f.location.describe())}[/]", soft_wrap=True)
        console.print(f"    {escape(f.message)}", soft_wrap=True)
        if f.location.quote:
            console.print(f"    [dim]原文：{escape(f.location.quote)}[/]", soft_wrap=True)
    counts = outcome.summary
    verdict = "[bold red]未通过[/]" if counts["error"] else "[bold green]通过[/]"
    console.print(f"{verdict}：错误 {counts['error']} 条，警告 {counts['warning']} 条，"
                  f"提示 {counts['info']} 条")


def print_audit_summary(console: Console, outcomes: list[Any]) -> None:
    table = RichTable(title=f"公开报告审查：{len(outcomes)} 份")
    for name in ("文件", "部门", "年度", "错误", "警告", "提示", "结果"):
        table.add_column(name, overflow="fold")
    for o in outcomes:
        counts = o.summary
        if o.error:
            result = "[red]内部错误[/]" if o.internal else "[red]无法读取[/]"
        else:
            result = "[red]未通过[/]" if counts["error"] else "[green]通过[/]"
        table.add_row(escape(Path(o.file).name), escape(o.department or ""), str(o.year or ""),
                      str(counts["error"]), str(counts["warning"]), str(counts["info"]), result)
    console.print(table)


@app.command("import", cls=GuardedCommand)
def import_(
    report: Annotated[Path, typer.Argument(help="公开报告（.txt .html .htm .pdf .docx .doc）")],
    output: Annotated[Path, typer.Option("--output", "-o", help="写出的填报文件（YAML）")],
) -> None:
    """由已公开的部门决算报告读出填报文件（部分）：九张表、绩效自评表、部门概况。
    未能提取的部分在文件开头的“未能提取”注释中列出。退出码：0 已写出，2 报告无法读取或无法写出，3 内部错误。"""
    from juesuan.audit.batch import UnreadableReport, read_source
    from juesuan.audit.check import audit as audit_report
    from juesuan.audit.importer import import_report
    from juesuan.performance.scheme import bundled_schemes

    if not report.is_file():
        err.print(f"[bold red]找不到报告文件：{escape(str(report))}[/]")
        raise typer.Exit(EXIT_UNREADABLE)
    try:
        source = read_source(report)
    except UnreadableReport as exc:
        err.print(f"[bold red]无法读取报告[/]：{escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(EXIT_UNREADABLE) from None
    imported = import_report(audit_report(source, claims=False, schemes=bundled_schemes()))
    write(output, imported.text.encode("utf-8"))
    filing = imported.filing
    err.print(f"已写入 {escape(str(output))}：{escape(filing.department.name)} {filing.year} 年度，"
              f"收入 {len(filing.income)} 行，支出 {len(filing.expenditure)} 行，"
              f"绩效自评表 {_forms(filing)} 张", soft_wrap=True)
    if imported.missing:
        err.print("未能提取：" + escape("；".join(imported.missing)), soft_wrap=True)


def _forms(filing: Any) -> int:
    performance = filing.performance
    if performance is None:
        return 0
    return len(performance.projects) + (1 if performance.department is not None else 0)


@app.command(cls=GuardedCommand)
def schema() -> None:
    """输出填报文件的 JSON Schema。"""
    from juesuan.filing.schema import filing_schema

    sys.stdout.write(json.dumps(filing_schema(), ensure_ascii=False, indent=2) + "\n")


@app.command(cls=GuardedCommand)
def rules(
    markdown: Annotated[bool, typer.Option("--markdown", help="输出 Markdown 规则目录")] = False,
) -> None:
    """列出全部检查规则。"""
    from juesuan.catalogue import catalogue_markdown, catalogue_rows

    if markdown:
        sys.stdout.write(catalogue_markdown())
        return
    table = RichTable()
    for name in ("规则", "级别", "范围", "名称"):
        table.add_column(name)
    for row in catalogue_rows():
        table.add_row(row["id"], row["severity"], row["scope"], row["title"])
    out.print(table)


def read_tree(path: Path) -> dict[str, str | None]:
    """The unit tree file: each unit's code → its 上级's code (null for the top unit); exit 2
    with a Chinese message when it cannot be read."""
    from juesuan.filing.io import parse_data, read_text

    def refuse(message: str) -> NoReturn:
        err.print(f"[bold red]无法读取单位树文件[/] {escape(str(path))}：{escape(message)}", soft_wrap=True)
        raise typer.Exit(EXIT_UNREADABLE)

    try:
        data, _ = parse_data(read_text(path, what="单位树文件"), str(path),
                             json_format=path.suffix.lower() == ".json")
    except FilingReadError as error:
        err.print("[bold red]无法读取单位树文件[/]")
        for problem in error.problems:
            err.print("  " + escape(format_problem(error.file, problem)), soft_wrap=True)
        raise typer.Exit(EXIT_UNREADABLE) from None
    if not isinstance(data, dict) or not data:
        refuse("应是“单位编码: 上级单位编码”的键值对，每个单位一行，最上级单位的上级写 null")

    def code(value: object) -> str | None:
        # YAML reads an unquoted 101001 as a number; a code is its digits
        if isinstance(value, str) and value.strip():
            return value.strip()
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return None

    parents: dict[str, str | None] = {}
    for key, value in data.items():
        unit = code(key)
        if unit is None:
            refuse(f"单位编码“{printable(str(key), 30)}”不是编码（应为数字或字符串）")
        parent = None if value is None else code(value)
        if value is not None and parent is None:
            refuse(f"单位 {unit} 的上级编码“{printable(str(value), 30)}”不是编码（应为编码，或 null 表示最上级单位）")
        if parent == unit:
            refuse(f"单位 {unit} 的上级是它自己")
        parents[unit] = parent
    return parents


@app.command("consolidate", cls=GuardedCommand)
def consolidate_command(
    filings: Annotated[list[Path], typer.Argument(help="各单位的填报文件（YAML 或 JSON）")],
    output: Annotated[Path, typer.Option("--output", "-o", help="写出的汇总填报文件（YAML）")],
    tree: Annotated[
        Path | None, typer.Option("--tree", help="单位树文件（YAML：单位编码: 上级单位编码）；"
                                  "缺省时第一份填报为本级单位，其余为其直接下级")] = None,
    mode: Annotated[
        ConsolidateMode, typer.Option("--mode", help="complete 完全汇总（单位及其全部下级）、node 节点汇总"
                                      "（单位及其直接下级）、chosen 选择汇总（所给的填报）")
    ] = ConsolidateMode.COMPLETE,
    root: Annotated[str | None, typer.Option("--root", help="汇总的单位编码（缺省为单位树的最上级单位）")] = None,
    name: Annotated[str | None, typer.Option("--name", help="汇总后的部门名称（缺省取汇总单位的名称）")] = None,
) -> None:
    """汇总各单位决算为部门决算：抵消上下级单位之间的上级补助收入与对附属单位补助支出、附属单位上缴收入与上缴上级支出，
    其余逐项相加；写出汇总填报文件，列出抵消情况和核对结果（H.1、H.2）。
    退出码：0 无错误，1 抵消两方不符，2 文件无法读取或无法汇总，3 内部错误。"""
    import yaml

    from juesuan.consolidate import (
        ConsolidationError,
        Mode,
        choose_root,
        flat_tree,
        tree_from_parents,
    )
    from juesuan.consolidate import consolidate as consolidate_units
    from juesuan.filing.io import filing_to_data

    parents = read_tree(tree) if tree is not None else None
    loaded = [read(path) for path in filings]
    chosen_mode = Mode(mode.value)
    try:
        if parents is None:
            trees = [flat_tree([one.filing for one in loaded])]
        else:
            trees = tree_from_parents(parents, [one.filing for one in loaded])
        keys = [node.key for node in trees[0].walk()] if parents is None else [
            one.filing.department.code or "" for one in loaded]
        if chosen_mode is Mode.CHOSEN and root is None:
            top = choose_root([t for t in trees if t.find(keys[0]) is not None], None)
        else:
            top = choose_root(trees, root)
        result = consolidate_units(top, chosen_mode, chosen=keys, name=name)
        outside = [one.file for one, key in zip(loaded, keys, strict=False) if key not in result.units]
        if outside:
            raise ConsolidationError(
                f"{'、'.join(outside[:5])} 不在{chosen_mode.label}的范围内（单位 {top.key} 之下）；"
                "请去掉这些文件，或用 --root、--mode 选择汇总范围")
    except ConsolidationError as exc:
        err.print(f"[bold red]无法汇总[/]：{escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(EXIT_UNREADABLE) from None
    filing = result.filing
    files = {key: one.file for one, key in zip(loaded, keys, strict=False)}
    findings = [f.at_file(files.get(f.location.file or "", f.location.file or ""), None)
                for f in result.findings]
    unit = filing.unit.value
    table = RichTable(title=f"内部往来抵消（{chosen_mode.label}，单位：{unit}）")
    for column in ("单位", "对附属单位补助支出", "上级补助收入", "附属单位上缴收入", "上缴上级支出"):
        table.add_column(column, overflow="fold", justify="left" if column == "单位" else "right")
    for e in result.eliminations:
        table.add_row(f"[bold]{escape(e.parent_name)}[/]（{escape(e.parent)}）"
                      + ("  [yellow]部分下级[/]" if e.partial else ""),
                      exact(e.subsidy_paid), "", exact(e.remittance_received), "")
        for pair in e.pairs:
            table.add_row(f"  └ {escape(pair.child_name)}（{escape(pair.child)}）", "",
                          exact(pair.subsidy_received), "", exact(pair.remittance_paid))
    data = yaml.safe_dump(filing_to_data(filing), allow_unicode=True, sort_keys=False)
    write(output, data.encode("utf-8"))
    out.print(f"[bold]{escape(filing.department.name)}[/] {filing.year} 年度{chosen_mode.label}："
              f"{len(result.units)} 个单位", soft_wrap=True)
    if result.eliminations:
        # In a pipe rich would fold long unit names at 80 columns: give the table its own width
        # there (a terminal keeps its width).
        from rich.measure import Measurement

        if out.is_terminal:
            out.print(table)
        else:
            natural = Measurement.get(out, out.options.update_width(10_000), table).maximum
            Console(file=out.file, highlight=False, width=max(out.width, natural)).print(table)
    else:
        out.print("汇总范围内没有上下级单位，未抵消内部往来")
    finding_lines(findings, findings, ("抵消两方不符", "抵消核对通过"))
    out.print(f"已写入 {escape(str(output))}（收入 {len(filing.income)} 行，支出 {len(filing.expenditure)} 行）；"
              f"可用 juesuan check 检查汇总结果", soft_wrap=True)
    raise typer.Exit(EXIT_FINDINGS if has_errors(findings) else EXIT_OK)


def exact(value: Decimal) -> str:
    """An amount as summed, every decimal kept (at least two): the eliminations of 万元 filings
    carry 元 as 0.0001 (format's own rounding would be half-even, and to two places)."""
    return format_wan(value, max(2, decimal_places(value)), thousands=True)


DEMO_PASSWORD = "juesuan-demo"


@app.command(cls=GuardedCommand)
def serve(
    host: Annotated[str, typer.Option("--host", help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", "-p", min=1, max=65535, help="端口")] = 8000,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, help="工作进程数")] = 2,
    data: Annotated[
        Path | None, typer.Option("--data", help="数据目录（SQLite 数据库、密钥、缓存），缺省 ./juesuan-data")
    ] = None,
    examples: Annotated[bool, typer.Option("--examples/--no-examples", help="首次启动时载入示例")] = True,
    demo: Annotated[bool, typer.Option("--demo", help=f"创建各角色的演示账号（密码 {DEMO_PASSWORD}）")] = False,
    prepare_only: Annotated[bool, typer.Option("--prepare-only", help="只迁移数据库、载入示例，不启动服务")] = False,
    worker: Annotated[
        bool, typer.Option("--worker/--no-worker", help="同时启动本机的后台任务工作进程（另有工作进程时用 --no-worker）")
    ] = True,
) -> None:
    """启动决算公开平台（单位填报、部门和财政审核、公开门户）。缺省使用内嵌 SQLite；设置 DATABASE_URL 使用 PostgreSQL。"""
    from juesuan.web import serve as web

    web.setup(data)
    done = web.prepare(examples=examples, demo_password=DEMO_PASSWORD if demo else None)
    for record in done["examples"]:
        out.print(f"已载入示例：{record}（已公开）")
    if demo:
        from juesuan.web.seed import DEMO_USERS

        table = RichTable(title=f"演示账号（密码均为 {DEMO_PASSWORD}，仅供演示，正式使用前请删除或修改）")
        table.add_column("用户名")
        table.add_column("角色")
        table.add_column("说明")
        for user in DEMO_USERS:
            table.add_row(user.username, user.role.label, user.name)
        out.print(table)
    if prepare_only:
        return
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host
    out.print(f"决算公开平台：http://{shown}:{port}/  （公开门户）  http://{shown}:{port}/desk/  （工作台）  按 Ctrl+C 停止")
    if worker:
        out.print(f"后台任务：本机工作进程，日志写入 {escape(str(web.data_dir() / web.WORKER_LOG))}")
    web.run(host, port, workers, worker=worker)


@app.command(cls=GuardedCommand,
             context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def manage(
    ctx: typer.Context,
    data: Annotated[Path | None, typer.Option("--data", help="数据目录，缺省 ./juesuan-data")] = None,
) -> None:
    """运行 Django 管理命令，如 juesuan manage createsuperuser、juesuan manage dbshell。"""
    from django.core.management import execute_from_command_line

    from juesuan.web import serve as web

    web.setup(data)
    execute_from_command_line(["juesuan manage", *ctx.args])


@app.command(cls=GuardedCommand)
def datapackage(
    filings: Annotated[list[Path], typer.Argument(help="同一地区同一年度的填报文件（YAML 或 JSON）")],
    output: Annotated[Path, typer.Option("--output", "-o", help="输出目录：写入 datapackage.json 和 data/*.csv")],
    region: Annotated[str, typer.Option("--region", "-r", help="区划代码，如 310107")],
) -> None:
    """把同一地区同一年度的填报文件写成一个开放数据包（Frictionless Data Package）。
    单位编码取文件名，部门编码取填报文件的部门编码（缺省同单位编码）。"""
    from juesuan.render.datapackage import DESCRIPTOR, Identity, PackageError, build_package

    loaded = [read(path).filing for path in filings]
    items = [(Identity(region, f.department.region, f.year, f.department.code or path.stem, f.department.name,
                       path.stem, f.department.name), f) for path, f in zip(filings, loaded, strict=True)]
    try:
        files = build_package(region, loaded[0].department.region, loaded[0].year, items)
    except PackageError as exc:
        err.print(f"[bold red]{escape(str(exc))}[/]")
        raise typer.Exit(EXIT_UNREADABLE) from None
    for name, data in files.items():
        try:
            (output / name).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            err.print(f"[bold red]无法创建目录 {escape(str(output))}：{escape(exc.strerror or str(exc))}[/]")
            raise typer.Exit(EXIT_UNREADABLE) from None
        write(output / name, data)
    err.print(f"已写入 {escape(str(output / DESCRIPTOR))}（{len(items)} 个公开件）")


@app.command(cls=GuardedCommand)
def worker(
    data: Annotated[Path | None, typer.Option("--data", help="数据目录，缺省 ./juesuan-data")] = None,
    concurrency: Annotated[int, typer.Option("--concurrency", "-c", min=1, help="同时执行的任务数")] = 2,
    hostname: Annotated[
        str | None, typer.Option("--hostname", "-n", help="工作进程名，缺省 juesuan@<主机名>")
    ] = None,
) -> None:
    """在前台运行后台任务的工作进程（导入文件的读取等），按 Ctrl+C 停止。在其他机器上运行时，
    设置与网站相同的 JUESUAN_BROKER_URL（如 redis://主机:6379/0）和 DATABASE_URL。"""
    from juesuan.web import serve as web

    web.setup(data)
    from juesuan.web.jobs.celery import app as celery_app

    celery_app.worker_main(["worker", "--pool", "prefork", "--concurrency", str(concurrency),
                            "--loglevel", "INFO", "-n", hostname or "juesuan@%h"])


def version_callback(value: bool) -> None:
    if value:
        out.print(f"juesuan {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=version_callback, is_eager=True, help="显示版本")
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="内部错误时显示完整的错误跟踪（traceback），供报告问题")
    ] = False,
) -> None:
    """juesuan 部门决算公开工具。退出码：0 无错误，1 有错误，2 文件无法读取，3 内部错误。"""


def main() -> Any:
    try:
        return app()
    finally:
        # The objects left are freed with the process. Without this, the interpreter
        # collects them one by one at exit: a sixth of a second after a PDF.
        gc.freeze()
