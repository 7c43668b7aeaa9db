// The submit form: picking a template fills the form's fields from it
// (the module is still the visitor's to upload), and the price estimate
// is refreshed from /submit/estimate as the fields it depends on change.
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
      }
    }).catch(function () {});
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
