/* juesuan filing editor: add and remove rows in the browser. Without this script the same
   buttons submit the form and the server adds the row; deleting is a checkbox either way.
   grid.js (row tables as grids) uses addRow and save through window.juesuanEditor. */
(function () {
  "use strict";

  function fieldId(path) {
    return "f-" + path.split(".").join("-");
  }

  function nextIndex(form, path) {
    var prefix = path + ".";
    var next = 0;
    for (var i = 0; i < form.elements.length; i++) {
      var name = form.elements[i].name || "";
      if (name.indexOf(prefix) !== 0) continue;
      var head = name.slice(prefix.length).split(".")[0];
      if (/^[0-9]+$/.test(head)) next = Math.max(next, parseInt(head, 10) + 1);
    }
    return next;
  }

  function replaceAll(text, from, to) {
    return text.split(from).join(to);
  }

  var nextIndexes = {};

  // A new row from the list's row template, as the server's "增加一行" makes it; the added
  // row's element, or null when the list has no template on this page.
  function addRow(form, path, options) {
    var template = document.getElementById("tpl-" + fieldId(path));
    var body = document.getElementById("rows-" + fieldId(path));
    if (!template || !body) return null;
    // Rows are only added here: the next index is counted once a list (pastes add hundreds).
    var index = nextIndexes[path] !== undefined ? nextIndexes[path] : nextIndex(form, path);
    nextIndexes[path] = index + 1;
    var html = replaceAll(template.innerHTML, path + ".__new__", path + "." + index);
    html = replaceAll(html, fieldId(path) + "-__new__", fieldId(path) + "-" + index);
    var empty = body.firstElementChild; // "尚无数据" when there are no rows
    if (empty && empty.classList.contains("empty-row")) body.removeChild(empty);
    // Parsed apart and appended: finding it among the list's rows would cost each added row
    // a look at all the others.
    var parsed = document.createElement("template");
    parsed.innerHTML = html;
    var added = parsed.content.querySelector("[data-row]");
    body.appendChild(parsed.content);
    // The code lookup of the row's inputs; a grid adds hundreds of rows at once and has the
    // rows processed when its form is shown (options.process false).
    var process = !(options && options.process === false);
    if (window.htmx && added && process) window.htmx.process(added);
    if (added && (!options || options.focus !== false)) {
      var first = added.querySelector(
        "input:not([type=hidden]):not([type=checkbox]), select, textarea");
      if (first) first.focus();
    }
    return added || null;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-add-row]") : null;
    if (!button || !button.form) return;
    var path = button.getAttribute("data-add-row");
    var id = fieldId(path);
    if (!document.getElementById("tpl-" + id) || !document.getElementById("rows-" + id)) {
      return; // the server adds the row instead
    }
    event.preventDefault();
    addRow(button.form, path);
  });

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box || !box.hasAttribute || !box.hasAttribute("data-delete-row")) return;
    var row = box.closest("[data-row]");
    if (row) row.classList.toggle("deleted", box.checked);
  });

  // The page box and the filter of a long list sit inside the filing form but belong to forms
  // of their own: their changes are not changes of the filing (no live check, nothing unsaved).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.closest && target.closest(".pager-tools")) event.stopPropagation();
  }, true);

  // Nothing typed is lost unnoticed: leaving the page with unsaved changes (another section,
  // another page of a long list, a filter, closing or reloading the tab) asks first.
  var dirty = false;
  function markDirty(event) {
    var target = event.target;
    if (target && target.form && target.form.classList.contains("filing-form")) dirty = true;
  }
  document.addEventListener("input", markDirty);
  document.addEventListener("change", markDirty);
  var LEAVE = "本页有尚未保存的修改，离开本页后这些修改将丢失。确定离开本页吗？";
  var leaving = false; // the user already said yes: no second question from beforeunload
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || !dirty || event.defaultPrevented) return;
    var href = link.getAttribute("href") || "";
    if (href.charAt(0) === "#" || link.target === "_blank" || link.hasAttribute("download")) return;
    if (window.confirm(LEAVE)) leaving = true;
    else event.preventDefault();
  });
  window.addEventListener("beforeunload", function (event) {
    if (!dirty || leaving) return;
    event.preventDefault();
    event.returnValue = LEAVE; // older browsers show their own text
    return LEAVE;
  });

  // The server takes a limited number of fields a request: say so before sending more, so
  // nothing typed is lost.
  function fieldCount(form) {
    var count = 0;
    for (var i = 0; i < form.elements.length; i++) {
      var el = form.elements[i];
      if (!el.name || el.disabled) continue;
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) continue;
      if (el.type === "submit" || el.type === "button" || el.type === "reset") continue;
      count++;
    }
    return count + 2; // the submit button and the CSRF token
  }
  function tooMany(form, scroll) {
    var limit = parseInt(form.getAttribute("data-max-fields") || "", 10);
    var notice = document.querySelector("[data-fields-limit]");
    var over = !!limit && fieldCount(form) > limit;
    if (notice) {
      notice.hidden = !over;
      if (over && scroll) notice.scrollIntoView({ block: "center" });
    }
    return over;
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute && form.hasAttribute("data-page-form")) {
      if (dirty && !window.confirm(LEAVE)) event.preventDefault();
      else leaving = true;
      return;
    }
    if (!form.classList || !form.classList.contains("filing-form")) return;
    if (tooMany(form, true)) {
      event.preventDefault();
      return;
    }
    dirty = false; // saving: the page may be left
  });
  // Saving from the keyboard (Ctrl+S in a grid, Enter in 修改说明) is the 保存 button's, never
  // the first button of the form (an "增加一行").
  function save(form) {
    var button = form.querySelector('button[name="_save"]');
    if (typeof form.requestSubmit === "function") form.requestSubmit(button || undefined);
    else if (button) button.click();
  }
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key !== "Enter" || !target || target.name !== "_note" || !target.form) return;
    if (!target.form.classList.contains("filing-form") || event.isComposing) return;
    event.preventDefault();
    save(target.form);
  });

  // 查看决算表: the saved version's nine tables in a panel beside the form (without scripts
  // the link opens them on a page of their own).
  document.addEventListener("click", function (event) {
    var target = event.target;
    var link = target.closest ? target.closest("[data-tables-panel], [data-tables-close]") : null;
    if (!link) return;
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return; // a new tab
    var panel = document.getElementById("tables-panel");
    var columns = panel ? panel.closest(".columns") : null;
    if (!panel) return;
    event.preventDefault();
    var open = link.hasAttribute("data-tables-panel") && panel.hidden;
    panel.hidden = !open;
    if (columns) columns.classList.toggle("with-tables", open);
    var toggle = document.querySelector("[data-tables-panel]");
    if (toggle) toggle.setAttribute("aria-expanded", open ? "true" : "false");
    if (!open) {
      if (toggle) toggle.focus();
      return;
    }
    var body = panel.querySelector("[data-tables-body]");
    if (body.getAttribute("data-loaded") === "1") {
      panel.focus();
      return;
    }
    body.textContent = "正在生成决算表……";
    var url = toggle.getAttribute("data-tables-panel");
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        body.innerHTML = html;
        body.setAttribute("data-loaded", "1");
        panel.focus();
      })
      .catch(function () {
        body.textContent = "决算表未能打开，请稍后再试，或在新页面中打开。";
      });
  }, true); // before the question about unsaved changes: the panel does not leave the page

  window.juesuanEditor = { addRow: addRow, save: save };

  // The live check sends the same fields: not when the server would refuse them.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.target;
    if (form && form.classList && form.classList.contains("filing-form") && tooMany(form, false)) {
      event.preventDefault();
    }
  });
})();
