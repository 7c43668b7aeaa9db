// ristretto255 (RFC 9496), the prime-order group sr25519 account keys
// live in: what wrapping a stored object's key to its owner's account
// needs (internal/storage/seal, wrap.go), which is decoding the owner's
// public key, multiplying points by scalars and encoding the results.
//
// Field elements are BigInts modulo p = 2^255 - 19; points are edwards25519
// points in extended coordinates [X, Y, Z, T]. BigInt arithmetic does not
// run in constant time: the scalar multiplied here is the one-time
// ephemeral scalar of a key wrap, made and used once in the visitor's own
// browser, and the ladder below at least runs the same operations
// whatever its bits.
//
// OpenSky.ristretto255:
//   decode(bytes32)         -> point, or null for a non-canonical or invalid encoding
//   encode(point)           -> Uint8Array(32)
//   base                    -> the generator
//   scalarMult(k, point)    -> k·point, k a BigInt in [0, 2^256)
//   scalarFromUniform(b64)  -> 64 uniform bytes reduced modulo the group order
//   isIdentity(point)       -> whether point is the identity
(function (root) {
  "use strict";
  var ns = (root.OpenSky = root.OpenSky || {});

  var P = (1n << 255n) - 19n;
  // The order of the group.
  var L = (1n << 252n) + 27742317777372353535851937790883648493n;
  // edwards25519's d = -121665/121666, and the constants of RFC 9496, 4.1.
  var D = 37095705934669439343138083508754565189542113879843219016388785533085940283555n;
  var SQRT_M1 = 19681161376707505956807079304988542015446066515923890162744021073123829784752n;
  var INVSQRT_A_MINUS_D = 54469307008909316920995813868745141605393597292927456921205312896311721017578n;

  function mod(a) {
    var r = a % P;
    return r < 0n ? r + P : r;
  }

  function pow(b, e) {
    var r = 1n;
    b = mod(b);
    while (e > 0n) {
      if (e & 1n) {
        r = (r * b) % P;
      }
      b = (b * b) % P;
      e >>= 1n;
    }
    return r;
  }

  // isNegative: the low bit of the canonical encoding (RFC 9496, 4.2).
  function isNegative(x) {
    return (mod(x) & 1n) === 1n;
  }

  function abs(x) {
    x = mod(x);
    return isNegative(x) ? mod(-x) : x;
  }

  // sqrtRatioM1 returns whether u/v is square and the non-negative
  // square root of u/v, or of SQRT_M1·u/v when it is not (RFC 9496, 4.2).
  function sqrtRatioM1(u, v) {
    u = mod(u);
    v = mod(v);
    var v3 = (((v * v) % P) * v) % P;
    var v7 = (((v3 * v3) % P) * v) % P;
    var r = (((u * v3) % P) * pow((u * v7) % P, (P - 5n) / 8n)) % P;
    var check = (((r * r) % P) * v) % P;
    var correct = check === u;
    var flipped = check === mod(-u);
    var flippedI = check === mod(-u * SQRT_M1);
    if (flipped || flippedI) {
      r = (r * SQRT_M1) % P;
    }
    return { square: correct || flipped, root: abs(r) };
  }

  function fromLE(b) {
    var v = 0n;
    for (var i = b.length - 1; i >= 0; i--) {
      v = (v << 8n) | BigInt(b[i]);
    }
    return v;
  }

  function toLE32(v) {
    var out = new Uint8Array(32);
    for (var i = 0; i < 32; i++) {
      out[i] = Number(v & 0xffn);
      v >>= 8n;
    }
    return out;
  }

  // decode reads an encoded element, refusing any encoding that is not
  // the canonical encoding of a valid element (RFC 9496, 4.3.1).
  function decode(bytes) {
    if (!(bytes instanceof Uint8Array) || bytes.length !== 32) {
      return null;
    }
    var s = fromLE(bytes);
    if (s >= P || isNegative(s)) {
      return null;
    }
    var ss = (s * s) % P;
    var u1 = mod(1n - ss);
    var u2 = mod(1n + ss);
    var u2sq = (u2 * u2) % P;
    var v = mod(-(D * ((u1 * u1) % P)) - u2sq);
    var res = sqrtRatioM1(1n, (v * u2sq) % P);
    var denX = (res.root * u2) % P;
    var denY = (((res.root * denX) % P) * v) % P;
    var x = abs(2n * s * denX);
    var y = (u1 * denY) % P;
    var t = (x * y) % P;
    if (!res.square || isNegative(t) || y === 0n) {
      return null;
    }
    return [x, y, 1n, t];
  }

  // encode writes the canonical encoding of a point's class (RFC 9496,
  // 4.3.2).
  function encode(pt) {
    var x0 = pt[0], y0 = pt[1], z0 = pt[2], t0 = pt[3];
    var u1 = mod((z0 + y0) * (z0 - y0));
    var u2 = (x0 * y0) % P;
    var inv = sqrtRatioM1(1n, (((u1 * u2) % P) * u2) % P).root;
    var den1 = (inv * u1) % P;
    var den2 = (inv * u2) % P;
    var zInv = (((den1 * den2) % P) * t0) % P;
    var x = x0, y = y0, denInv = den2;
    if (isNegative(t0 * zInv)) {
      x = (y0 * SQRT_M1) % P;
      y = (x0 * SQRT_M1) % P;
      denInv = (den1 * INVSQRT_A_MINUS_D) % P;
    }
    if (isNegative(x * zInv)) {
      y = mod(-y);
    }
    return toLE32(abs(denInv * (z0 - y)));
  }

  // add is the unified addition of extended twisted Edwards points with
  // a = -1 ("add-2008-hwcd-3"), complete on edwards25519: it doubles too.
  var D2 = (2n * D) % P;
  function add(p, q) {
    var a = mod((p[1] - p[0]) * (q[1] - q[0]));
    var b = ((p[1] + p[0]) * (q[1] + q[0])) % P;
    var c = (((p[3] * D2) % P) * q[3]) % P;
    var d = (2n * p[2] * q[2]) % P;
    var e = mod(b - a), f = mod(d - c), g = (d + c) % P, h = (b + a) % P;
    return [(e * f) % P, (g * h) % P, (f * g) % P, (e * h) % P];
  }

  var IDENTITY = [0n, 1n, 1n, 0n];

  // scalarMult returns k·pt with a Montgomery ladder over 256 bits: two
  // additions per bit, whichever the bit.
  function scalarMult(k, pt) {
    if (typeof k !== "bigint" || k < 0n || k >= 1n << 256n) {
      throw new Error("ristretto255: a scalar is a BigInt in [0, 2^256)");
    }
    var r0 = IDENTITY, r1 = pt;
    for (var i = 255n; i >= 0n; i--) {
      if ((k >> i) & 1n) {
        r0 = add(r0, r1);
        r1 = add(r1, r1);
      } else {
        r1 = add(r0, r1);
        r0 = add(r0, r0);
      }
    }
    return r0;
  }

  // isIdentity reports whether pt is in the identity's class: for a = -1,
  // X·Y = 0 (RFC 9496, 4.5, against the identity).
  function isIdentity(pt) {
    return mod(pt[0] * pt[1]) === 0n;
  }

  function scalarFromUniform(bytes) {
    if (!(bytes instanceof Uint8Array) || bytes.length !== 64) {
      throw new Error("ristretto255: a uniform scalar is made from 64 bytes");
    }
    return fromLE(bytes) % L;
  }

  // The generator: edwards25519's base point, y = 4/5, x non-negative.
  var BASE = [
    15112221349535400772501151409588531511454012693041857206046113283949847762202n,
    46316835694926478169428394003475163141307993866256225615783033603165251855960n,
    1n,
    0n
  ];
  BASE[3] = (BASE[0] * BASE[1]) % P;

  ns.ristretto255 = {
    decode: decode,
    encode: encode,
    base: BASE,
    scalarMult: scalarMult,
    scalarFromUniform: scalarFromUniform,
    isIdentity: isIdentity,
    order: L
  };
})(typeof window !== "undefined" ? window : globalThis);
