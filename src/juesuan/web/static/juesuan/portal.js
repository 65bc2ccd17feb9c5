// Public portal: fit the disclosure document's frame to its content, so the page scrolls as
// one. The document runs sandboxed in an origin of its own and posts its height; without
// JavaScript the frame keeps its fixed height and scrolls.
(function () {
  "use strict";
  function fit(frame) {
    try {
      var doc = frame.contentDocument;
      if (!doc || !doc.body || doc.readyState !== "complete") { return; }
      var height = doc.body.scrollHeight;
      if (height > 0) { frame.style.height = (height + 32) + "px"; }
    } catch (e) { /* not readable: keep the fixed height */ }
  }
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || typeof data.juesuanDocumentHeight !== "number") { return; }
    var frames = document.querySelectorAll("iframe.document");
    Array.prototype.forEach.call(frames, function (frame) {
      if (frame.contentWindow !== event.source) { return; }
      var height = Math.min(Math.max(data.juesuanDocumentHeight, 200), 500000);
      frame.style.height = (height + 32) + "px";
    });
  });
  document.addEventListener("DOMContentLoaded", function () {
    var frames = document.querySelectorAll("iframe.document");
    Array.prototype.forEach.call(frames, function (frame) {
      frame.addEventListener("load", function () {
        fit(frame);
        setTimeout(function () { fit(frame); }, 1000); // charts finish drawing after load
      });
      fit(frame);
    });
    var timer = null;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { Array.prototype.forEach.call(frames, fit); }, 200);
    });
  });
})();
