// An object's page: "Download and decrypt" fetches the object's
// ciphertext, opens it with the content key the visitor gives (pasted, or
// from the saved key file), checking every chunk and the CID (seal.js),
// and only then offers the plaintext as a download. The key stays in the
// page.
(function () {
  "use strict";
  var form = document.getElementById("decrypt-form");
  if (!form) {
    return;
  }
  var seal = window.OpenSky && window.OpenSky.seal;
  var $ = function (id) {
    return document.getElementById(id);
  };
  var start = $("decrypt-start"), status = $("decrypt-status"), errorBox = $("decrypt-error");
  var bar = $("decrypt-bar"), save = $("decrypt-save");
  var cid = form.getAttribute("data-cid");
  var cipherLen = Number(form.getAttribute("data-cipher-len"));
  var name = form.getAttribute("data-name") || cid;
  var url = null;

  if (!seal || !seal.available()) {
    $("decrypt-insecure").hidden = false;
    start.disabled = true;
    return;
  }

  function fail(msg) {
    errorBox.textContent = msg;
    errorBox.hidden = false;
    status.textContent = "";
    start.disabled = false;
  }

  // keyText reads the key from the field, else from the chosen key file.
  function keyText() {
    var typed = $("decrypt-key").value.trim();
    if (typed) {
      return Promise.resolve(typed);
    }
    var f = $("decrypt-keyfile").files;
    if (f && f[0]) {
      if (f[0].size > 4096) {
        return Promise.reject(new Error(f[0].name + " is too large to be a saved key file."));
      }
      return f[0].text();
    }
    return Promise.reject(new Error("Paste the content key, or choose the saved key file."));
  }

  async function open(key) {
    var res = await fetch(form.getAttribute("data-content-url"), { credentials: "same-origin" });
    if (!res.ok) {
      var msg = "The gateway could not send the object (status " + res.status + ")";
      try {
        var body = await res.json();
        if (body && body.message) {
          msg += ": " + body.message;
        }
      } catch (err) {
        // not a JSON error
      }
      throw new Error(msg);
    }
    var opener = new seal.Opener(key, cipherLen, cid);
    var reader = res.body.getReader();
    var got = 0;
    try {
      for (;;) {
        var r = await reader.read();
        if (r.done) {
          break;
        }
        await opener.push(r.value);
        got += r.value.length;
        bar.value = got;
        status.textContent = "Downloaded and checked " + got + " of " + cipherLen + " bytes";
      }
    } catch (err) {
      reader.cancel().catch(function () {});
      throw err;
    }
    return opener.finish();
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    errorBox.hidden = true;
    $("decrypt-done").hidden = true;
    if (url) {
      URL.revokeObjectURL(url);
      url = null;
    }
    keyText().then(function (text) {
      var key = seal.parseKey(text);
      if (!key) {
        throw new Error("That is not a content key: a key is 43 characters of letters, digits, - and _ (or a saved key file).");
      }
      start.disabled = true;
      $("decrypt-progress").hidden = false;
      bar.value = 0;
      status.textContent = "Downloading…";
      return open(key);
    }).then(function (blob) {
      url = URL.createObjectURL(blob);
      save.href = url;
      save.download = name;
      $("decrypt-done").hidden = false;
      status.textContent = "Verified every chunk and the CID, and decrypted " + blob.size + " bytes: saving " + name + ".";
      start.disabled = false;
      save.click();
    }).catch(function (err) {
      if (err && err.wrongKey) {
        fail("This key does not open this object: nothing was saved. Check that it is the key saved for " + cid + ".");
        return;
      }
      fail((err && err.message ? err.message : String(err)) + " Nothing was saved.");
    });
  });
})();
