// The submit form: picking a template fills the form's fields from it
// (the module is still the visitor's to upload), and the price estimate
// is refreshed from /submit/estimate as the fields it depends on change;
// on a network that charges for jobs, the sentence beside the escrow
// picker compares the job's worst case with the escrow picked.
(function () {
  "use strict";
  var form = document.getElementById("submit-form");
  var picker = document.getElementById("template");
  var estimate = document.getElementById("estimate");
  if (!form) {
    return;
  }

  function field(name) {
    return form.elements.namedItem(name);
  }

  function setValue(name, value) {
    var el = field(name);
    if (el && el.type !== "file" && el.type !== "hidden") {
      el.value = value || "";
    }
  }

  var templates = [];
  if (picker) {
    try {
      templates = JSON.parse(picker.getAttribute("data-templates") || "[]");
    } catch (err) {
      templates = [];
    }
    picker.addEventListener("change", function () {
      var t = null;
      for (var i = 0; i < templates.length; i++) {
        if (templates[i].id === picker.value) {
          t = templates[i];
        }
      }
      var f = t ? t.form : {};
      setValue("name", f.Name);
      setValue("args", f.Args);
      setValue("shards", f.Shards);
      setValue("replicas", f.Replicas);
      setValue("cpu", f.CPU);
      setValue("memory", f.Memory);
      setValue("timeout", f.Timeout);
      setValue("maxPrice", f.MaxPrice);
      setValue("verification", f.Verification);
      var inputs = f.Inputs || [];
      for (var j = 0; field("input" + j + "Name"); j++) {
        var row = inputs[j] || {};
        setValue("input" + j + "Name", row.Name);
        setValue("input" + j + "Content", row.Content);
      }
      var tf = field("template");
      if (tf) {
        tf.value = t ? t.id : "";
      }
      var note = document.getElementById("template-note");
      if (note && t) {
        note.textContent = "The template filled in the fields; it does not bring the module. Build " +
          t.module + " from examples/" + t.id + " and upload it below.";
      }
      refresh();
    });
  }

  var pending = null;
  var seq = 0;
  function refresh() {
    if (!estimate || !window.fetch) {
      return;
    }
    var q = new URLSearchParams();
    ["shards", "replicas", "cpu", "timeout", "verification"].forEach(function (n) {
      var el = field(n);
      if (el && el.value) {
        q.set(n, el.value);
      }
    });
    var mine = ++seq;
    fetch(estimate.getAttribute("data-estimate-url") + "?" + q.toString(), {
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (res) {
      return res.ok ? res.json() : null;
    }).then(function (e) {
      if (e && mine === seq) {
        estimate.textContent = e.text;
        last = e;
        fit();
      }
    }).catch(function () {});
  }

  // usd formats micro-US dollars as the gateway does: $1.010000.
  function usd(micro) {
    var whole = Math.floor(micro / 1e6);
    var frac = String(micro - whole * 1e6);
    while (frac.length < 6) {
      frac = "0" + frac;
    }
    return "$" + whole + "." + frac;
  }

  // fit says whether the escrow picked holds the job's worst case; the
  // words are the page's own (submit_escrow.go).
  var last = null;
  var escrow = field("escrow");
  var fitNote = document.getElementById("escrow-fit");
  function fit() {
    if (!last || !fitNote || !escrow || escrow.tagName !== "SELECT" || escrow.selectedIndex < 0) {
      return;
    }
    if (!last.ok) {
      fitNote.textContent = "";
      return;
    }
    var amount = Number(escrow.options[escrow.selectedIndex].getAttribute("data-amount"));
    var holds = "This escrow holds " + usd(amount);
    if (last.median <= amount) {
      fitNote.textContent = "Worst case for this job: " + usd(last.median) + " at the median provider's price. " + holds + ": enough.";
    } else if (last.cheapest <= amount) {
      fitNote.textContent = "Worst case for this job: " + usd(last.median) + " at the median provider's price, " + usd(last.cheapest) +
        " at the cheapest. " + holds + ": it may run out; a shorter timeout or fewer tasks cost less.";
    } else {
      fitNote.textContent = "Worst case for this job: " + usd(last.cheapest) + " even at the cheapest provider's price, more than this escrow holds (" +
        usd(amount) + "): lock a bigger one, or make the job smaller.";
    }
  }
  if (escrow && escrow.tagName === "SELECT") {
    escrow.addEventListener("change", function () {
      if (last) {
        fit();
      } else {
        refresh();
      }
    });
  }

  ["shards", "replicas", "cpu", "timeout", "verification"].forEach(function (n) {
    var el = field(n);
    if (el) {
      el.addEventListener("input", function () {
        clearTimeout(pending);
        pending = setTimeout(refresh, 250);
      });
      el.addEventListener("change", refresh);
    }
  });
})();
