"""Every bound juesuan puts on its input, in one place.

Readers, parsers and the web app take their limits from here, and ``docs/limits.md`` is
generated from :data:`LIMITS` (a test keeps it current), so what is documented is what
is enforced. Exceeding a bound is a clear Chinese message and exit code 2, never a
traceback, a hang or a machine out of memory.

Each limit is a plain module constant (what the code reads) plus one :class:`Limit`
entry describing it (what the documentation reads). Add both together.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    name: str  # the constant's name in this module
    value: int
    unit: str  # Chinese: 字节、位、页、行…
    area: str  # which input: 填报文件、数字、评分办法、公开报告、网页…
    what: str  # Chinese: what is bounded and what happens beyond


# ---------------------------------------------------------------- numbers (the core)
# Amounts: at most 18 integer digits (a national budget is about 10^13 元).
MAX_INTEGER_DIGITS = 18
# At most 10 decimal places as written (exponent ≥ -10): with 18 integer digits every
# accepted number fits in 28 significant digits, the precision of juesuan.money.CORE_CONTEXT.
MAX_DECIMAL_PLACES = 10
# Characters of one unquoted number in a file, in a report's table or a target text (digits,
# sign, point, exponent): longer ones are refused before they are converted at all.
MAX_NUMBER_CHARS = 64
# Indicator target and actual texts are read for a number only up to this length;
# longer ones are qualitative statements (scored by tier), never parsed.
MAX_TARGET_CHARS = 500

# ---------------------------------------------------------------- filing files
# A filing is tens to hundreds of KB; larger files are refused before parsing.
MAX_FILING_BYTES = 5 * 1024 * 1024
# Values in a filing with every YAML alias (*a) expanded: a filing has a few thousand.
MAX_FILING_NODES = 200_000
# Nesting of lists and mappings: a filing needs about 8 levels.
MAX_NESTING_DEPTH = 50
# Problems listed when a file cannot be read; the rest are counted.
MAX_READ_PROBLEMS = 50

# ---------------------------------------------------------------- scoring schemes
# A scheme file is 1-2 KB; it is read with the filing reader and its bounds besides.
MAX_SCHEME_BYTES = 1024 * 1024

# ---------------------------------------------------------------- published reports (audit, import)
# A report file is read whole into memory; scanned PDFs are the largest (tens of MB).
MAX_REPORT_BYTES = 100 * 1024 * 1024
# DOCX/XLSX are ZIPs decompressed in memory: the sizes their entries declare, together
# (Python's zipfile never returns more than an entry declares).
MAX_REPORT_UNZIPPED = 100 * 1024 * 1024
# Markup tags (<…>) of an HTML report or of a DOCX's XML, counted before parsing: a parsed
# element costs a few hundred bytes; a DOCX report has about 50,000 tags.
MAX_REPORT_TAGS = 2_000_000
# Characters of text read from one report, table cells included; a report has about 50,000
# (the audit reads about half a million characters a second).
MAX_REPORT_CHARS = 2_000_000
# Lines of one report: lines of text, paragraphs (empty ones too) and table rows; a report
# has a few thousand.
MAX_REPORT_LINES = 200_000
# Tables of one report (an XLSX's worksheets count each); a report has 10 to 60.
MAX_REPORT_TABLES = 2_000
# Table cells of one report, merged cells expanded.
MAX_REPORT_CELLS = 2_000_000
# Columns of one table (HTML's own limit for colspan): cells further right are not read.
MAX_TABLE_COLUMNS = 1_000
# Merged cells expanded, a table holds at most this many times the cells present (counted as
# at least MAX_TABLE_COLUMNS): rowspan=0 colspan=1000 must not turn a small file into gigabytes.
MAX_SPAN_EXPANSION = 50
# PDF pages read; the rest is left unread, with a note.
MAX_REPORT_PAGES = 500
# Objects of one PDF page (characters, lines and other paths, images), counted as the page
# is parsed: a page of a report has 1,000-5,000; a page with more is not read (a note says so).
MAX_PDF_PAGE_OBJECTS = 20_000
# Objects of all PDF pages read: the pages after are not read (a note says so).
MAX_PDF_OBJECTS = 500_000
# Ruling lines of one PDF page, horizontal times vertical (after joining): a report's table
# has a few hundred. Finding tables costs more than the square of this; beyond it the page's
# text is read without its tables (a note says so).
MAX_PDF_TABLE_CROSSINGS = 5_000
# The same, for all PDF pages together.
MAX_PDF_CROSSINGS = 200_000
# Content streams of one PDF page as interpreted (decoded, a form XObject once for each use): a
# page of a report has 10-70 KB. Interpreting costs up to 10 µs a byte, whether or not the
# content draws anything, and a small file can unpack to megabytes of it.
MAX_PDF_PAGE_CONTENT = 1024 * 1024
# The same, for all PDF pages read (300 pages of a report): the pages after are not read
# (a note says so).
MAX_PDF_CONTENT = 8 * 1024 * 1024
# Figures stated in the text of one report that are checked against its tables; a report
# states a few hundred. The text after the last one checked is not (a finding says so).
MAX_REPORT_FIGURES = 50_000
# One stream of a PDF inflated (a font, a character map; images are not inflated): an
# embedded Chinese font has a few MB; a few KB of Flate can inflate to gigabytes.
MAX_PDF_STREAM = 64 * 1024 * 1024
# All streams of one PDF inflated while it is read.
MAX_PDF_INFLATED = 256 * 1024 * 1024
# Characters of the text a finding quotes: a window around the figure, "…" where cut.
MAX_QUOTE_CHARS = 200
# Findings of one rule on one report; the rest are counted in one more finding.
MAX_FINDINGS_PER_RULE = 200

# ---------------------------------------------------------------- web application
# An uploaded file (a filing, a published report): a few MB; more is refused unread.
UPLOAD_MAX_BYTES = 20 * 1024 * 1024
# Pages of an uploaded PDF report read for its tables (the rest is left unread, with a note).
UPLOAD_MAX_PDF_PAGES = 300
# An uploaded XLSX/DOCX is a ZIP decompressed in memory: refused by its declared unpacked size
# (a "zip bomb" is small but unpacks to gigabytes).
UPLOAD_MAX_UNZIPPED = 100 * 1024 * 1024
# Fields of one posted form: a section's form has one field per cell.
FORM_MAX_FIELDS = 20_000

# ---------------------------------------------------------------- background tasks (web)
# Reading an uploaded file for import: a real report takes seconds; the soft limit stops the
# task with a message, the hard limit kills its process if it does not stop.
TASK_IMPORT_SOFT_SECONDS = 120
TASK_IMPORT_HARD_SECONDS = 150
# Rendering a document's formats (the PDF of a large filing takes tens of seconds).
TASK_RENDER_SOFT_SECONDS = 300
TASK_RENDER_HARD_SECONDS = 360
# 汇总 of a department or a region (thousands of units' filings read and summed).
TASK_CONSOLIDATE_SOFT_SECONDS = 600
TASK_CONSOLIDATE_HARD_SECONDS = 720
# 审查公开报告 in the web app: a batch of uploaded reports, or a region's published PDFs (each
# rendered first when not cached: seconds a report).
TASK_AUDIT_SOFT_SECONDS = 600
TASK_AUDIT_HARD_SECONDS = 720
# Reports in one such batch: files uploaded (Django refuses more than 100 files in one form) or
# report files in an uploaded ZIP; a region's published reports beyond are not audited (said so).
AUDIT_MAX_REPORTS = 100
# Entries of an uploaded ZIP of reports, counted from its directory before anything is unpacked.
AUDIT_ZIP_MAX_ENTRIES = 1_000
# Address space of one worker process (JUESUAN_TASK_MEMORY_MB; 0 = no cap).
TASK_MEMORY_MB = 2048
# Redis: a task taken by a worker that died is given to another after this long
# (JUESUAN_TASK_VISIBILITY); longer than every hard limit, so no task runs twice at once.
TASK_VISIBILITY_SECONDS = 900
# Ended background jobs (their rows, rendered files and audit pages) are kept this long.
JOBS_KEPT_DAYS = 30
# A file left in the uploads folder (a job's worker killed while it read it) is removed after this.
UPLOADS_KEPT_HOURS = 24


LIMITS: tuple[Limit, ...] = (
    Limit("MAX_INTEGER_DIGITS", MAX_INTEGER_DIGITS, "位", "数字",
          "金额整数部分的位数；超出即为无法读取（退出码 2），不参与运算"),
    Limit("MAX_DECIMAL_PLACES", MAX_DECIMAL_PLACES, "位", "数字",
          "数字（金额、分值、执行率等）按书写的小数位数（指数不小于 −10）；超出即为无法读取"),
    Limit("MAX_NUMBER_CHARS", MAX_NUMBER_CHARS, "个字符", "数字",
          "文件中不加引号的一个数字、报告表格中的一个数字、指标文本中的一个数字的字符数"
          "（含符号、小数点、指数）；更长的不作转换，即为无法读取（文本中的不作为数值）"),
    Limit("MAX_TARGET_CHARS", MAX_TARGET_CHARS, "个字符", "数字",
          "绩效指标目标值、实际完成值按数字解读的文本长度；更长的视为定性表述，按评价档次计分；"
          "其中的数字同样受上面三项限制，超出的不作为指标值"),
    Limit("MAX_FILING_BYTES", MAX_FILING_BYTES, "字节", "填报文件",
          "填报文件的大小（一份填报通常不到 200 KB）；超出即不解析"),
    Limit("MAX_FILING_NODES", MAX_FILING_NODES, "项", "填报文件",
          "文件中的值的个数，YAML 别名（*…）展开后计；超出即为无法读取"),
    Limit("MAX_NESTING_DEPTH", MAX_NESTING_DEPTH, "层", "填报文件",
          "列表与键值对的嵌套层数（填报约需 8 层）；超出即为无法读取"),
    Limit("MAX_READ_PROBLEMS", MAX_READ_PROBLEMS, "条", "填报文件",
          "文件无法读取时逐条列出的问题数；其余只给出条数"),
    Limit("MAX_SCHEME_BYTES", MAX_SCHEME_BYTES, "字节", "评分办法",
          "评分办法文件的大小；评分办法与填报文件用同一读取器，填报文件与数字的各项限制同样适用"),
    Limit("MAX_REPORT_BYTES", MAX_REPORT_BYTES, "字节", "公开报告",
          "公开报告文件（`juesuan audit`、`juesuan import`、网页导入）的大小；超出即不读取（退出码 2）"),
    Limit("MAX_REPORT_UNZIPPED", MAX_REPORT_UNZIPPED, "字节", "公开报告",
          "DOCX、XLSX（ZIP 压缩包）各部分声明的解压后大小之和；超出即不解压、不读取"),
    Limit("MAX_REPORT_TAGS", MAX_REPORT_TAGS, "个", "公开报告",
          "HTML 报告或 DOCX 正文（document.xml）中的标记（<…>）个数，解析前计数；超出即不读取"),
    Limit("MAX_REPORT_CHARS", MAX_REPORT_CHARS, "字", "公开报告",
          "一份报告读出的文字（含表格单元格）；超出即不读取"),
    Limit("MAX_REPORT_LINES", MAX_REPORT_LINES, "行", "公开报告",
          "一份报告的行数：文字行、段落（含空段落）和表格行；超出即不读取"),
    Limit("MAX_REPORT_TABLES", MAX_REPORT_TABLES, "张", "公开报告",
          "一份报告中的表格数（XLSX 每张工作表计一张）；超出即不读取"),
    Limit("MAX_REPORT_CELLS", MAX_REPORT_CELLS, "个", "公开报告",
          "一份报告中表格的单元格数，合并单元格按展开后计（文本报告的表格各行按最宽一行补齐后计）；"
          "超出即不读取"),
    Limit("MAX_TABLE_COLUMNS", MAX_TABLE_COLUMNS, "列", "公开报告",
          "一张表格的列数；更靠右的单元格不读取，读取问题中注明"),
    Limit("MAX_SPAN_EXPANSION", MAX_SPAN_EXPANSION, "倍", "公开报告",
          "合并单元格（rowspan、colspan、gridSpan）展开后，一张表格的单元格数与实有单元格数之比"
          "（实有不足 1,000 个按 1,000 计）；超出即不读取"),
    Limit("MAX_REPORT_PAGES", MAX_REPORT_PAGES, "页", "公开报告",
          "PDF 报告读取的页数；更长的报告只读前面这些页，读取问题中注明"),
    Limit("MAX_PDF_PAGE_OBJECTS", MAX_PDF_PAGE_OBJECTS, "个", "公开报告",
          "PDF 一页中的对象（字符、线条和图片）数；超出的页不读取，读取问题中注明"),
    Limit("MAX_PDF_OBJECTS", MAX_PDF_OBJECTS, "个", "公开报告",
          "PDF 各页对象数之和；达到后其余页不读取，读取问题中注明"),
    Limit("MAX_PDF_TABLE_CROSSINGS", MAX_PDF_TABLE_CROSSINGS, "个", "公开报告",
          "PDF 一页中横向表格线数与纵向表格线数之积；超出的页只读文字、不识别表格，读取问题中注明"),
    Limit("MAX_PDF_CROSSINGS", MAX_PDF_CROSSINGS, "个", "公开报告",
          "PDF 各页横纵表格线数之积的和；达到后其余页只读文字、不识别表格，读取问题中注明"),
    Limit("MAX_REPORT_FIGURES", MAX_REPORT_FIGURES, "个", "公开报告",
          "一份报告的说明文字中与表格核对的数字；其后的文字不再核对，审查结果中注明"),
    Limit("MAX_PDF_PAGE_CONTENT", MAX_PDF_PAGE_CONTENT, "字节", "公开报告",
          "PDF 一页解释的内容流（解压后，表单对象每用一次计一次）；超出的页不读取，读取问题中注明"),
    Limit("MAX_PDF_CONTENT", MAX_PDF_CONTENT, "字节", "公开报告",
          "PDF 各页内容流合计；达到后其余页不读取，读取问题中注明"),
    Limit("MAX_PDF_STREAM", MAX_PDF_STREAM, "字节", "公开报告",
          "PDF 中一个压缩流（字体、字符映射等）解压后的大小；超出的流按空读取"),
    Limit("MAX_PDF_INFLATED", MAX_PDF_INFLATED, "字节", "公开报告",
          "读取一份 PDF 时解压的各流合计；达到后其余的流按空读取"),
    Limit("MAX_QUOTE_CHARS", MAX_QUOTE_CHARS, "个字符", "公开报告",
          "审查结果引用的原文长度；更长的句子只引数字前后这么多字，截去处以“…”表示"),
    Limit("MAX_FINDINGS_PER_RULE", MAX_FINDINGS_PER_RULE, "条", "公开报告",
          "一份报告中同一规则列出的问题数；其余合为一条“另有 N 处同类问题未列出”"),
    Limit("UPLOAD_MAX_BYTES", UPLOAD_MAX_BYTES, "字节", "网页",
          "上传文件（填报文件、决算表、公开报告）的大小；超出即不读取，提示文件过大；"
          "上传的填报文件（YAML、JSON）还受填报文件的各项限制"),
    Limit("UPLOAD_MAX_PDF_PAGES", UPLOAD_MAX_PDF_PAGES, "页", "网页",
          "上传的 PDF 公开报告读取的页数；更长的报告只读前面这些页，导入结果中注明“只读取了前 … 页”"),
    Limit("UPLOAD_MAX_UNZIPPED", UPLOAD_MAX_UNZIPPED, "字节", "网页",
          "上传的 XLSX、DOCX（ZIP 压缩包）按其声明的解压后大小；超出即不解压、不导入"),
    Limit("FORM_MAX_FIELDS", FORM_MAX_FIELDS, "个", "网页",
          "一次提交的表单字段数（每个单元格一个字段）；超出即拒绝该次提交"),
    Limit("TASK_IMPORT_SOFT_SECONDS", TASK_IMPORT_SOFT_SECONDS, "秒", "后台任务",
          "读取一个导入文件（后台任务）的时间；超出即停止，任务页面显示“处理超时”"),
    Limit("TASK_IMPORT_HARD_SECONDS", TASK_IMPORT_HARD_SECONDS, "秒", "后台任务",
          "读取导入文件的任务到此仍未停止时，结束其进程；任务记为失败"),
    Limit("TASK_RENDER_SOFT_SECONDS", TASK_RENDER_SOFT_SECONDS, "秒", "后台任务",
          "生成一份文档各格式（后台任务）的时间；超出即停止，任务页面显示“处理超时”"),
    Limit("TASK_RENDER_HARD_SECONDS", TASK_RENDER_HARD_SECONDS, "秒", "后台任务",
          "生成文档的任务到此仍未停止时，结束其进程；任务记为失败"),
    Limit("TASK_CONSOLIDATE_SOFT_SECONDS", TASK_CONSOLIDATE_SOFT_SECONDS, "秒", "后台任务",
          "计算一个部门或地区的汇总（后台任务）的时间；超出即停止，任务页面显示“处理超时”"),
    Limit("TASK_CONSOLIDATE_HARD_SECONDS", TASK_CONSOLIDATE_HARD_SECONDS, "秒", "后台任务",
          "汇总任务到此仍未停止时，结束其进程；任务记为失败"),
    Limit("TASK_AUDIT_SOFT_SECONDS", TASK_AUDIT_SOFT_SECONDS, "秒", "后台任务",
          "审查一批公开报告（上传的报告或本区划已公开的报告，后台任务）的时间；超出即停止，任务页面显示“处理超时”"),
    Limit("TASK_AUDIT_HARD_SECONDS", TASK_AUDIT_HARD_SECONDS, "秒", "后台任务",
          "审查公开报告的任务到此仍未停止时，结束其进程；任务记为失败"),
    Limit("AUDIT_MAX_REPORTS", AUDIT_MAX_REPORTS, "份", "网页",
          "网页上一次审查的公开报告数（上传的文件，或上传的 ZIP 中的报告）；超出即不审查，提示分批上传；"
          "审查本区划已公开的报告时只审查前这么多份，结果中注明"),
    Limit("AUDIT_ZIP_MAX_ENTRIES", AUDIT_ZIP_MAX_ENTRIES, "个", "网页",
          "上传审查的 ZIP 压缩包中的条目数（文件和文件夹）；超出即不解压、不审查。"
          "ZIP 中报告解压后的总大小受 UPLOAD_MAX_UNZIPPED 限制，含“..”或绝对路径的不解压"),
    Limit("TASK_MEMORY_MB", TASK_MEMORY_MB, "MB", "后台任务",
          "一个任务进程可用的内存（地址空间，JUESUAN_TASK_MEMORY_MB 可改，0 为不限）；"
          "超出即停止该任务，任务页面显示“内存超限”"),
    Limit("TASK_VISIBILITY_SECONDS", TASK_VISIBILITY_SECONDS, "秒", "后台任务",
          "使用 Redis 时，执行中的工作进程意外退出后，任务在这么久之后交给其他工作进程重新执行"
          "（JUESUAN_TASK_VISIBILITY 可改，应长于各任务的强制时限）"),
    Limit("JOBS_KEPT_DAYS", JOBS_KEPT_DAYS, "天", "后台任务",
          "已结束的后台任务（记录、生成的文档、审查结果页）保留的天数；工作进程启动时和"
          "“juesuan manage forget_jobs”删除更早的"),
    Limit("UPLOADS_KEPT_HOURS", UPLOADS_KEPT_HOURS, "小时", "后台任务",
          "上传文件在任务结束时即删除；工作进程被强行结束而留下的，超过这么久后删除"),
)


def limits_markdown() -> str:
    """docs/limits.md: every bound, grouped by the input it applies to."""
    lines = ["# 输入限制", "",
             "juesuan 对每一种输入都设了明确的上限。超出上限时给出中文说明（指明文件、位置和限制），",
             "退出码 2，不写出任何文件；不会出现程序错误、长时间无响应或内存耗尽。",
             "本页由 `juesuan.limits.LIMITS` 生成（`python -m juesuan.limits > docs/limits.md`）。", ""]
    areas: list[str] = []
    for limit in LIMITS:
        if limit.area not in areas:
            areas.append(limit.area)
    for area in areas:
        lines += [f"## {area}", "", "| 限制 | 上限 | 说明 |", "|---|---|---|"]
        for limit in LIMITS:
            if limit.area == area:
                lines.append(f"| `{limit.name}` | {limit.value:,} {limit.unit} | {limit.what} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    print(limits_markdown(), end="")
