// ChaCha20-Poly1305 (RFC 8439), the cipher that wraps a stored object's
// key to its owner's account (internal/storage/seal, wrap.go). Browsers'
// WebCrypto does not offer it, so it is written out here. It seals only
// the 32-byte object keys, so plain arithmetic is fast enough: Poly1305
// uses BigInt.
//
// OpenSky.chacha20poly1305.seal(key, nonce, plaintext, aad) returns the
// ciphertext followed by the 16-byte tag; open(key, nonce, sealed, aad)
// returns the plaintext, or null when the tag does not match. Keys are 32
// bytes, nonces 12, all arguments Uint8Arrays.
(function (root) {
  "use strict";
  var ns = (root.OpenSky = root.OpenSky || {});

  function rotl(v, c) {
    return (v << c) | (v >>> (32 - c));
  }

  function quarter(x, a, b, c, d) {
    x[a] = (x[a] + x[b]) | 0;
    x[d] = rotl(x[d] ^ x[a], 16);
    x[c] = (x[c] + x[d]) | 0;
    x[b] = rotl(x[b] ^ x[c], 12);
    x[a] = (x[a] + x[b]) | 0;
    x[d] = rotl(x[d] ^ x[a], 8);
    x[c] = (x[c] + x[d]) | 0;
    x[b] = rotl(x[b] ^ x[c], 7);
  }

  function le32(b, i) {
    return b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
  }

  // block writes the 64-byte ChaCha20 block for key, counter and nonce
  // into out (RFC 8439, 2.3).
  function block(key, counter, nonce, out) {
    var s = new Int32Array(16);
    s[0] = 0x61707865;
    s[1] = 0x3320646e;
    s[2] = 0x79622d32;
    s[3] = 0x6b206574;
    for (var i = 0; i < 8; i++) {
      s[4 + i] = le32(key, 4 * i);
    }
    s[12] = counter | 0;
    s[13] = le32(nonce, 0);
    s[14] = le32(nonce, 4);
    s[15] = le32(nonce, 8);
    var x = new Int32Array(s);
    for (var r = 0; r < 10; r++) {
      quarter(x, 0, 4, 8, 12);
      quarter(x, 1, 5, 9, 13);
      quarter(x, 2, 6, 10, 14);
      quarter(x, 3, 7, 11, 15);
      quarter(x, 0, 5, 10, 15);
      quarter(x, 1, 6, 11, 12);
      quarter(x, 2, 7, 8, 13);
      quarter(x, 3, 4, 9, 14);
    }
    for (var j = 0; j < 16; j++) {
      var v = (x[j] + s[j]) | 0;
      out[4 * j] = v & 0xff;
      out[4 * j + 1] = (v >>> 8) & 0xff;
      out[4 * j + 2] = (v >>> 16) & 0xff;
      out[4 * j + 3] = (v >>> 24) & 0xff;
    }
  }

  // xor encrypts or decrypts data with the key stream from counter on
  // (RFC 8439, 2.4).
  function xor(key, counter, nonce, data) {
    var out = new Uint8Array(data.length);
    var ks = new Uint8Array(64);
    for (var off = 0; off < data.length; off += 64, counter++) {
      block(key, counter, nonce, ks);
      var n = Math.min(64, data.length - off);
      for (var i = 0; i < n; i++) {
        out[off + i] = data[off + i] ^ ks[i];
      }
    }
    return out;
  }

  function leBig(b, from, to) {
    var v = 0n;
    for (var i = to - 1; i >= from; i--) {
      v = (v << 8n) | BigInt(b[i]);
    }
    return v;
  }

  var P1305 = (1n << 130n) - 5n;
  var CLAMP = 0x0ffffffc0ffffffc0ffffffc0fffffffn;
  var MASK128 = (1n << 128n) - 1n;

  // poly1305 is the one-time authenticator of msg under the 32-byte key
  // (RFC 8439, 2.5).
  function poly1305(key, msg) {
    var r = leBig(key, 0, 16) & CLAMP;
    var s = leBig(key, 16, 32);
    var acc = 0n;
    for (var off = 0; off < msg.length; off += 16) {
      var end = Math.min(off + 16, msg.length);
      var n = leBig(msg, off, end) + (1n << BigInt(8 * (end - off)));
      acc = ((acc + n) * r) % P1305;
    }
    acc = (acc + s) & MASK128;
    var tag = new Uint8Array(16);
    for (var i = 0; i < 16; i++) {
      tag[i] = Number(acc & 0xffn);
      acc >>= 8n;
    }
    return tag;
  }

  function pad16(n) {
    return (16 - (n % 16)) % 16;
  }

  function putLE64(b, off, v) {
    for (var i = 0; i < 8; i++) {
      b[off + i] = v % 256;
      v = Math.floor(v / 256);
    }
  }

  // tag computes the AEAD tag of ciphertext and aad (RFC 8439, 2.8).
  function tag(key, nonce, ciphertext, aad) {
    var polyKey = new Uint8Array(64);
    block(key, 0, nonce, polyKey);
    var a = aad.length, c = ciphertext.length;
    var mac = new Uint8Array(a + pad16(a) + c + pad16(c) + 16);
    mac.set(aad, 0);
    mac.set(ciphertext, a + pad16(a));
    putLE64(mac, mac.length - 16, a);
    putLE64(mac, mac.length - 8, c);
    return poly1305(polyKey.subarray(0, 32), mac);
  }

  function check(key, nonce) {
    if (!(key instanceof Uint8Array) || key.length !== 32) {
      throw new Error("ChaCha20-Poly1305 takes a 32-byte key");
    }
    if (!(nonce instanceof Uint8Array) || nonce.length !== 12) {
      throw new Error("ChaCha20-Poly1305 takes a 12-byte nonce");
    }
  }

  function seal(key, nonce, plaintext, aad) {
    check(key, nonce);
    aad = aad || new Uint8Array(0);
    var ct = xor(key, 1, nonce, plaintext);
    var out = new Uint8Array(ct.length + 16);
    out.set(ct, 0);
    out.set(tag(key, nonce, ct, aad), ct.length);
    return out;
  }

  function open(key, nonce, sealed, aad) {
    check(key, nonce);
    aad = aad || new Uint8Array(0);
    if (sealed.length < 16) {
      return null;
    }
    var ct = sealed.subarray(0, sealed.length - 16);
    var want = tag(key, nonce, ct, aad);
    var diff = 0;
    for (var i = 0; i < 16; i++) {
      diff |= want[i] ^ sealed[ct.length + i];
    }
    if (diff !== 0) {
      return null;
    }
    return xor(key, 1, nonce, ct);
  }

  ns.chacha20poly1305 = { seal: seal, open: open, block: block, poly1305: poly1305 };
})(typeof window !== "undefined" ? window : globalThis);
