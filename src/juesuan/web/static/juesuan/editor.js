/* juesuan filing editor: add and remove rows in the browser. Without this script the same
   buttons submit the form and the server adds the row; deleting is a checkbox either way. */
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

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-add-row]") : null;
    if (!button || !button.form) return;
    var path = button.getAttribute("data-add-row");
    var template = document.getElementById("tpl-" + fieldId(path));
    var body = document.getElementById("rows-" + fieldId(path));
    if (!template || !body) return; // the server adds the row instead
    event.preventDefault();
    var index = nextIndex(button.form, path);
    var html = replaceAll(template.innerHTML, path + ".__new__", path + "." + index);
    html = replaceAll(html, fieldId(path) + "-__new__", fieldId(path) + "-" + index);
    var empty = body.querySelector(".empty-row");
    if (empty && empty.parentNode === body) body.removeChild(empty);
    body.insertAdjacentHTML("beforeend", html);
    var rows = body.querySelectorAll("[data-row]");
    var added = rows[rows.length - 1];
    if (window.htmx && added) window.htmx.process(added);
    var first = added ? added.querySelector("input:not([type=hidden]):not([type=checkbox]), select, textarea") : null;
    if (first) first.focus();
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
  // The live check sends the same fields: not when the server would refuse them.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.target;
    if (form && form.classList && form.classList.contains("filing-form") && tooMany(form, false)) {
      event.preventDefault();
    }
  });
})();
