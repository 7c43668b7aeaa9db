// Follows a running job over Server-Sent Events: patches its phase as it
// changes, and reloads the page when the job's record changed, so that
// tasks, verification and outputs are current. Stops at a terminal phase.
(function () {
  "use strict";
  var job = document.querySelector("[data-job-events]");
  if (!job || !window.EventSource) {
    return;
  }
  var shown = Number(job.getAttribute("data-job-version"));
  var phase = document.getElementById("job-phase");
  var live = document.getElementById("job-live");
  var source = new EventSource(job.getAttribute("data-job-events"));
  source.addEventListener("job", function (e) {
    var d;
    try {
      d = JSON.parse(e.data);
    } catch (err) {
      return;
    }
    if (phase && d.phase) {
      phase.textContent = d.phase;
    }
    if (d.terminal) {
      source.close();
    }
    if (d.version > shown) {
      shown = d.version;
      if (live) {
        live.textContent = "Updated: now " + d.phase + ". Reloading.";
      }
      window.location.reload();
    }
  });
  source.addEventListener("error", function () {
    if (live && source.readyState === EventSource.CLOSED) {
      live.textContent = "Live updates stopped; reload the page to see the latest state.";
    }
  });
})();
