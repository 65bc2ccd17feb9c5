// Public portal: fit the disclosure document's frame to its content (same origin), so the
// page scrolls as one. Without JavaScript the frame keeps its fixed height and scrolls.
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
