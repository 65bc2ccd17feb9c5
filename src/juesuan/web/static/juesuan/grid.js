/* juesuan filing editor: the row tables of 收入, 支出, 基本支出经济分类, 结转结余 and 预算数 as
   spreadsheet-like grids (Tabulator, vendored in vendor/tabulator/).

   The form the server renders stays the source of truth and works without scripts: the grid
   sits in front of its table, and every change in the grid is written into the table's inputs
   (new rows are made from the table's own row template, as "增加一行" makes them; a deleted
   row gets its "删除" box ticked), so saving posts exactly what the form would. The page's
   identity of a long list (_shown) is not touched.

   Keys: arrows move; Enter or F2 edits, Enter again keeps and moves down, Tab keeps and moves
   right; typing starts editing; Esc cancels; Ctrl+C / Ctrl+V copy and paste blocks (from Excel
   or WPS: tab-separated lines); Ctrl+D fills down; Delete clears; Ctrl+Delete deletes the rows
   (or restores them); Ctrl+S saves; an input method's first key opens the cell's editor. The
   合计 row and the 类/款 subtotals are summed as exact integers (BigInt), never as floating
   point; a long list's page adds the exact sums of its other pages' saved rows, sent by the
   server. The server's checks remain the authority. */
(function () {
  "use strict";

  // --- numbers: mirrors forms_schema.normalise_number ---------------------------------------

  var MINUS = /[\u2212\u2013\ufe63]/g;
  // Python's str.isspace() characters (what \s matches in the server's regular expression).
  var SPACES = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;

  function normaliseNumber(text) {
    // "１，２３４．５６" and "1,234.56" -> "1234.56": full-width forms, separators and spaces out.
    var value = String(text).normalize("NFKC").replace(MINUS, "-");
    return value.replace(SPACES, "").split(",").join("");
  }

  function normaliseAmount(text) {
    // Accountants write a negative in brackets: "(1,234.00)" / "（1,234.00）" -> "-1234.00".
    var value = normaliseNumber(text);
    var bracket = /^\(([0-9]*\.?[0-9]*)\)$/.exec(value);
    if (bracket && /[0-9]/.test(bracket[1])) value = "-" + bracket[1];
    return value;
  }

  var NUMBER = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]{1,4}))?$/;

  // An amount as an exact pair {n: BigInt, s: scale} (value = n / 10^s); null when blank,
  // undefined when it is not a number.
  function parseAmount(text) {
    var value = normaliseAmount(text == null ? "" : text);
    if (!value) return null;
    var m = NUMBER.exec(value);
    if (!m || !(m[2] || m[3])) return undefined;
    var digits = (m[2] || "") + (m[3] || "");
    var scale = (m[3] || "").length - (m[4] ? parseInt(m[4], 10) : 0);
    var n = BigInt(digits || "0");
    if (scale < 0) {
      n = n * (10n ** BigInt(-scale));
      scale = 0;
    }
    return { n: m[1] === "-" ? -n : n, s: scale };
  }

  function addAmounts(a, b) {
    if (!a) return b;
    if (!b) return a;
    var s = Math.max(a.s, b.s);
    return { n: a.n * (10n ** BigInt(s - a.s)) + b.n * (10n ** BigInt(s - b.s)), s: s };
  }

  // Two decimals rounded half up (away from zero, as 四舍五入), with thousands separators.
  function formatAmount(a, places) {
    if (!a) return "";
    places = places == null ? 2 : places;
    var n = a.n, s = a.s;
    if (s > places) {
      var div = 10n ** BigInt(s - places);
      var negative = n < 0n;
      var abs = negative ? -n : n;
      var q = abs / div, r = abs % div;
      if (r * 2n >= div) q += 1n;
      n = negative ? -q : q;
    } else {
      n = n * (10n ** BigInt(places - s));
    }
    var sign = n < 0n ? "-" : "";
    var text = (n < 0n ? -n : n).toString().padStart(places + 1, "0");
    var whole = text.slice(0, text.length - places), frac = text.slice(text.length - places);
    whole = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return sign + whole + (places ? "." + frac : "");
  }

  // What the cell shows for a typed amount: its digits with thousands separators.
  function showAmount(text) {
    var a = parseAmount(text);
    if (a === null) return "";
    if (a === undefined) return String(text);
    return formatAmount(a, Math.max(a.s, 2));
  }

  // --- pasted blocks ---------------------------------------------------------------------------

  // Excel and WPS copy a block as lines of tab-separated cells (CRLF), cells holding tabs,
  // line breaks or quotes in double quotes.
  function parseBlock(text) {
    text = String(text).replace(/\r\n?/g, "\n");
    if (text.slice(-1) === "\n") text = text.slice(0, -1);
    var rows = [], row = [], cell = "", i = 0, n = text.length;
    var atStart = true;
    while (i < n) {
      var ch = text[i];
      if (atStart && ch === '"') {
        var close = findClosingQuote(text, i + 1);
        if (close > 0) {
          cell = text.slice(i + 1, close).split('""').join('"');
          i = close + 1;
          atStart = false;
          continue;
        }
      }
      atStart = false;
      if (ch === "\t") {
        row.push(cell);
        cell = "";
        atStart = true;
      } else if (ch === "\n") {
        row.push(cell);
        rows.push(row);
        row = [];
        cell = "";
        atStart = true;
      } else {
        cell += ch;
      }
      i++;
    }
    row.push(cell);
    rows.push(row);
    return rows;
  }

  function findClosingQuote(text, from) {
    for (var i = from; i < text.length; i++) {
      if (text[i] !== '"') continue;
      if (text[i + 1] === '"') { i++; continue; }
      var next = text[i + 1];
      return next === undefined || next === "\t" || next === "\n" ? i : -1;
    }
    return -1;
  }

  // --- the page's data ---------------------------------------------------------------------------

  function pageData() {
    var script = document.getElementById("grid-data");
    if (!script) return null;
    try {
      return JSON.parse(script.textContent);
    } catch (e) {
      return null;
    }
  }

  function fieldId(path) {
    return "f-" + path.split(".").join("-");
  }

  var CONTROL = "input:not([type=hidden]):not([type=checkbox]), select, textarea";
  var has = function (object, key) { return Object.prototype.hasOwnProperty.call(object, key); };

  function text(el) {
    return el ? el.textContent.replace(/\s+/g, " ").trim() : "";
  }

  // --- one grid --------------------------------------------------------------------------------

  function Grid(block, config, codes, unit) {
    this.block = block;
    this.path = block.getAttribute("data-rows");
    this.config = config;
    this.codes = codes || { names: {}, retired: [], covered: false };
    this.unit = unit;
    this.form = block.closest("form");
    this.body = document.getElementById("rows-" + fieldId(this.path));
    this.template = document.getElementById("tpl-" + fieldId(this.path));
    this.scroll = this.body ? this.body.closest(".table-scroll") : null;
    this.inputs = {}; // form index -> {field: input}
    this.columns = this.readColumns();
    this.prior = config.prior || null;
    // A long list edited a page at a time: the exact sums of its saved rows on other pages.
    this.elsewhere = config.elsewhere && config.elsewhere.rows ? config.elsewhere : null;
    this.batch = 0;
    this.pendingText = null;
    this.typed = false;
  }

  Grid.prototype.readColumns = function () {
    var columns = [];
    var prefix = this.path + ".__new__.";
    var cells = this.template.content.querySelectorAll("td");
    for (var i = 0; i < cells.length; i++) {
      var control = cells[i].querySelector(CONTROL);
      if (!control || control.name.indexOf(prefix) !== 0) continue;
      var field = control.name.slice(prefix.length);
      var kind = cells[i].className;
      var label = control.getAttribute("aria-label") || field;
      // "科目名称（可省略，默认取科目表）" → "科目名称": the note is the form's, not the header's.
      if (field === "name") label = label.split("（")[0].split("(")[0].trim() || label;
      var column = { field: field, kind: kind, label: label };
      if (control.tagName === "SELECT") {
        column.choices = [];
        for (var j = 0; j < control.options.length; j++) {
          var option = control.options[j];
          column.choices.push({ value: option.value, label: option.textContent.trim() });
        }
        column.initial = control.value;
      }
      columns.push(column);
    }
    return columns;
  };

  Grid.prototype.column = function (field) {
    for (var i = 0; i < this.columns.length; i++) {
      if (this.columns[i].field === field) return this.columns[i];
    }
    return null;
  };

  // Whether a text is one of the choices (value or label) of a column of the grid.
  Grid.prototype.isChoice = function (value) {
    return this.columns.some(function (column) {
      return (column.choices || []).some(function (c) {
        return c.value && (c.value === value || c.label === value);
      });
    });
  };

  Grid.prototype.isAmount = function (field) {
    return this.config.amounts.indexOf(field) >= 0;
  };

  Grid.prototype.codeField = function () {
    return this.config.code || this.columns[0].field;
  };

  Grid.prototype.nameOf = function (code, typedName) {
    if (typedName) return typedName;
    if (!code) return "";
    var names = this.codes.names || {};
    if (names[code]) return names[code];
    if (!this.codes.covered) return "";
    var length = this.config.kind === "functional" ? 7 : 5;
    if (!/^[0-9]+$/.test(code) || code.length !== length) return "编码应为 " + length + " 位数字";
    if ((this.codes.retired || []).indexOf(code) >= 0) return "此编码在本年度已不适用";
    return "科目表中未收录";
  };

  Grid.prototype.codeProblem = function (code) {
    if (!code) return "";
    var length = this.config.kind === "functional" ? 7 : 5;
    if (!/^[0-9]+$/.test(code) || code.length !== length) return "编码应为 " + length + " 位数字";
    if (this.codes.covered && !(this.codes.names || {})[code]) {
      return (this.codes.retired || []).indexOf(code) >= 0 ? "此编码在本年度已不适用" : "科目表中未收录";
    }
    return "";
  };

  Grid.prototype.priorOf = function (code) {
    if (!this.prior || !code) return "";
    return has(this.prior, code) ? this.prior[code] : "";
  };

  // --- reading the form's rows -----------------------------------------------------------------

  Grid.prototype.indexOf = function (name) {
    var rest = name.slice(this.path.length + 1);
    var head = rest.split(".")[0];
    return /^[0-9]+$/.test(head) ? head : null;
  };

  Grid.prototype.collect = function (tr) {
    var found = {};
    var controls = tr.querySelectorAll("input, select, textarea");
    var index = null;
    for (var i = 0; i < controls.length; i++) {
      var name = controls[i].name || "";
      if (name.indexOf(this.path + ".") !== 0) continue;
      var at = this.indexOf(name);
      if (at === null) continue;
      index = at;
      var field = name.slice(this.path.length + 1 + at.length + 1);
      found[field] = controls[i];
    }
    return index === null ? null : { index: index, controls: found };
  };

  Grid.prototype.rowData = function (tr) {
    var got = this.collect(tr);
    if (!got) return null;
    this.inputs[got.index] = got.controls;
    var data = { _i: got.index, _n: text(tr.querySelector("th.n")) || "新", _errors: {}, _notes: {},
                 _rowProblems: [] };
    for (var i = 0; i < this.columns.length; i++) {
      var column = this.columns[i];
      var control = got.controls[column.field];
      data[column.field] = control ? control.value : "";
      var td = control ? control.closest("td") : null;
      if (td) {
        var errors = td.querySelectorAll(".field-error");
        if (errors.length) data._errors[column.field] = Array.prototype.map.call(errors, text);
        var notes = td.querySelectorAll(".field-note");
        // A check's 错误 beside a field is marked as the form's own errors are; 警告 and 提示 apart.
        for (var k = 0; k < notes.length; k++) {
          var bucket = notes[k].classList.contains("error") ? data._errors : data._notes;
          (bucket[column.field] = bucket[column.field] || []).push(text(notes[k]));
        }
        if (control.getAttribute("aria-invalid") === "true" && !data._errors[column.field]) {
          data._errors[column.field] = ["请检查此栏"];
        }
      }
    }
    var next = tr.nextElementSibling;
    if (next && next.classList.contains("row-problems")) {
      var problems = next.querySelectorAll(".field-error, .field-note");
      data._rowProblems = Array.prototype.map.call(problems, text);
    }
    var box = got.controls._delete;
    data._del = !!(box && box.checked);
    this.decorate(data);
    return data;
  };

  Grid.prototype.decorate = function (data) {
    var code = data[this.codeField()];
    data._name = this.nameOf(code, data.name || "");
    data._prior = this.priorOf(code);
    data._total = this.rowTotal(data);
    data._delText = data._i === null && this.isBlank(data) ? "" : data._del ? "恢复" : "删除";
    return data;
  };

  Grid.prototype.rowTotal = function (data) {
    var total = null;
    for (var i = 0; i < this.config.amounts.length; i++) {
      var a = parseAmount(data[this.config.amounts[i]]);
      if (a) total = addAmounts(total, a);
    }
    return total ? formatAmount(total, Math.max(2, total.s)) : "";
  };

  Grid.prototype.blankRow = function () {
    var data = { _i: null, _n: "新", _errors: {}, _notes: {}, _rowProblems: [], _del: false };
    for (var i = 0; i < this.columns.length; i++) {
      var column = this.columns[i];
      data[column.field] = column.choices ? column.initial || "" : "";
    }
    return this.decorate(data);
  };

  Grid.prototype.isBlank = function (data) {
    for (var i = 0; i < this.columns.length; i++) {
      var column = this.columns[i];
      var value = data[column.field] || "";
      if (column.choices ? value !== (column.initial || "") : value !== "") return false;
    }
    return true;
  };

  Grid.prototype.readForm = function () {
    var rows = [];
    var trs = this.body.querySelectorAll("tr[data-row]");
    for (var i = 0; i < trs.length; i++) {
      var data = this.rowData(trs[i]);
      if (data) rows.push(data);
    }
    rows.push(this.blankRow()); // the next row to type into, as in a spreadsheet
    return rows;
  };

  // --- writing back into the form --------------------------------------------------------------

  Grid.prototype.ensureInputs = function (row) {
    var data = row.getData();
    if (data._i !== null && this.inputs[data._i]) return this.inputs[data._i];
    var added = window.juesuanEditor.addRow(this.form, this.path, { focus: false, process: false });
    var got = added ? this.collect(added) : null;
    if (!got) return null;
    this.inputs[got.index] = got.controls;
    row.getData()._i = got.index; // not a shown field: no redraw needed
    return got.controls;
  };

  Grid.prototype.write = function (row, fields) {
    var controls = this.ensureInputs(row);
    if (!controls) return;
    var data = row.getData();
    for (var i = 0; i < fields.length; i++) {
      var control = controls[fields[i]];
      if (!control) continue;
      var value = fields[i] === "_delete" ? data._del : data[fields[i]];
      if (control.type === "checkbox") {
        if (control.checked !== !!value) {
          control.checked = !!value;
          this.changed(control);
        }
      } else if (control.value !== (value == null ? "" : String(value))) {
        control.value = value == null ? "" : String(value);
        control.removeAttribute("aria-invalid");
        this.changed(control);
      }
    }
  };

  // Inputs changed by the grid: one "change" event per batch tells the editor (unsaved
  // changes, the live check) as typing into the form would.
  Grid.prototype.changed = function (control) {
    this.lastChanged = control;
    if (!this.batch) this.flush();
  };

  Grid.prototype.flush = function () {
    var control = this.lastChanged;
    this.lastChanged = null;
    if (control) control.dispatchEvent(new Event("change", { bubbles: true }));
    this.scheduleTotals();
  };

  Grid.prototype.begin = function () {
    this.batch++;
  };

  Grid.prototype.end = function () {
    this.batch--;
    if (this.batch) return;
    if (this.needBlankRow) {
      this.needBlankRow = false;
      this.keepBlankRow();
    }
    this.flush();
  };

  // A value entered into a cell (typed, pasted, filled, cleared).
  Grid.prototype.setValues = function (row, values) {
    var codeField = this.codeField();
    var update = {};
    var fields = [];
    for (var field in values) {
      if (!has(values, field)) continue;
      var column = this.column(field);
      if (!column || field === "name") continue;
      var value = this.clean(column, values[field]);
      update[field] = value;
      fields.push(field);
    }
    if (!fields.length) return;
    var data = row.getData();
    if (has(update, codeField) && update[codeField] !== data[codeField]) {
      // A new code takes its name from the code list: a name kept from the old code would
      // not match it.
      if (this.column("name") && data.name) {
        update.name = "";
        fields.push("name");
      }
    }
    var merged = {};
    for (var key in data) if (has(data, key)) merged[key] = data[key];
    for (var k in update) if (has(update, k)) merged[k] = update[k];
    this.decorate(merged);
    update._name = merged._name;
    update._prior = merged._prior;
    update._total = merged._total;
    update._delText = merged._delText;
    for (var f = 0; f < fields.length; f++) {
      delete merged._errors[fields[f]];
      delete merged._notes[fields[f]];
    }
    update._errors = merged._errors;
    update._notes = merged._notes;
    row.update(update);
    this.write(row, fields);
    if (!this.batch) this.keepBlankRow();
    else this.needBlankRow = true;
  };

  Grid.prototype.clean = function (column, value) {
    value = value == null ? "" : String(value);
    if (this.isAmount(column.field)) return normaliseAmount(value);
    if (column.kind === "functional" || column.kind === "economic") return normaliseNumber(value);
    if (column.choices) {
      var t = value.trim();
      if (!t) return column.initial || "";
      for (var i = 0; i < column.choices.length; i++) {
        var choice = column.choices[i];
        if (t === choice.value || t === choice.label) return choice.value;
      }
      for (var j = 0; j < column.choices.length; j++) {
        // "一般公共预算" for "一般公共预算财政拨款"
        var other = column.choices[j];
        if (other.value && other.label.indexOf(t) === 0) return other.value;
      }
      return t; // kept as typed: the server says what it should be
    }
    return value.trim();
  };

  // There is always one blank row at the end to type or paste into.
  Grid.prototype.keepBlankRow = function () {
    var rows = this.table.getRows();
    var last = rows[rows.length - 1];
    if (!last || !this.isBlank(last.getData())) this.table.addRow(this.blankRow());
  };

  Grid.prototype.toggleDelete = function (rows) {
    var undo = rows.every(function (row) { return row.getData()._del; });
    this.begin();
    for (var i = 0; i < rows.length; i++) {
      var data = rows[i].getData();
      if (data._i === null && this.isBlank(data)) continue; // nothing to delete
      rows[i].update({ _del: !undo, _delText: undo ? "删除" : "恢复" });
      this.write(rows[i], ["_delete"]);
      rows[i].reformat();
    }
    this.end();
    this.announce(undo ? "已恢复所选的行" : "所选的行已标为删除，保存后删除");
  };

  // --- the grid itself -------------------------------------------------------------------------

  Grid.prototype.build = function () {
    var self = this;
    var holder = document.createElement("div");
    holder.className = "grid-wrap";
    holder.setAttribute("data-grid", this.path);
    var tools = document.createElement("div");
    tools.className = "grid-tools";
    tools.innerHTML =
      '<button type="button" data-grid-add>增加一行</button>' +
      '<button type="button" data-grid-delete>删除所选行 / 恢复</button>' +
      '<button type="button" data-grid-form aria-pressed="false">逐行表单</button>' +
      '<span class="grid-keys">方向键移动，Enter 或直接输入即编辑，Tab 右移，Esc 取消；' +
      "Ctrl+V 粘贴 Excel/WPS 复制的整块，Ctrl+D 向下填充，Delete 清除，Ctrl+Delete 删除行，" +
      "Ctrl+S 保存</span>";
    this.problems = document.createElement("div");
    this.problems.className = "grid-problems";
    this.problems.hidden = true;
    this.element = document.createElement("div");
    this.element.className = "grid";
    var title = text(this.block.querySelector("h3")) || "表格";
    this.element.setAttribute("aria-label", title + "（表格编辑）");
    this.status = document.createElement("p");
    this.status.className = "grid-status";
    this.status.setAttribute("role", "status");
    this.totals = document.createElement("details");
    this.totals.className = "grid-totals";
    this.totals.open = true;
    holder.appendChild(tools);
    holder.appendChild(this.problems);
    holder.appendChild(this.element);
    holder.appendChild(this.status);
    holder.appendChild(this.totals);
    this.scroll.parentNode.insertBefore(holder, this.scroll);
    this.holder = holder;
    this.block.classList.add("has-grid");

    var data = this.readForm();
    this.table = new window.Tabulator(this.element, {
      data: data,
      columns: this.columnDefs(),
      layout: "fitDataFill",
      maxHeight: "70vh",
      renderVertical: "virtual",
      headerSortClickElement: "icon",
      selectableRange: 1,
      selectableRangeColumns: false,
      selectableRangeRows: true,
      selectableRangeAutoFocus: false,
      editTriggerEvent: "dblclick",
      clipboard: "copy",
      clipboardCopyRowRange: "range",
      clipboardCopyConfig: { columnHeaders: false, columnGroups: false, rowHeaders: false,
                             rowGroups: false, columnCalcs: false, dataTree: false,
                             formatCells: false },
      clipboardCopyStyled: false,
      columnCalcs: "table",
      columnDefaults: { headerWordWrap: true, headerSort: false },
      rowHeader: { title: "序号", field: "_n", headerSort: false, resizable: false, frozen: true,
                   width: this.narrow() ? 40 : 52, hozAlign: "right", cssClass: "g-number",
                   formatter: function (cell) { return self.numberCell(cell); } },
      rowFormatter: function (row) {
        var d = row.getData();
        row.getElement().classList.toggle("g-deleted", !!d._del);
      },
      placeholder: "尚无数据",
    });
    this.table.on("tableBuilt", function () {
      self.built = true;
      self.renderTotals();
      self.showProblems();
      self.followHash();
    });
    this.table.on("cellEdited", function (cell) {
      self.begin();
      var values = {};
      values[cell.getField()] = cell.getValue();
      self.setValues(cell.getRow(), values);
      self.end();
    });
    this.table.on("cellClick", function (e, cell) {
      if (cell.getField() === "_delText" && cell.getValue()) self.toggleDelete([cell.getRow()]);
    });
    this.element.addEventListener("keydown", function (event) { self.onKey(event); }, true);
    this.element.addEventListener("compositionstart", function (event) {
      if (isEditor(event.target)) return;
      var cell = self.activeCell();
      if (cell) self.startComposing(cell, cell.getColumn()._column);
    }, true);
    this.element.addEventListener("paste", function (event) { self.onPaste(event); });
    tools.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) return;
      if (button.hasAttribute("data-grid-add")) self.addRowAtEnd();
      if (button.hasAttribute("data-grid-delete")) self.toggleDelete(self.selectedRows());
      if (button.hasAttribute("data-grid-form")) self.toggleForm(button);
    });
  };

  // On a phone the frozen code and name leave room for a whole amount column beside them.
  Grid.prototype.narrow = function () {
    return this.block.clientWidth < 640;
  };

  Grid.prototype.columnDefs = function () {
    var self = this;
    var narrow = this.narrow();
    var defs = [];
    var editor = function (cell, onRendered, success, cancel) {
      return self.editor(cell, onRendered, success, cancel);
    };
    var sum = function (field) {
      return function (values, data) { return self.sumText(data, field); };
    };
    // The 合计 row of a long list covers its other pages too: said on each of its cells.
    var calcFormatter = function (cell) {
      var value = cell.getValue();
      if (self.elsewhere) cell.getElement().setAttribute("title", ELSEWHERE);
      return value == null ? "" : escapeHtml(value);
    };
    var codeField = this.codeField();
    var nameDef = null;
    var choiceCopy = function (column) {
      return function (value) { return self.choiceLabel(column, value); };
    };
    for (var i = 0; i < this.columns.length; i++) {
      var column = this.columns[i];
      var def = { title: column.label, field: column.field, headerSort: false, resizable: true,
                  formatter: function (cell) { return self.cellText(cell); } };
      if (column.field === codeField) {
        def.editor = editor;
        def.width = narrow ? 76 : 84;
        def.cssClass = "g-code";
      } else if (column.field === "name") {
        def.field = "_name";
        def.cssClass = "g-name g-readonly";
        nameDef = def;
      } else if (column.choices) {
        def.editor = editor;
        def.minWidth = 96;
        def.cssClass = "g-choice";
        def.accessorClipboard = choiceCopy(column);
      } else if (this.isAmount(column.field)) {
        def.editor = editor;
        def.hozAlign = "right";
        def.headerHozAlign = "right";
        def.width = narrow ? 104 : 118;
        def.cssClass = "g-amount";
        def.bottomCalc = sum(column.field);
        def.bottomCalcFormatter = calcFormatter;
      } else {
        // A text (主要用于): as wide as it needs, within reason.
        def.editor = editor;
        def.minWidth = 140;
        def.maxWidth = narrow ? 200 : 360;
        def.cssClass = "g-text";
        def.tooltip = function (e, cell) { return cell.getValue() || ""; };
      }
      defs.push(def);
    }
    // The 科目名称 (from the code list) right after the code; the columns up to it stay in view
    // when the grid scrolls sideways (frozen columns have to be the first ones).
    if (!nameDef) {
      nameDef = { title: "科目名称", field: "_name", headerSort: false, cssClass: "g-name g-readonly",
                  formatter: function (cell) { return self.cellText(cell); } };
    } else {
      defs.splice(defs.indexOf(nameDef), 1);
    }
    nameDef.width = narrow ? 92 : 170;
    nameDef.tooltip = function (e, cell) { return cell.getValue() || ""; };
    var at = 0;
    while (defs[at].field !== codeField) at++;
    defs.splice(at + 1, 0, nameDef);
    for (var f = 0; f <= at + 1; f++) {
      defs[f].frozen = true;
      if (f < at && narrow && defs[f].cssClass === "g-choice") defs[f].minWidth = 72;
    }
    defs[0].bottomCalc = function () { return "合计"; };
    defs[0].bottomCalcFormatter = calcFormatter;
    if (this.config.amounts.length > 1 && this.config.parts !== false) {
      defs.push({ title: "本行合计", field: "_total", headerSort: false, hozAlign: "right",
                  headerHozAlign: "right", width: 124, cssClass: "g-amount g-readonly",
                  bottomCalc: function (values, data) { return self.sumText(data, "_total"); },
                  bottomCalcFormatter: calcFormatter });
    }
    if (this.prior) {
      var priorTotal = null;
      for (var code in this.prior) {
        if (has(this.prior, code)) {
          priorTotal = addAmounts(priorTotal, parseAmount(this.prior[code]));
        }
      }
      defs.push({ title: "上年决算数", field: "_prior", headerSort: false, hozAlign: "right",
                  headerHozAlign: "right", width: 124, cssClass: "g-amount g-readonly g-prior",
                  headerTooltip: "本科目上年决算数：" + (this.config.prior_note || ""),
                  formatter: function (cell) { return showAmount(cell.getValue()); },
                  bottomCalc: function () { return formatAmount(priorTotal); } });
    }
    defs.push({ title: "删除", field: "_delText", headerSort: false, width: 64, hozAlign: "center",
                cssClass: "g-delete" });
    return defs;
  };

  Grid.prototype.numberCell = function (cell) {
    var d = cell.getRow().getData();
    return d._del ? "删" : d._n;
  };

  Grid.prototype.choiceLabel = function (column, value) {
    for (var i = 0; i < column.choices.length; i++) {
      if (column.choices[i].value === value) return column.choices[i].label;
    }
    return value || "";
  };

  Grid.prototype.cellText = function (cell) {
    var field = cell.getField();
    var d = cell.getRow().getData();
    var el = cell.getElement();
    var value = cell.getValue();
    var column = this.column(field);
    var problem = "";
    var shown = value == null ? "" : String(value);
    el.classList.remove("g-invalid", "g-error", "g-note");
    if (field === this.codeField()) {
      problem = this.codeProblem(value);
    } else if (this.isAmount(field)) {
      var parsed = parseAmount(value);
      if (parsed === undefined) problem = "不是有效的金额";
      shown = showAmount(value);
    } else if (column && column.choices) {
      shown = this.choiceLabel(column, value);
    } else if (field === "_name") {
      problem = this.codeProblem(d[this.codeField()]) ? shown : "";
    }
    var errors = (d._errors && d._errors[field === "_name" ? "name" : field]) || [];
    var notes = (d._notes && d._notes[field === "_name" ? "name" : field]) || [];
    if (problem) el.classList.add("g-invalid");
    if (errors.length) el.classList.add("g-error");
    else if (notes.length) el.classList.add("g-note");
    var title = errors.concat(notes);
    if (problem && field !== "_name") title.unshift(problem);
    if (title.length) el.setAttribute("title", title.join("；"));
    else el.removeAttribute("title");
    return escapeHtml(shown);
  };

  // A key of an input method's composition: Chrome and Firefox send keyCode 229 ("Process").
  function isComposition(event) {
    return !!(event.isComposing || event.keyCode === 229 || event.key === "Process");
  }

  function isEditor(target) {
    return !!(target && target.classList && target.classList.contains("g-input"));
  }

  function escapeHtml(value) {
    return String(value).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  Grid.prototype.sumText = function (data, field) {
    var total = null;
    var any = false;
    var others = this.elsewhere ? this.elsewhereSums(this.elsewhere.total) : null;
    if (others) {
      var at = this.config.amounts.indexOf(field);
      var add = at >= 0 ? [others[at]] : field === "_total" ? others : [];
      add.forEach(function (a) {
        if (a) {
          total = addAmounts(total, a);
          any = true;
        }
      });
    }
    for (var i = 0; i < data.length; i++) {
      if (data[i]._del) continue;
      var a = parseAmount(data[i][field]);
      if (a) {
        total = addAmounts(total, a);
        any = true;
      }
    }
    return any ? formatAmount(total) : "";
  };

  // --- editing ---------------------------------------------------------------------------------

  Grid.prototype.editor = function (cell, onRendered, success, cancel) {
    var self = this;
    var column = this.column(cell.getField());
    var input = document.createElement("input");
    input.type = "text";
    input.className = "g-input";
    input.autocomplete = "off";
    input.setAttribute("aria-label", column ? column.label : "");
    if (column && column.choices) {
      var listId = "g-choices-" + fieldId(this.path) + "-" + column.field;
      if (!document.getElementById(listId)) {
        var list = document.createElement("datalist");
        list.id = listId;
        column.choices.forEach(function (c) {
          if (!c.value) return;
          var option = document.createElement("option");
          option.value = c.label;
          list.appendChild(option);
        });
        this.holder.appendChild(list);
      }
      input.setAttribute("list", listId);
    } else if (column && (column.kind === "functional" || column.kind === "economic")) {
      input.setAttribute("list", "codes-" + column.kind);
      input.inputMode = "numeric";
    } else if (this.isAmount(cell.getField())) {
      input.inputMode = "decimal";
      input.style.textAlign = "right";
    }
    var current = cell.getValue() == null ? "" : String(cell.getValue());
    if (column && column.choices) current = this.choiceLabel(column, current);
    var typed = this.pendingText;
    this.pendingText = null;
    this.typed = typed !== null;
    input.value = typed !== null ? typed : current;
    var done = false;
    function keep() {
      if (done) return;
      done = true;
      success(input.value);
    }
    function drop() {
      if (done) return;
      done = true;
      cancel();
    }
    onRendered(function () {
      input.focus({ preventScroll: true });
      if (typed !== null) input.setSelectionRange(input.value.length, input.value.length);
      else input.select();
    });
    input.addEventListener("blur", keep);
    input.addEventListener("keydown", function (event) {
      if (isComposition(event)) {
        // Enter or an arrow picks the input method's candidate: not a grid key.
        event.stopPropagation();
        return;
      }
      var key = event.key;
      var move = null;
      if (key === "Enter") move = event.shiftKey ? "up" : "down";
      else if (key === "Tab") move = event.shiftKey ? "left" : "right";
      else if (key === "ArrowUp") move = "up";
      else if (key === "ArrowDown") move = "down";
      else if (self.typed && key === "ArrowLeft") move = "left";
      else if (self.typed && key === "ArrowRight") move = "right";
      if (key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        drop();
        self.focusGrid();
        return;
      }
      if (!move) {
        event.stopPropagation(); // typing in the cell is not a grid key
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      keep();
      self.move(move);
    });
    return input;
  };

  Grid.prototype.range = function () {
    var module = this.table.modules.selectRange;
    return module ? module.activeRange : null;
  };

  Grid.prototype.tableColumns = function () {
    return this.table.modules.selectRange.getTableColumns();
  };

  Grid.prototype.tableRows = function () {
    return this.table.modules.selectRange.getTableRows();
  };

  Grid.prototype.activeCell = function () {
    var module = this.table.modules.selectRange;
    var cell = module ? module.getActiveCell() : null;
    return cell ? cell.getComponent() : null;
  };

  Grid.prototype.focusGrid = function () {
    this.table.rowManager.element.focus({ preventScroll: true });
  };

  Grid.prototype.move = function (dir) {
    var self = this;
    // After the editor closed (Tabulator refocuses the grid first).
    setTimeout(function () {
      var module = self.table.modules.selectRange;
      if (dir === "down") {
        var range = module.activeRange;
        var rows = self.tableRows();
        if (range && range.start.row >= rows.length - 1) self.keepBlankRow();
      }
      module.navigate(false, false, dir);
      self.focusGrid();
    }, 0);
  };

  Grid.prototype.select = function (rowIndex, colIndex) {
    var module = this.table.modules.selectRange;
    var rows = this.tableRows();
    var columns = this.tableColumns();
    if (!rows.length) return;
    rowIndex = Math.max(0, Math.min(rowIndex, rows.length - 1));
    colIndex = Math.max(1, Math.min(colIndex, columns.length - 1));
    var range = module.resetRanges();
    range.setStart(rowIndex, colIndex);
    range.setEnd(rowIndex, colIndex);
    module.selecting = "cell";
    rows[rowIndex].getComponent().scrollTo("center", false).catch(function () {});
    columns[colIndex].getComponent().scrollTo("middle", false).catch(function () {});
    module.layoutElement();
    this.focusGrid();
  };

  Grid.prototype.isEditable = function (column) {
    return !!(column && column.definition && typeof column.definition.editor === "function");
  };

  Grid.prototype.selectedRows = function () {
    var range = this.range();
    return range ? range.getRows().map(function (row) { return row.getComponent(); }) : [];
  };

  Grid.prototype.onKey = function (event) {
    if (isEditor(event.target)) return;
    var module = this.table.modules.selectRange;
    var edit = this.table.modules.edit;
    if (!module || (edit && edit.currentCell)) return;
    var ctrl = event.ctrlKey || event.metaKey;
    var key = event.key;
    var cell = this.activeCell();
    if (ctrl && (key === "s" || key === "S")) {
      event.preventDefault();
      event.stopPropagation();
      window.juesuanEditor.save(this.form);
      return;
    }
    if (ctrl && (key === "d" || key === "D")) {
      event.preventDefault();
      event.stopPropagation();
      this.fillDown();
      return;
    }
    if (ctrl && (key === "Delete" || key === "Backspace")) {
      event.preventDefault();
      event.stopPropagation();
      this.toggleDelete(this.selectedRows());
      return;
    }
    if (!cell) return;
    var column = cell.getColumn()._column;
    if (key === "Delete" || key === "Backspace") {
      event.preventDefault();
      event.stopPropagation();
      this.clearRange();
      return;
    }
    if (key === "Enter" || key === "F2") {
      event.preventDefault();
      event.stopPropagation();
      if (this.isEditable(column)) cell.edit(true);
      else if (key === "Enter") this.move(event.shiftKey ? "up" : "down");
      return;
    }
    if (isComposition(event)) {
      // An input method (拼音, 五笔) is starting: the cell's editor opens at once, the key not
      // taken (that would cancel the composition), so what is composed goes into the cell.
      this.startComposing(cell, column);
      return;
    }
    if (key.length === 1 && !ctrl && !event.altKey) {
      if (!this.isEditable(column)) return;
      event.preventDefault();
      event.stopPropagation();
      this.pendingText = key;
      cell.edit(true);
    }
  };

  Grid.prototype.startComposing = function (cell, column) {
    var edit = this.table.modules.edit;
    if (!cell || !this.isEditable(column) || (edit && edit.currentCell)) return;
    this.pendingText = "";
    cell.edit(true);
  };

  Grid.prototype.rangeCells = function () {
    var range = this.range();
    if (!range) return [];
    return range.getCells(true, true); // rows of cell components
  };

  Grid.prototype.clearRange = function () {
    var rows = this.rangeCells();
    this.begin();
    for (var r = 0; r < rows.length; r++) {
      var values = {};
      var row = null;
      for (var c = 0; c < rows[r].length; c++) {
        var cell = rows[r][c];
        if (!this.isEditable(cell.getColumn()._column)) continue;
        values[cell.getField()] = "";
        row = cell.getRow();
      }
      if (row) this.setValues(row, values);
    }
    this.end();
  };

  // Ctrl+D: the first row of the selection copied into the rows below it; one cell: the cell
  // above copied into it (as in Excel).
  Grid.prototype.fillDown = function () {
    var rows = this.rangeCells();
    if (!rows.length) return;
    var source = rows[0];
    var targets = rows.slice(1);
    if (rows.length === 1) {
      var all = this.table.getRows();
      var position = all.indexOf(rows[0][0].getRow());
      if (position < 1) return;
      var above = all[position - 1];
      source = rows[0].map(function (cell) { return above.getCell(cell.getColumn()); });
      targets = [rows[0]];
    }
    this.begin();
    for (var r = 0; r < targets.length; r++) {
      var values = {};
      for (var c = 0; c < targets[r].length; c++) {
        var cell = targets[r][c];
        if (!this.isEditable(cell.getColumn()._column)) continue;
        values[cell.getField()] = source[c].getValue();
      }
      this.setValues(targets[r][0].getRow(), values);
    }
    this.end();
    this.announce("已向下填充 " + targets.length + " 行");
  };

  Grid.prototype.addRowAtEnd = function () {
    var self = this;
    var rows = this.table.getRows();
    var last = rows[rows.length - 1];
    var go = function () {
      var count = self.tableRows().length;
      self.select(count - 1, 1);
    };
    if (last && this.isBlank(last.getData())) go();
    else this.table.addRow(this.blankRow()).then(go);
  };

  // --- paste -----------------------------------------------------------------------------------

  Grid.prototype.onPaste = function (event) {
    if (isEditor(event.target)) return; // pasted into the cell being edited
    var data = event.clipboardData ? event.clipboardData.getData("text/plain") : "";
    if (!data) return;
    var range = this.range();
    if (!range) return;
    event.preventDefault();
    this.paste(data);
  };

  Grid.prototype.paste = function (data) {
    var self = this;
    var block = parseBlock(data);
    var range = this.range();
    var columns = this.tableColumns();
    var top = range.top, left = Math.max(range.left, 1);
    var single = block.length === 1 && block[0].length === 1;
    var height = single ? range.bottom - range.top + 1 : block.length;
    var width = single ? range.right - left + 1 : null;
    // Which grid column each pasted column goes to: from the selected one rightwards. A block
    // without the names (the column after the code holds numbers or choices such as 资金来源,
    // not names) skips 科目名称.
    var targets = [];
    var first = block[0] ? block[0].length : 0;
    var skipName = false;
    var codeAt = -1;
    for (var k = left; k < columns.length; k++) {
      if (columns[k].getField() === this.codeField()) { codeAt = k - left; break; }
    }
    if (codeAt >= 0 && first > codeAt + 1) {
      var after = function (cells) { return (cells[codeAt + 1] || "").trim(); };
      skipName = block.some(after) && block.every(function (cells) {
        var v = after(cells);
        if (!v) return true;
        if (v === self.nameOf(normaliseNumber(cells[codeAt] || ""), "")) return false;
        return parseAmount(v) !== undefined || self.isChoice(v);
      });
    }
    var wanted = width === null ? first : width;
    for (var c = left; c < columns.length && targets.length < wanted; c++) {
      if (skipName && columns[c].getField() === "_name") continue;
      targets.push(columns[c]);
    }
    var rows = this.tableRows();
    var needed = top + height - rows.length;
    var finish = function () {
      var all = self.tableRows();
      self.table.blockRedraw(); // one redraw for the whole block
      self.begin();
      var count = 0;
      for (var r = 0; r < height; r++) {
        var row = all[top + r];
        if (!row) break;
        var cells = single ? block[0] : block[r];
        var values = {};
        for (var t = 0; t < targets.length; t++) {
          if (!self.isEditable(targets[t])) continue;
          var value = single ? cells[0] : cells[t];
          if (value === undefined) continue;
          values[targets[t].getField()] = value;
        }
        self.setValues(row.getComponent(), values);
        count++;
      }
      self.end();
      self.table.restoreRedraw();
      self.table.recalc();
      var module = self.table.modules.selectRange;
      module.activeRange.setStart(top, left);
      var right = Math.min(left + Math.max(targets.length, 1) - 1, columns.length - 1);
      module.activeRange.setEnd(top + height - 1, right);
      module.layoutElement();
      self.fitWidths(targets);
      self.announce("已粘贴 " + count + " 行");
      self.focusGrid();
    };
    if (needed > 0) {
      var blanks = [];
      for (var i = 0; i < needed; i++) blanks.push(this.blankRow());
      this.table.addData(blanks).then(finish);
    } else {
      finish();
    }
  };

  // After a paste the amount and text columns widen to what they now show (never narrower, a
  // text no wider than its maxWidth); the frozen code and name keep theirs. The longest texts
  // of a column are measured in an element styled as its cells (tabular figures and all).
  Grid.prototype.fitWidths = function (columns) {
    var self = this;
    var data = this.table.getData();
    var ruler = document.createElement("span");
    ruler.style.cssText = "position:absolute;visibility:hidden;white-space:nowrap;left:-9999px;top:0";
    document.body.appendChild(ruler);
    var holder = this.element.querySelector(".tabulator-tableholder");
    var room = (holder ? holder.clientWidth : this.element.clientWidth) - 2;
    this.table.columnManager.getVisibleColumnsByIndex().forEach(function (column) {
      if (column.definition && column.definition.frozen) room -= column.getWidth();
    });
    columns.forEach(function (column) {
      var def = column.definition || {};
      var field = column.getField();
      var model = self.column(field);
      if (def.frozen || !self.isEditable(column) || !model || model.choices) return;
      var sample = self.element.querySelector(
        '.tabulator-row .tabulator-cell[tabulator-field="' + field + '"]');
      if (!sample) return;
      var style = window.getComputedStyle(sample);
      ["font", "fontVariantNumeric", "paddingLeft", "paddingRight", "letterSpacing"].forEach(
        function (name) { ruler.style[name] = style[name]; });
      var texts = [];
      for (var i = 0; i < data.length; i++) {
        var value = data[i][field];
        if (value == null || value === "") continue;
        texts.push(self.isAmount(field) ? showAmount(value) : String(value));
      }
      if (self.isAmount(field)) texts.push(self.sumText(data, field)); // and its 合计
      texts.sort(function (a, b) { return b.length - a.length; });
      var widest = 0;
      texts.slice(0, 8).forEach(function (t) {
        ruler.textContent = t;
        widest = Math.max(widest, ruler.getBoundingClientRect().width);
      });
      var padding = 2; // the cell's borders
      var want = Math.ceil(widest + padding);
      if (def.maxWidth) want = Math.min(want, def.maxWidth);
      want = Math.min(want, room); // still seen whole beside the frozen columns (on a phone)
      var component = column.getComponent();
      if (want <= component.getWidth()) return;
      // Kept by the definition too: a full redraw (the rows added by the paste, a resize) sets
      // the columns back to their definitions' widths.
      if (def.width) def.width = want;
      component.setWidth(want);
    });
    document.body.removeChild(ruler);
  };

  Grid.prototype.announce = function (message) {
    this.status.textContent = message;
  };

  // --- problems from the server ----------------------------------------------------------------

  Grid.prototype.showProblems = function () {
    var self = this;
    var items = [];
    this.table.getRows().forEach(function (row) {
      var d = row.getData();
      var add = function (field, error) {
        return function (message) {
          items.push({ row: row, field: field, text: message, error: error, n: d._n });
        };
      };
      Object.keys(d._errors || {}).forEach(function (field) {
        d._errors[field].forEach(add(field, true));
      });
      Object.keys(d._notes || {}).forEach(function (field) {
        d._notes[field].forEach(add(field, false));
      });
      (d._rowProblems || []).forEach(add(null, true));
    });
    this.problems.hidden = !items.length;
    if (!items.length) return;
    var list = document.createElement("ul");
    items.slice(0, 50).forEach(function (item) {
      var li = document.createElement("li");
      li.className = item.error ? "error" : "note";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "link";
      var column = item.field ? self.column(item.field) : null;
      button.textContent = "第 " + item.n + " 行" + (column ? " · " + column.label : "");
      button.addEventListener("click", function () { self.goTo(item.row, item.field); });
      li.appendChild(button);
      li.appendChild(document.createTextNode("：" + item.text));
      list.appendChild(li);
    });
    var head = document.createElement("p");
    head.textContent = "本表有 " + items.length + " 条错误或提示（红色的须改正，黄色的请核实；" +
      "点击即到该格）" + (items.length > 50 ? "，下面列出前 50 条" : "") + "：";
    this.problems.textContent = "";
    this.problems.appendChild(head);
    this.problems.appendChild(list);
  };

  Grid.prototype.goTo = function (row, field) {
    var rows = this.tableRows();
    var columns = this.tableColumns();
    var r = -1, c = 1;
    for (var i = 0; i < rows.length; i++) {
      if (rows[i].getComponent() === row) {
        r = i;
        break;
      }
    }
    if (field) {
      for (var j = 0; j < columns.length; j++) {
        var f = columns[j].getField();
        if (f === field || (field === "name" && f === "_name")) { c = j; break; }
      }
    }
    if (r >= 0) this.select(r, c);
  };

  // The check panel links to a field of the form: "#f-expenditure-3-basic".
  Grid.prototype.followHash = function () {
    var hash = decodeURIComponent(window.location.hash || "");
    var prefix = "#" + fieldId(this.path) + "-";
    if (hash.indexOf(prefix) !== 0) return false;
    var rest = hash.slice(prefix.length).split("-");
    var index = rest[0];
    var field = rest.slice(1).join(".");
    var rows = this.table.getRows();
    for (var i = 0; i < rows.length; i++) {
      if (rows[i].getData()._i === index) {
        this.goTo(rows[i], field || null);
        this.holder.scrollIntoView({ block: "start" });
        return true;
      }
    }
    return false;
  };

  // --- 合计, 类/款 subtotals -----------------------------------------------------------------------

  Grid.prototype.scheduleTotals = function () {
    var self = this;
    if (this.totalsPending) return;
    this.totalsPending = true;
    window.requestAnimationFrame(function () {
      self.totalsPending = false;
      self.renderTotals();
      if (!self.problems.hidden) self.showProblems(); // what was corrected leaves the list
    });
  };

  function nulls(count) {
    var out = [];
    for (var i = 0; i < count; i++) out.push(null);
    return out;
  }

  function addInto(sums, values) {
    values.forEach(function (v, i) { sums[i] = addAmounts(sums[i], v); });
  }

  // Sums from the server (decimal strings, null where no row has an amount) as exact amounts.
  Grid.prototype.elsewhereSums = function (texts) {
    return (texts || []).map(function (t) { return t == null ? null : parseAmount(t) || null; });
  };

  var ELSEWHERE = "含其他页已保存的行";

  // The subtotals as the 表样 prints them: 类, then 款 (功能分类) under each; for 经济分类 the
  // 类 of 人员经费, their total, then those of 公用经费 and theirs; rows whose code is blank or
  // cannot be placed; last the 合计. A long list's rows on other pages are added as saved.
  Grid.prototype.renderTotals = function () {
    if (!this.table) return;
    var self = this;
    var amounts = this.config.amounts;
    var levels = this.config.levels || [3];
    var sides = this.config.sides || null;
    var elsewhere = this.elsewhere;
    var groups = {}; // 类 or 款 code -> {depth, sums, other}
    var total = nulls(amounts.length);
    var sideTotals = [nulls(amounts.length), nulls(amounts.length)];
    var blank = null, unsorted = null;
    var bad = 0;
    var codeField = this.codeField();
    var length = this.config.kind === "functional" ? 7 : 5;
    var sideOf = function (code) { return sides.personnel.indexOf(code.slice(0, 3)) >= 0 ? 0 : 1; };
    var groupOf = function (key) {
      var depth = levels.indexOf(key.length);
      return (groups[key] = groups[key] || { depth: depth, sums: nulls(amounts.length), other: false });
    };
    this.table.getData().forEach(function (d) {
      if (d._del) return;
      var code = d[codeField] || "";
      var values = amounts.map(function (field) {
        var a = parseAmount(d[field]);
        if (a === undefined) bad++;
        return a || null;
      });
      if (values.every(function (v) { return !v; })) return;
      addInto(total, values);
      if (!code) {
        blank = blank || nulls(amounts.length);
        addInto(blank, values);
        return;
      }
      if (!/^[0-9]+$/.test(code) || code.length !== length) {
        unsorted = unsorted || nulls(amounts.length);
        addInto(unsorted, values);
        return;
      }
      levels.forEach(function (digits) { addInto(groupOf(code.slice(0, digits)).sums, values); });
      if (sides) addInto(sideTotals[sideOf(code)], values);
    });
    if (elsewhere) {
      addInto(total, this.elsewhereSums(elsewhere.total));
      Object.keys(elsewhere.groups || {}).forEach(function (key) {
        if (levels.indexOf(key.length) < 0) return;
        var values = self.elsewhereSums(elsewhere.groups[key]);
        var group = groupOf(key);
        addInto(group.sums, values);
        group.other = true;
        if (sides && key.length === levels[0]) addInto(sideTotals[sideOf(key)], values);
      });
      var more = function (sums, texts) {
        var values = self.elsewhereSums(texts);
        if (values.every(function (v) { return !v; })) return sums;
        sums = sums || nulls(amounts.length);
        addInto(sums, values);
        return sums;
      };
      blank = more(blank, elsewhere.blank);
      unsorted = more(unsorted, elsewhere.bad);
    }
    var head = '<tr><th scope="col">科目编码</th><th scope="col">科目名称</th>' +
      amounts.map(function (field) {
        var column = self.column(field);
        return '<th scope="col" class="num">' + escapeHtml(column ? column.label : field) + "</th>";
      }).join("") + "</tr>";
    var line = function (code, name, sums, css, other) {
      var cells = sums.map(function (sum) {
        return '<td class="num">' + formatAmount(sum) + "</td>";
      });
      return '<tr class="' + css + '"' + (other ? ' title="' + ELSEWHERE + '"' : "") +
        '><td class="code">' + escapeHtml(code) + '</td><td class="name">' +
        escapeHtml(name) + "</td>" + cells.join("") + "</tr>";
    };
    var group = function (key) {
      var g = groups[key];
      return line(key, self.nameOf(key, ""), g.sums, "level-" + g.depth, g.other);
    };
    var body = [];
    var keys = Object.keys(groups).sort();
    if (sides) {
      [0, 1].forEach(function (side) {
        keys.forEach(function (key) { if (sideOf(key) === side) body.push(group(key)); });
        body.push(line("", sides.labels[side] + "合计", sideTotals[side], "subtotal", !!elsewhere));
      });
    } else {
      keys.forEach(function (key) { body.push(group(key)); });
    }
    if (blank) body.push(line("", "未填科目编码的行", blank, "unsorted blank", !!elsewhere));
    if (unsorted) body.push(line("", "编码不全或有误的行", unsorted, "unsorted", !!elsewhere));
    body.push(line("", "合计", total, "total", !!elsewhere));
    var title = sides ? "类级小计、人员经费和公用经费合计（随填随算）" : "类、款小计和合计（随填随算）";
    var note = bad ? '<p class="hint warn">有 ' + bad + " 格不是有效的金额，未计入合计。</p>" : "";
    var scope = elsewhere
      ? "本表分页编辑：小计和合计含其他页已保存的 " + elsewhere.rows.toLocaleString("en-US") +
        " 行（按已保存的数），本页的行随填随算；删除的行不计；以保存后的检查结果为准。"
      : "只算本页表格中的行，删除的行不计；以保存后的检查结果为准。";
    this.totals.innerHTML = "<summary>" + title + '</summary><p class="hint">' +
      (this.unit ? "金额单位：" + escapeHtml(this.unit) + "。" : "") + scope + "</p>" + note +
      '<div class="table-scroll"><table class="grid-sums"><thead>' + head + "</thead><tbody>" +
      body.join("") + "</tbody></table></div>";
  };

  // --- the plain form instead of the grid ------------------------------------------------------

  Grid.prototype.toggleForm = function (button) {
    var showForm = !this.block.classList.contains("show-form");
    this.block.classList.toggle("show-form", showForm);
    button.setAttribute("aria-pressed", showForm ? "true" : "false");
    button.textContent = showForm ? "表格编辑" : "逐行表单";
    if (showForm && window.htmx) window.htmx.process(this.body); // the rows the grid added
    if (!showForm) {
      // The form may have been changed: the grid shows it again.
      this.inputs = {};
      this.table.replaceData(this.readForm()).then(this.renderTotals.bind(this));
    }
  };

  // --- start -----------------------------------------------------------------------------------

  var grids = [];

  function start() {
    var data = pageData();
    if (!data || !window.Tabulator || !window.juesuanEditor || typeof BigInt !== "function") return;
    Object.keys(data.lists || {}).forEach(function (path) {
      var block = document.querySelector('.rows-block[data-rows="' + path + '"]');
      if (!block) return;
      var config = data.lists[path];
      var grid = new Grid(block, config, (data.codes || {})[config.kind], data.unit);
      if (!grid.form || !grid.body || !grid.template || !grid.scroll) return;
      if (!grid.columns.length) return;
      try {
        grid.build();
        grids.push(grid);
      } catch (e) {
        // The form below still works.
        block.classList.remove("has-grid");
        if (grid.holder && grid.holder.parentNode) grid.holder.parentNode.removeChild(grid.holder);
        if (window.console) window.console.warn("表格编辑无法启用：", e);
      }
    });
  }

  window.addEventListener("hashchange", function () {
    grids.forEach(function (grid) { grid.followHash(); });
  });

  window.juesuanGrid = {
    normaliseNumber: normaliseNumber,
    normaliseAmount: normaliseAmount,
    parseBlock: parseBlock,
    sum: function (texts) {
      var total = null;
      texts.forEach(function (t) { var a = parseAmount(t); if (a) total = addAmounts(total, a); });
      return formatAmount(total);
    },
    grids: grids,
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
