// The upload page: seals the chosen file in this browser (seal.js), wraps
// its key to the signed-in account, uploads the ciphertext to
// POST /api/v1/storage with the session cookie and the page's API write
// token, and shows the key once, to save.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form) {
    return;
  }
  var seal = window.OpenSky && window.OpenSky.seal;
  var $ = function (id) {
    return document.getElementById(id);
  };
  var fileInput = $("upload-file"), nameInput = $("upload-name"), start = $("upload-start");
  var errorBox = $("upload-error"), progress = $("upload-progress"), done = $("upload-done");
  var maxBytes = Number(form.getAttribute("data-max-bytes"));

  if (!seal || !seal.available()) {
    $("upload-insecure").hidden = false;
    start.disabled = true;
    return;
  }

  function fromHex(s) {
    var out = new Uint8Array(s.length / 2);
    for (var i = 0; i < out.length; i++) {
      out[i] = parseInt(s.substr(2 * i, 2), 16);
    }
    return out;
  }
  var ownerKey = fromHex(form.getAttribute("data-owner-key") || "");

  function bytes(n) {
    var units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
    var i = 0;
    while (n >= 1024 && i < units.length - 1) {
      n /= 1024;
      i++;
    }
    return (i === 0 ? String(n) : n.toFixed(1)) + " " + units[i];
  }

  // The key file is a Blob offered at a blob: URL that lives only while
  // a click saves it: made on the click, revoked once the browser has
  // started the download (a blob: URL is resolved when the download
  // starts), and revoked when the page is left, so that no URL keeps the
  // key reachable after it was used.
  var keyLink = $("upload-keyfile"), keyFileBlob = null, keyFileURL = null;
  var keyFileURLLife = 1000; // milliseconds after the click

  function revokeKeyFile() {
    if (keyFileURL) {
      URL.revokeObjectURL(keyFileURL);
      keyFileURL = null;
      keyLink.href = "#";
    }
  }

  keyLink.addEventListener("click", function (ev) {
    revokeKeyFile();
    if (!keyFileBlob) {
      ev.preventDefault();
      return;
    }
    keyFileURL = URL.createObjectURL(keyFileBlob);
    keyLink.href = keyFileURL; // read by the click's default action, which follows this handler
    setTimeout(revokeKeyFile, keyFileURLLife);
  });
  window.addEventListener("pagehide", revokeKeyFile);

  function fail(msg) {
    errorBox.textContent = msg;
    errorBox.hidden = false;
    start.disabled = false;
    fileInput.disabled = false;
  }

  function step(bar, text, n, total, verb) {
    bar.max = Math.max(total, 1);
    bar.value = n;
    text.textContent = verb + " " + bytes(n) + " of " + bytes(total);
  }

  // send uploads the sealed Blob with the query, reporting bytes sent;
  // XMLHttpRequest, unlike fetch, reports an upload's progress.
  function send(query, sealed, onProgress) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.getAttribute("data-api") + "?" + query.toString());
      xhr.setRequestHeader("Content-Type", "application/octet-stream");
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-Opensky-Csrf", form.getAttribute("data-api-token") || "");
      xhr.upload.onprogress = function (e) {
        onProgress(e.loaded);
      };
      xhr.onload = function () {
        var body = null;
        try {
          body = JSON.parse(xhr.responseText);
        } catch (err) {
          body = null;
        }
        if (xhr.status === 201 && body) {
          resolve(body);
          return;
        }
        var msg = "The gateway refused the upload (status " + xhr.status + ")";
        if (body && body.message) {
          msg += ": " + body.message;
        }
        if (body && body.hint) {
          msg += ". " + body.hint;
        }
        reject(new Error(msg));
      };
      xhr.onerror = function () {
        reject(new Error("The upload did not reach the gateway; check the connection and try again."));
      };
      xhr.send(sealed);
    });
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    errorBox.hidden = true;
    var file = fileInput.files && fileInput.files[0];
    if (!file) {
      fail("Choose a file to upload.");
      fileInput.focus();
      return;
    }
    if (file.size > maxBytes) {
      fail(file.name + " is " + bytes(file.size) + "; this page uploads at most " + bytes(maxBytes) +
        ". Store it with the CLI instead: opensky storage put FILE.");
      return;
    }
    start.disabled = true;
    fileInput.disabled = true;
    progress.hidden = false;
    done.hidden = true;
    revokeKeyFile();
    keyFileBlob = null;
    var sealBar = $("seal-bar"), sealText = $("seal-text"), sendBar = $("send-bar"), sendText = $("send-text");
    step(sealBar, sealText, 0, file.size, "Encrypted");
    step(sendBar, sendText, 0, file.size, "Uploaded");
    var key = seal.newKey();
    var name = nameInput.value.trim() || file.name;
    var result = null;

    seal.sealBlob(file, key, function (n) {
      step(sealBar, sealText, n, file.size, "Encrypted");
    }).then(function (r) {
      result = r;
      return seal.wrapKey(ownerKey, key);
    }).then(function (wrapped) {
      var q = new URLSearchParams();
      q.set("size", String(file.size));
      q.set("key", seal.base64url(wrapped));
      q.set("cid", result.cid);
      q.set("name", name);
      ["redundancy", "duration", "deal"].forEach(function (f) {
        var el = form.elements.namedItem(f);
        if (el && el.value) {
          q.set(f, el.value.trim());
        }
      });
      if (q.has("deal") && !q.has("duration")) {
        q.set("duration", "720h"); // what a deal pays for, as opensky storage put reckons it
      }
      return send(q, result.sealed, function (sent) {
        // The bar counts the file's bytes: the ciphertext has 16 more per MiB.
        step(sendBar, sendText, Math.min(file.size, Math.round(sent * file.size / result.cipherLen)), file.size, "Uploaded");
      });
    }).then(function (obj) {
      if (obj.cid !== result.cid) {
        throw new Error("The gateway stored " + obj.cid + ", but this page sealed " + result.cid + ". Remove that object and try again.");
      }
      step(sendBar, sendText, file.size, file.size, "Uploaded");
      var link = $("upload-link");
      link.href = "/storage/" + encodeURIComponent(obj.cid);
      link.textContent = obj.cid;
      $("upload-key").value = seal.keyText(key);
      keyFileBlob = new Blob([seal.keyFile(key, obj.cid, name)], { type: "text/plain" });
      keyLink.download = (name.replace(/[^A-Za-z0-9._-]+/g, "_") || "object") + ".opensky-key.txt";
      done.hidden = false;
      fileInput.disabled = false;
      fileInput.value = "";
      start.disabled = false;
      $("upload-done-h").focus();
    }).catch(function (err) {
      fail(err && err.message ? err.message : String(err));
    });
  });
})();
