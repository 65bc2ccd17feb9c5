"""Input kinds: how input *i* of a seed is made, and the command line it is given to.

Every input is made from ``random.Random(f"{seed}:{index}")`` alone, so ``--replay``
remakes it exactly. Each kind mixes mutations of real inputs (``fuzzing.mutate``) with
structured generation (hypothesis strategies, see :func:`fuzzing.values.draw`):

* ``yaml``, ``json`` — filings: the examples with values, lines, items and bytes
  mutated, or filings generated from the filing JSON Schema (mostly valid, so that the
  tables, rules and documents run on them; a few leaves nasty) →
  check / tables / score / report;
* ``scheme`` — scoring schemes: the bundled YAML schemes mutated, or generated from the
  scheme model's JSON Schema → ``score --scheme FILE`` of an example;
* ``text``, ``html``, ``docx``, ``xlsx``, ``pdf`` — published reports (the text
  fixtures, juesuan's own HTML/DOCX/XLSX/PDF of the examples, the fixture PDFs) mutated
  or generated → audit / import.
"""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from fuzzing import mutate as mu
from fuzzing.corpus import Corpus
from fuzzing.values import NUMBER_TEXTS, draw, nasty_text, tree_values


@dataclass
class Job:
    """One input: its files (relative names in the input's work folder) and the command line."""

    index: int
    kind: str
    command: str
    args: list[str]
    files: dict[str, bytes]
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def size(self) -> int:
        """Bytes of the input, a ZIP container (DOCX, XLSX) counted unzipped: its readers are
        bounded by the size unzipped (MAX_REPORT_UNZIPPED), and so is what they may hold."""
        return sum(unzipped_size(data) for data in self.files.values())


def unzipped_size(data: bytes) -> int:
    """``len(data)``, or for a ZIP archive the larger of that and its members' declared sizes."""
    if not data.startswith(b"PK\x03\x04"):
        return len(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            declared = sum(max(info.file_size, 0) for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return len(data)
    return max(len(data), declared)


FILING_KINDS = ("yaml", "json")
REPORT_KINDS = ("text", "html", "docx", "xlsx", "pdf")
KINDS = (*FILING_KINDS, "scheme", *REPORT_KINDS)
COMMANDS = ("check", "tables", "score", "report", "audit", "import")
COMMANDS_OF: dict[str, tuple[str, ...]] = {
    **{k: ("check", "tables", "score", "report") for k in FILING_KINDS},
    "scheme": ("score",),
    **{k: ("audit", "import") for k in REPORT_KINDS},
}
KIND_WEIGHTS = {"yaml": 3.0, "json": 2.0, "scheme": 1.0, "text": 2.0, "html": 1.5, "docx": 1.5,
                "xlsx": 1.5, "pdf": 1.0}
COMMAND_WEIGHTS = {"check": 1.0, "tables": 1.0, "score": 0.8, "report": 1.2, "audit": 2.0, "import": 1.0}


# --- structured generation from a JSON Schema -----------------------------------------------

TARGETS = ["≥95%", "≤5天", "不低于95%", "大于85分", "达到6万个", "2020年完成40万件", "全覆盖", "10万余件",
           "100%", "=1", "≥0", "≤0", "≥-5%", "提高", "有效提升", "较上年增长10%", "≥1e9", "0", "", "≥95",
           "≤0.00001天", "达到100000000000000000000个", "≥95%%", "≥(95)%"]


def _amounts() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False),
        st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False, allow_infinity=False),
        st.sampled_from([Decimal(0), Decimal("0.01"), Decimal("100"), Decimal("-1.00"), Decimal("1E+17")]),
        st.sampled_from(["1,234.56", " 12 ", "0", "-0.00", "999999999999999999"]),
    )


class SchemaStrategies:
    """Hypothesis strategies for instances of a JSON Schema (pydantic's), mostly valid; with
    ``dirty`` > 0, that share of leaves is replaced by a nasty value."""

    def __init__(self, schema: dict[str, Any], corpus: Corpus, dirty: float, max_items: int = 6,
                 amounts: st.SearchStrategy[Any] | None = None) -> None:
        self.schema = schema
        self.amounts = amounts if amounts is not None else _amounts()
        self.defs: dict[str, Any] = schema.get("$defs", {})
        self.corpus = corpus
        self.dirty = dirty
        self.max_items = max_items
        self.cache: dict[str, st.SearchStrategy[Any]] = {}
        self.item_codes = [c for c in corpus.functional_codes if len(c) == 7] or ["2010101"]
        self.economic = [c for c in corpus.economic_codes if len(c) == 5] or ["30101"]
        self.root = self.of(schema, "", "")

    def nasty(self) -> st.SearchStrategy[Any]:
        def pick(seed: int) -> Any:
            rng = random.Random(seed)
            return rng.choice(tree_values(rng))

        return st.one_of(st.integers(0, 2**32).map(pick), nasty_text(), st.sampled_from(NUMBER_TEXTS))

    def leaf(self, strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        if self.dirty <= 0:
            return strategy
        cut = int(self.dirty * 1000)
        return st.integers(0, 999).flatmap(lambda k: self.nasty() if k < cut else strategy)

    def of(self, schema: dict[str, Any], name: str, owner: str) -> st.SearchStrategy[Any]:
        """``name``: the property; ``owner``: the definition it belongs to (IncomeRow, …)."""
        if "$ref" in schema:
            ref = schema["$ref"].rsplit("/", 1)[-1]
            if ref not in self.cache:
                self.cache[ref] = st.deferred(lambda: self.of(self.defs[ref], name, ref))
            return self.cache[ref]
        if "anyOf" in schema or "oneOf" in schema:
            options: list[dict[str, Any]] = schema.get("anyOf") or schema.get("oneOf") or []
            types = {o.get("type") for o in options}
            if "number" in types and "string" in types:
                return self.leaf(self.amounts)
            inner = [o for o in options if o.get("type") != "null"]
            strategies = [self.of(o, name, owner) for o in inner]
            if len(inner) < len(options):
                return st.one_of(st.none(), *strategies)
            return st.one_of(*strategies)
        if "allOf" in schema:
            return self.of(schema["allOf"][0], name, owner)
        if "const" in schema:
            return self.leaf(st.just(schema["const"]))
        if "enum" in schema:
            return self.leaf(st.sampled_from(schema["enum"]))
        kind = schema.get("type")
        if kind == "object":
            properties = schema.get("properties", {})
            required = set(schema.get("required", []))
            fixed = {k: self.of(v, k, owner) for k, v in properties.items() if k in required}
            optional = {k: self.of(v, k, owner) for k, v in properties.items() if k not in required}
            if isinstance(schema.get("additionalProperties"), dict):
                keys = (self.of(schema["propertyNames"], name, owner) if "propertyNames" in schema
                        else st.sampled_from(["优", "良", "中", "差", "合格", "不合格"]))
                return st.dictionaries(keys, self.of(schema["additionalProperties"], name, owner), max_size=4)
            return st.fixed_dictionaries(fixed, optional=optional)
        if kind == "array":
            items = schema.get("items", {})
            return st.lists(self.of(items, name, owner), min_size=schema.get("minItems", 0),
                            max_size=self.max_items)
        if kind == "string":
            return self.leaf(self.string(name, owner, schema))
        if kind == "integer":
            low, high = schema.get("minimum", 0), schema.get("maximum", 10**6)
            return self.leaf(st.integers(low, high))
        if kind == "number":
            return self.leaf(self.amounts)
        if kind == "boolean":
            return self.leaf(st.booleans())
        if kind == "null":
            return st.none()
        return self.leaf(st.none())

    def string(self, name: str, owner: str, schema: dict[str, Any]) -> st.SearchStrategy[Any]:
        if name == "code":
            if owner in ("IncomeRow", "ExpenditureRow", "CarryOver", "BudgetItem"):
                return st.sampled_from(self.item_codes)
            if owner == "EconomicRow":
                return st.sampled_from(self.economic)
            return st.from_regex(r"[0-9]{3,12}", fullmatch=True)
        if name == "scheme":
            return st.sampled_from(["hubei-2020", "central-2020", "sichuan-2023", "bogus"])
        if name in ("target", "actual"):
            return st.one_of(st.sampled_from(TARGETS), clean_text())
        if "pattern" in schema:
            return st.from_regex(schema["pattern"], fullmatch=True).map(lambda s: s[:30])
        minimum = schema.get("minLength", 0)
        texts = st.one_of(st.sampled_from(self.corpus.headings or ["x"]),
                          clean_text(minimum), st.sampled_from(MARKUP_TEXTS))
        return texts.filter(lambda s: len(s) >= minimum) if minimum else texts


MARKUP_TEXTS = ["[bold]x[/]", "[/]", "[red]", "<script>alert(1)</script>", "<b>粗</b>", "{{ x }}", "{% raw %}",
                "=1+1", "@SUM(A1)", "# x", "* x", "| a | b |", "\\", "%s", "{0}", "‮反向", "a​b",
                "第一部分", "一般公共预算财政拨款支出决算表", "长" * 2000]


def clean_text(min_size: int = 0) -> st.SearchStrategy[str]:
    """Printable text: CJK, ASCII, the reports' punctuation."""
    alphabet = st.one_of(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
                         st.characters(min_codepoint=0x20, max_codepoint=0x7E),
                         st.sampled_from("（）：；，。、“”《》％—…　"))
    return st.text(alphabet, min_size=max(1, min_size), max_size=40)


_strategies: dict[tuple[str, float], SchemaStrategies] = {}


def schema_strategy(which: str, corpus: Corpus, dirty: float) -> st.SearchStrategy[Any]:
    """Strategies for a filing or a scheme (built once, in the parent)."""
    key = (which, dirty)
    if key not in _strategies:
        if which == "filing":
            from juesuan.filing.schema import filing_schema

            schema = filing_schema()
        else:
            from juesuan.performance.scheme import Scheme

            schema = Scheme.model_json_schema()
        # a scheme's numbers are mostly shares (0–1) and weights (0–100)
        amounts = None if which == "filing" else st.one_of(
            st.decimals(0, 1, places=2), st.decimals(0, 100, places=1), _amounts())
        _strategies[key] = SchemaStrategies(schema, corpus, dirty, amounts=amounts)
    return _strategies[key].root


def prepare(corpus: Corpus, kinds: set[str]) -> None:
    """Build the strategies in the parent so that the children share them."""
    for dirty in (0.0, 0.03):
        if kinds & set(FILING_KINDS):
            schema_strategy("filing", corpus, dirty)
        if "scheme" in kinds:
            schema_strategy("scheme", corpus, dirty)


# --- the inputs ----------------------------------------------------------------------------------


def _finish(text: str, rng: random.Random, notes: list[str], *, p_encoding: float = 0.08,
            p_bytes: float = 0.08) -> bytes:
    data = mu.encode(text, rng, notes, p_other=p_encoding)
    if rng.random() < p_bytes:
        data = mu.mutate_bytes(data, rng, notes)
    return data


def tree_input(trees: dict[str, Any], which: str, rng: random.Random, corpus: Corpus, as_json: bool,
               notes: list[str]) -> str:
    """A YAML/JSON text: a real tree mutated, or one generated from the schema."""
    r = rng.random()
    if r < 0.3:
        name = rng.choice(sorted(trees))
        notes.append(f"{name} tree, gently")
        tree = mu.mutate_tree_gently(trees[name], rng, notes, corpus.functional_codes + corpus.economic_codes)
    elif r < 0.6:
        name = rng.choice(sorted(trees))
        notes.append(f"{name} tree")
        tree = mu.mutate_tree(trees[name], rng, notes,
                              value_of=lambda r2: draw(schema_strategy(which, corpus, 0.0), r2)
                              if r2.random() < 0.1 else r2.choice(tree_values(r2)))
    else:
        dirty = 0.0 if rng.random() < 0.5 else 0.03
        notes.append(f"generated from the schema ({'clean' if not dirty else 'dirty'})")
        tree = draw(schema_strategy(which, corpus, dirty), rng)
        if which == "filing" and rng.random() < 0.5:  # a real department, for the documents
            base = corpus.filing_trees[rng.choice(sorted(corpus.filing_trees))]
            for key in ("department", "organisation", "reasons"):
                if key in base and rng.random() < 0.7:
                    tree[key] = mu.copy_tree(base[key])
        if dirty and rng.random() < 0.3:
            tree = mu.mutate_tree(tree, rng, notes)
    return mu.dump_json(tree, rng) if as_json else mu.dump_yaml(tree, rng)


def filing_input(rng: random.Random, corpus: Corpus, as_json: bool) -> tuple[bytes, str, bool]:
    """The file, what was done, and whether it was meant to stay readable (gentle or clean)."""
    notes: list[str] = []
    r = rng.random()
    if r < 0.02:
        name = rng.choice(sorted(corpus.filings))
        notes.append(f"{name} unchanged")
        text = corpus.filings[name] if not as_json else mu.dump_json(corpus.filing_trees[name], rng)
    elif r < 0.3:
        name = rng.choice(sorted(corpus.filings))
        if as_json:
            notes.append(f"{name} as JSON, text mutated")
            text = mu.mutate_json_text(mu.dump_json(corpus.filing_trees[name], rng), rng, notes)
        else:
            notes.append(f"{name} text mutated")
            text = mu.mutate_yaml_text(corpus.filings[name], rng, notes)
    else:
        text = tree_input(corpus.filing_trees, "filing", rng, corpus, as_json, notes)
        if rng.random() < 0.15:
            text = (mu.mutate_json_text if as_json else mu.mutate_yaml_text)(text, rng, notes)
    meant = len(notes) > 0 and any(tag in notes[0] for tag in ("unchanged", "gently", "(clean)"))
    before = len(notes)
    data = _finish(text, rng, notes)
    readable = meant and len(notes) == before and not any("text mutated" in n for n in notes)
    return data, "; ".join(notes), readable


def scheme_input(rng: random.Random, corpus: Corpus) -> tuple[bytes, str]:
    notes: list[str] = []
    r = rng.random()
    if r < 0.3:
        name = rng.choice(sorted(corpus.schemes))
        notes.append(f"scheme {name} text mutated")
        text = mu.mutate_yaml_text(corpus.schemes[name], rng, notes)
    elif r < 0.7:  # the scheme's own constraints (shares, sums) are not in its schema: mostly gentle
        name = rng.choice(sorted(corpus.schemes))
        notes.append(f"scheme {name} tree, gently")
        text = mu.dump_yaml(mu.mutate_tree_gently(corpus.scheme_trees[name], rng, notes, []), rng)
    else:
        text = tree_input(corpus.scheme_trees, "scheme", rng, corpus, rng.random() < 0.1, notes)
    return _finish(text, rng, notes), "; ".join(notes)


def report_text(rng: random.Random, corpus: Corpus, notes: list[str], p_mutate: float = 0.85) -> str:
    """A text report: a fixture mutated, or pasted together from report pieces (hypothesis)."""
    if rng.random() < 0.8:
        name = rng.choice(sorted(corpus.reports))
        notes.append(name)
        text = corpus.reports[name]
        if rng.random() < p_mutate:
            text = mu.mutate_report(text, rng, notes, corpus.headings, corpus.junk)
        return text
    notes.append("pasted from report pieces")
    pieces = st.one_of(
        st.sampled_from(corpus.headings), st.sampled_from(corpus.text_lines),
        st.sampled_from(corpus.table_lines),
        st.lists(st.lists(st.one_of(st.sampled_from(NUMBER_TEXTS), nasty_text(),
                                    st.decimals(0, 10**9, places=2).map(str)), min_size=1, max_size=12),
                 min_size=1, max_size=20).map(lambda rows: "\n".join(" | ".join(r) for r in rows)),
        nasty_text(),
    )
    return "\n".join(draw(st.lists(pieces, max_size=80), rng))


def text_report(rng: random.Random, corpus: Corpus) -> tuple[bytes, str, str]:
    notes: list[str] = []
    text = report_text(rng, corpus, notes)
    suffix = ".txt" if rng.random() < 0.9 else rng.choice([".TXT", ".htm", ".doc", ".pdf", ""])
    return _finish(text, rng, notes, p_encoding=0.2), "; ".join(notes), suffix


def html_report(rng: random.Random, corpus: Corpus) -> tuple[bytes, str, str]:
    notes: list[str] = []
    if rng.random() < 0.15:
        name = rng.choice(sorted(corpus.html))
        notes.append(f"{name} (juesuan's HTML)")
        data = corpus.html[name]
        text = data.decode("utf-8")
        if rng.random() < 0.5:
            text = text.replace("<td", f"<td colspan=\"{rng.choice(['999999', '0', '-1', 'x'])}\"", rng.randint(1, 20))
            notes.append("colspans")
        data = _finish(text, rng, notes, p_encoding=0.1, p_bytes=0.3)
    else:
        page = mu.html_of(report_text(rng, corpus, notes, p_mutate=0.5), rng, notes)
        data = _finish(page, rng, notes, p_encoding=0.3)
    suffix = rng.choice([".html", ".html", ".htm", ".HTML", ".txt"])
    return data, "; ".join(notes), suffix


def docx_report(rng: random.Random, corpus: Corpus) -> tuple[bytes, str, str]:
    notes: list[str] = []
    r = rng.random()
    if r < 0.5:
        name = rng.choice(sorted(corpus.docx))
        notes.append(f"{name}.docx")
        data = mu.mutate_docx(corpus.docx[name], rng, notes)
    else:
        data = mu.docx_of(report_text(rng, corpus, notes, p_mutate=0.7))
        if rng.random() < 0.6:
            data = mu.mutate_docx(data, rng, notes)
    return data, "; ".join(notes), ".docx" if rng.random() < 0.95 else ".doc"


def xlsx_report(rng: random.Random, corpus: Corpus) -> tuple[bytes, str, str]:
    notes: list[str] = []
    name = rng.choice(sorted(corpus.xlsx))
    notes.append(f"{name}.xlsx")
    data = corpus.xlsx[name]
    r = rng.random()
    if r < 0.5:
        data = mu.mutate_xlsx_cells(data, rng, notes)
    elif r < 0.85:
        data = mu.mutate_xlsx_xml(data, rng, notes)
    else:
        data = mu.mutate_bytes(data, rng, notes)
    if rng.random() < 0.1:
        data = mu.mutate_xlsx_xml(data, rng, notes) if r < 0.5 else data
    return data, "; ".join(notes), ".xlsx" if rng.random() < 0.95 else ".xls"


def pdf_report(rng: random.Random, corpus: Corpus) -> tuple[bytes, str, str]:
    notes: list[str] = []
    pool = corpus.small_pdfs if corpus.small_pdfs and rng.random() < 0.7 else corpus.pdfs
    name = rng.choice(sorted(pool))
    notes.append(f"{name}.pdf")
    data = pool[name]
    if rng.random() < 0.95:
        data = mu.mutate_pdf(data, rng, notes)
    return data, "; ".join(notes), ".pdf" if rng.random() < 0.95 else ".txt"


REPORT_MAKERS: dict[str, Callable[[random.Random, Corpus], tuple[bytes, str, str]]] = {
    "text": text_report, "html": html_report, "docx": docx_report, "xlsx": xlsx_report, "pdf": pdf_report,
}


# --- command lines -------------------------------------------------------------------------------


def filing_args(command: str, name: str, rng: random.Random, pdf_every: int, readable: bool) -> list[str]:
    if command == "check":
        return ["check", name, "--format", rng.choice(["text", "json"]),
                *(["--show", rng.choice(["error", "warning", "info"])] if rng.random() < 0.3 else [])]
    if command == "tables":
        form = rng.choice(["text", "csv", "json", "xlsx"])
        return ["tables", name, "--format", form, *(["-o", "out/tables." + form] if form == "xlsx" or rng.random() < 0.3 else [])]
    if command == "score":
        form = rng.choice(["text", "json", "xlsx", "tables"])
        scheme = ["--scheme", rng.choice(["hubei-2020", "central-2020", "sichuan-2023"])] if rng.random() < 0.3 else []
        return ["score", name, *scheme, "--format", form, *(["-o", "out/score.xlsx"] if form == "xlsx" else [])]
    formats = ["html", "docx", "xlsx", "json"]
    chosen = [f for f in formats if rng.random() < 0.6] or ["html"]
    if pdf_every and rng.randrange(pdf_every) == 0 and readable:  # a PDF takes seconds: not on junk
        chosen.append("pdf")
    extra: list[str] = []
    if rng.random() < 0.2:
        extra += ["--order", rng.choice(["template", "seed"])]
    if rng.random() < 0.1:
        extra += ["--strict"]
    if rng.random() < 0.2:
        extra += ["--scheme", rng.choice(["hubei-2020", "central-2020", "sichuan-2023"])]
    return ["report", name, "-o", "out", "-f", ",".join(chosen), "-j", "1", *extra]


def report_args(command: str, name: str, rng: random.Random) -> list[str]:
    if command == "audit":
        form = rng.choice(["text", "json", "json", "html"])
        return ["audit", name, "--format", form, "-j", "1",
                *(["-o", "out/audit." + form] if rng.random() < 0.2 else [])]
    return ["import", name, "-o", "out/imported.yaml"]


def weighted(rng: random.Random, options: list[str], weights: dict[str, float]) -> str:
    return rng.choices(options, weights=[weights.get(o, 1.0) for o in options])[0]


def make_job(index: int, seed: int, corpus: Corpus, kinds: list[str], commands: list[str],
             pdf_every: int = 50) -> Job:
    """Input ``index`` of ``seed``: always the same."""
    rng = random.Random(f"{seed}:{index}")
    usable = [k for k in kinds if any(c in commands for c in COMMANDS_OF[k])]
    kind = weighted(rng, usable, KIND_WEIGHTS)
    command = weighted(rng, [c for c in COMMANDS_OF[kind] if c in commands], COMMAND_WEIGHTS)
    if kind in FILING_KINDS:
        data, note, readable = filing_input(rng, corpus, as_json=kind == "json")
        suffix = (".yaml" if kind == "yaml" else ".json") if rng.random() < 0.95 else rng.choice([".yml", ".YAML", ".txt", ""])
        name = rng.choice(["填报 文件", "a b", "a" * 200, ".filing"]) + suffix if rng.random() < 0.1 else "filing" + suffix
        return Job(index, kind, command, filing_args(command, name, rng, pdf_every, readable), {name: data}, note)
    if kind == "scheme":
        data, note = scheme_input(rng, corpus)
        example = rng.choice(["suizhou-zwfw-2020", "shanghai-putuo-czj-2024"])
        files = {"scheme.yaml": data, "filing.yaml": corpus.filings[example].encode("utf-8")}
        form = rng.choice(["text", "json", "xlsx", "tables"])
        args = ["score", "filing.yaml", "--scheme", "scheme.yaml", "--format", form,
                *(["-o", "out/score.xlsx"] if form == "xlsx" else [])]
        return Job(index, kind, command, args, files, f"{note}; filing {example}")
    data, note, suffix = REPORT_MAKERS[kind](rng, corpus)
    name = "report" + suffix
    return Job(index, kind, command, report_args(command, name, rng), {name: data}, note)
