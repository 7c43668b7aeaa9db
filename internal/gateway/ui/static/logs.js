// Follows a running job's output over Server-Sent Events: the first "log"
// event replaces the page's log with everything so far, later ones append
// new output; the stream ends with an "end" event when the job is done.
// Text is set with textContent, never parsed as HTML.
(function () {
  "use strict";
  var pre = document.getElementById("job-logs");
  var status = document.getElementById("job-logs-status");
  if (!pre || !pre.getAttribute("data-log-events") || !window.EventSource) {
    return;
  }
  var source = new EventSource(pre.getAttribute("data-log-events"));
  var received = false;
  source.addEventListener("log", function (e) {
    var d;
    try {
      d = JSON.parse(e.data);
    } catch (err) {
      return;
    }
    var follow = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
    if (d.reset && !received) {
      pre.textContent = d.text || "";
    } else if (!d.reset && d.text) {
      pre.textContent += d.text;
    }
    received = true;
    if (follow) {
      pre.scrollTop = pre.scrollHeight;
    }
  });
  source.addEventListener("end", function () {
    source.close();
    if (status) {
      status.textContent = "The job has ended; this is its whole output.";
    }
  });
  source.addEventListener("error", function () {
    if (status && source.readyState === EventSource.CLOSED) {
      status.textContent = "Live output stopped; reload the page to see the latest.";
    }
  });
})();
