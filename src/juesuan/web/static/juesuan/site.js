// Pages of the working area: a form with data-confirm asks before it is sent (a restore of an
// earlier version, …). Without scripts the form is sent as it is; nothing it does is lost.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute ? form.getAttribute("data-confirm") : null;
  if (question && !window.confirm(question)) event.preventDefault();
});
