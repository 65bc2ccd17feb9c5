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
})();
