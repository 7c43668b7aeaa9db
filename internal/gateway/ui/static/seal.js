// The sealed object format of internal/storage/seal, in the browser:
// sealing a file the way `opensky storage put` does, naming the
// ciphertext by its CID, wrapping the object key to the owner's account,
// and opening a downloaded ciphertext with the key, checking every chunk
// and the CID. The gateway only ever sees ciphertext and wrapped keys.
//
// Format (internal/storage/seal/doc.go): the plaintext is cut into chunks
// of 1 MiB, each sealed with AES-256-GCM under the object key, nonce = the
// chunk's number (uint64 BE) and a last-chunk flag (uint32 BE), additional
// data "opensky/seal/chunk/1". The CID is a CIDv1 (raw, sha2-256, base32)
// of a 56-byte header naming the ciphertext's length, the chunk size and
// the RFC 6962 Merkle root over the sealed chunks. The key is wrapped with
// ECIES over ristretto255: HKDF-SHA256 of the shared point, the ephemeral
// point and the owner's key gives a one-time ChaCha20-Poly1305 key.
//
// AES-GCM, SHA-256 and HKDF come from WebCrypto, which browsers offer on
// https pages and on localhost only; ristretto255.js and
// chacha20poly1305.js must be loaded first. Files are read a chunk at a
// time, so the script holds about one chunk; the sealed or opened chunks
// go into Blobs, which the browser keeps (on disk when they are large).
(function (root) {
  "use strict";
  var ns = (root.OpenSky = root.OpenSky || {});
  var crypto = root.crypto;

  var CHUNK = 1 << 20;
  var OVERHEAD = 16;
  var CHUNK_AAD = new TextEncoder().encode("opensky/seal/chunk/1");
  var WRAP_INFO = new TextEncoder().encode("opensky/storage/key-wrap/1");
  var WRAPPED_SIZE = 80;

  // available reports whether this page can seal: WebCrypto is there.
  function available() {
    return !!(crypto && crypto.subtle && root.isSecureContext !== false);
  }

  // cipherLen is the ciphertext length of plain bytes (seal.CipherLen).
  function cipherLen(plain) {
    var chunks = Math.max(1, Math.ceil(plain / CHUNK));
    return plain + chunks * OVERHEAD;
  }

  // plainLen is the plaintext length of cipher bytes, or -1 when no
  // plaintext seals to that length (seal.PlainLen).
  function plainLen(cipher) {
    var sealed = CHUNK + OVERHEAD;
    var full = Math.floor(cipher / sealed), rest = cipher % sealed;
    if (cipher < OVERHEAD) {
      return -1;
    }
    if (rest === 0) {
      return full * CHUNK;
    }
    if (rest < OVERHEAD || (rest === OVERHEAD && full > 0)) {
      return -1;
    }
    return full * CHUNK + rest - OVERHEAD;
  }

  // chunkNonce is the nonce of chunk c: its number and the last flag.
  function chunkNonce(c, last) {
    var n = new Uint8Array(12);
    var dv = new DataView(n.buffer);
    dv.setUint32(0, Math.floor(c / 4294967296));
    dv.setUint32(4, c >>> 0);
    dv.setUint32(8, last ? 1 : 0);
    return n;
  }

  function sha256(bytes) {
    return crypto.subtle.digest("SHA-256", bytes).then(function (d) {
      return new Uint8Array(d);
    });
  }

  function prefixed(prefix, parts) {
    var n = 1;
    parts.forEach(function (p) {
      n += p.length;
    });
    var b = new Uint8Array(n);
    b[0] = prefix;
    var off = 1;
    parts.forEach(function (p) {
      b.set(p, off);
      off += p.length;
    });
    return b;
  }

  // leaf and node are the Merkle tree's hashes (package merkle):
  // SHA-256(0x00 || piece) and SHA-256(0x01 || left || right).
  function leaf(piece) {
    return sha256(prefixed(0, [piece]));
  }

  function node(left, right) {
    return sha256(prefixed(1, [left, right]));
  }

  // MerkleBuilder computes the root of leaves added one at a time, holding
  // one hash per complete subtree, as merkle.Builder does.
  function MerkleBuilder() {
    this.n = 0;
    this.stack = [];
  }

  MerkleBuilder.prototype.add = async function (h) {
    for (var c = this.n; c % 2 === 1; c = Math.floor(c / 2)) {
      h = await node(this.stack.pop(), h);
    }
    this.stack.push(h);
    this.n++;
  };

  MerkleBuilder.prototype.root = async function () {
    if (this.stack.length === 0) {
      return new Uint8Array(32);
    }
    var h = this.stack[this.stack.length - 1];
    for (var i = this.stack.length - 2; i >= 0; i--) {
      h = await node(this.stack[i], h);
    }
    return h;
  };

  // header is the 56-byte block a CID names (seal.Header).
  function header(cipher, root) {
    var b = new Uint8Array(56);
    b.set(new TextEncoder().encode("osky"), 0);
    b[4] = 1;
    var dv = new DataView(b.buffer);
    dv.setUint32(8, Math.floor(cipher / 4294967296));
    dv.setUint32(12, cipher >>> 0);
    dv.setUint32(16, CHUNK);
    b.set(root, 24);
    return b;
  }

  var BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

  function base32(bytes) {
    var out = "", bits = 0, value = 0;
    for (var i = 0; i < bytes.length; i++) {
      value = (value << 8) | bytes[i];
      bits += 8;
      while (bits >= 5) {
        out += BASE32[(value >>> (bits - 5)) & 31];
        bits -= 5;
      }
      value &= (1 << bits) - 1;
    }
    if (bits > 0) {
      out += BASE32[(value << (5 - bits)) & 31];
    }
    return out;
  }

  // objectCID names a ciphertext of cipher bytes with the chunk root root
  // (seal.ObjectCID): CIDv1, codec raw, sha2-256 multihash, base32.
  async function objectCID(cipher, root) {
    var digest = await sha256(header(cipher, root));
    var c = new Uint8Array(4 + 32);
    c.set([0x01, 0x55, 0x12, 0x20], 0);
    c.set(digest, 4);
    return "b" + base32(c);
  }

  function aesKey(raw, usage) {
    if (!(raw instanceof Uint8Array) || raw.length !== 32) {
      return Promise.reject(new Error("an object key is 32 bytes"));
    }
    return crypto.subtle.importKey("raw", raw, { name: "AES-GCM" }, false, [usage]);
  }

  // newKey returns a fresh random object key.
  function newKey() {
    return crypto.getRandomValues(new Uint8Array(32));
  }

  // sealBlob seals a Blob (a File) under key, reading it a chunk at a
  // time, and resolves to {sealed: Blob, cid, cipherLen}. progress, if
  // given, is called with the plaintext bytes sealed so far.
  async function sealBlob(blob, key, progress) {
    var k = await aesKey(key, "encrypt");
    var size = blob.size;
    var chunks = Math.max(1, Math.ceil(size / CHUNK));
    var tree = new MerkleBuilder();
    var parts = [];
    for (var c = 0; c < chunks; c++) {
      var from = c * CHUNK, to = Math.min(size, from + CHUNK);
      var plain = new Uint8Array(await blob.slice(from, to).arrayBuffer());
      if (plain.length !== to - from) {
        throw new Error("the file changed while it was read");
      }
      var ct = new Uint8Array(await crypto.subtle.encrypt(
        { name: "AES-GCM", iv: chunkNonce(c, c === chunks - 1), additionalData: CHUNK_AAD, tagLength: 128 }, k, plain));
      await tree.add(await leaf(ct));
      parts.push(new Blob([ct]));
      if (progress) {
        progress(to);
      }
    }
    var total = cipherLen(size);
    return { sealed: new Blob(parts, { type: "application/octet-stream" }), cid: await objectCID(total, await tree.root()), cipherLen: total };
  }

  // OpenError is a ciphertext that does not open: the wrong key, a
  // damaged or reordered chunk, a wrong length or CID.
  function OpenError(message, wrongKey) {
    this.name = "OpenError";
    this.message = message;
    this.wrongKey = !!wrongKey;
  }
  OpenError.prototype = Object.create(Error.prototype);
  OpenError.prototype.constructor = OpenError;

  // Opener opens a ciphertext of cipher bytes fed to it in pieces of any
  // size, authenticating every chunk (its tag, its place, the last flag)
  // before keeping it, and checks the CID at the end.
  function Opener(key, cipher, cid) {
    if (plainLen(cipher) < 0) {
      throw new OpenError("the object's length, " + cipher + " bytes, is not one a sealed object can have");
    }
    this.keyPromise = aesKey(key, "decrypt");
    this.cipher = cipher;
    this.cid = cid;
    this.received = 0;
    this.counter = 0;
    this.buf = new Uint8Array(Math.min(cipher, CHUNK + OVERHEAD));
    this.fill = 0;
    this.tree = new MerkleBuilder();
    this.parts = [];
    this.plainBytes = 0;
  }

  // push takes the next piece of ciphertext.
  Opener.prototype.push = async function (piece) {
    if (this.received + piece.length > this.cipher) {
      throw new OpenError("the download is longer than the object's " + this.cipher + " bytes");
    }
    this.received += piece.length;
    var off = 0;
    while (off < piece.length) {
      var want = this.chunkLen() - this.fill;
      var n = Math.min(want, piece.length - off);
      this.buf.set(piece.subarray(off, off + n), this.fill);
      this.fill += n;
      off += n;
      if (this.fill === this.chunkLen()) {
        await this.openChunk();
      }
    }
  };

  // chunkLen is the sealed length of the chunk being filled.
  Opener.prototype.chunkLen = function () {
    var left = this.cipher - this.counter * (CHUNK + OVERHEAD);
    return Math.min(left, CHUNK + OVERHEAD);
  };

  Opener.prototype.openChunk = async function () {
    var sealed = this.buf.slice(0, this.fill);
    var last = this.counter * (CHUNK + OVERHEAD) + sealed.length === this.cipher;
    var plain;
    try {
      plain = await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: chunkNonce(this.counter, last), additionalData: CHUNK_AAD, tagLength: 128 },
        await this.keyPromise, sealed);
    } catch (err) {
      if (this.counter === 0) {
        throw new OpenError("this key does not open the object: its first chunk fails authentication (the wrong key, or a damaged download)", true);
      }
      throw new OpenError("chunk " + this.counter + " fails authentication: the download is damaged");
    }
    await this.tree.add(await leaf(sealed));
    this.parts.push(new Blob([plain]));
    this.plainBytes += plain.byteLength;
    this.counter++;
    this.fill = 0;
  };

  // finish checks that the whole ciphertext came and that it is the
  // object cid names, and resolves to the plaintext as a Blob.
  Opener.prototype.finish = async function (type) {
    if (this.received !== this.cipher || this.fill !== 0) {
      throw new OpenError("the download ended after " + this.received + " of " + this.cipher + " bytes");
    }
    var got = await objectCID(this.cipher, await this.tree.root());
    if (got !== this.cid) {
      throw new OpenError("the download is object " + got + ", not " + this.cid);
    }
    return new Blob(this.parts, { type: type || "application/octet-stream" });
  };

  // hkdf derives the 32-byte wrapping key (HKDF-SHA256, no salt).
  async function hkdf(secret, info) {
    var k = await crypto.subtle.importKey("raw", secret, "HKDF", false, ["deriveBits"]);
    var bits = await crypto.subtle.deriveBits({ name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: info }, k, 256);
    return new Uint8Array(bits);
  }

  // wrapKey encrypts key to the sr25519 public key owner (32 bytes), as
  // seal.WrapKey does; only the owner's account unwraps it. uniform, 64
  // random bytes for the ephemeral scalar, is drawn here unless given.
  async function wrapKey(owner, key, uniform) {
    var r = ns.ristretto255, aead = ns.chacha20poly1305;
    if (!r || !aead) {
      throw new Error("ristretto255.js and chacha20poly1305.js must be loaded before seal.js is used");
    }
    if (!(key instanceof Uint8Array) || key.length !== 32) {
      throw new Error("an object key is 32 bytes");
    }
    var o = r.decode(owner);
    if (o === null || r.isIdentity(o)) {
      throw new Error("the owner's public key is not a valid account key");
    }
    var e = r.scalarFromUniform(uniform || crypto.getRandomValues(new Uint8Array(64)));
    var ephemeral = r.encode(r.scalarMult(e, r.base));
    var shared = r.encode(r.scalarMult(e, o));
    var secret = new Uint8Array(96);
    secret.set(shared, 0);
    secret.set(ephemeral, 32);
    secret.set(owner, 64);
    var k = await hkdf(secret, WRAP_INFO);
    var sealed = aead.seal(k, new Uint8Array(12), key, new Uint8Array(0));
    var out = new Uint8Array(WRAPPED_SIZE);
    out.set(ephemeral, 0);
    out.set(sealed, 32);
    return out;
  }

  function base64url(bytes) {
    var s = "";
    for (var i = 0; i < bytes.length; i++) {
      s += String.fromCharCode(bytes[i]);
    }
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function fromBase64url(s) {
    if (!/^[A-Za-z0-9_-]*$/.test(s)) {
      return null;
    }
    var b64 = s.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4 !== 0) {
      b64 += "=";
    }
    try {
      var bin = atob(b64);
      var out = new Uint8Array(bin.length);
      for (var i = 0; i < bin.length; i++) {
        out[i] = bin.charCodeAt(i);
      }
      return out;
    } catch (err) {
      return null;
    }
  }

  function fromHex(s) {
    if (!/^(?:[0-9a-fA-F]{2})*$/.test(s)) {
      return null;
    }
    var out = new Uint8Array(s.length / 2);
    for (var i = 0; i < out.length; i++) {
      out[i] = parseInt(s.substr(2 * i, 2), 16);
    }
    return out;
  }

  // keyText is the content key as the pages and `opensky storage key`
  // write it: unpadded base64url.
  function keyText(key) {
    return base64url(key);
  }

  // parseKey reads a content key: unpadded base64url (43 characters), 64
  // hex digits, or a saved key file (its "key:" line). It returns the 32
  // bytes, or null.
  function parseKey(text) {
    if (typeof text !== "string" || text.length > 4096) {
      return null;
    }
    var m = /^key:\s*(\S+)\s*$/m.exec(text);
    var s = (m ? m[1] : text).trim();
    var k = s.length === 64 ? fromHex(s) : s.length === 43 ? fromBase64url(s) : null;
    return k && k.length === 32 ? k : null;
  }

  // keyFile is the text of a saved key file for an object.
  function keyFile(key, cid, name) {
    return "OpenSky content key\n" +
      "object: " + cid + "\n" +
      (name ? "name: " + name.replace(/[\r\n]/g, " ") + "\n" : "") +
      "key: " + keyText(key) + "\n\n" +
      "Anyone with this key and access to the object can read it: keep it as safe as the file itself.\n" +
      "Open the object in a browser on its page (Download and decrypt), or with opensky storage get.\n";
  }

  ns.seal = {
    CHUNK: CHUNK,
    OVERHEAD: OVERHEAD,
    WRAPPED_SIZE: WRAPPED_SIZE,
    available: available,
    cipherLen: cipherLen,
    plainLen: plainLen,
    newKey: newKey,
    sealBlob: sealBlob,
    objectCID: objectCID,
    Opener: Opener,
    OpenError: OpenError,
    wrapKey: wrapKey,
    base64url: base64url,
    fromBase64url: fromBase64url,
    keyText: keyText,
    parseKey: parseKey,
    keyFile: keyFile
  };
})(typeof window !== "undefined" ? window : globalThis);
