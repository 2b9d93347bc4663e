/**
 * Terms are sequences of code points inside a reusable Int32Array, hashed incrementally (FNV-1a over code points),
 * so the hot path looks terms up without creating substrings.
 */

export const TERM_HASH_SEED = 0x811c9dc5 | 0;

/** Extends a term hash by one code point. */
export function extendTermHash(hash: number, codePoint: number): number {
  return Math.imul(hash ^ codePoint, 0x01000193);
}

export function hashCodePoints(buffer: Int32Array, start: number, end: number): number {
  let hash = TERM_HASH_SEED;
  for (let i = start; i < end; i++) hash = extendTermHash(hash, buffer[i]);
  return hash;
}

/**
 * Terms of at most `PACKED_LENGTH` code points below `PACK_LIMIT` also get a packed key: three int32 words holding
 * code point + 1 per 16 bits, zero padded, so a lookup compares three words instead of walking the code points.
 * A term with a code point ≥ PACK_LIMIT has `UNPACKABLE` as its first word (no packed word is ever -1).
 */
export const PACKED_LENGTH = 6;
export const PACK_LIMIT = 0xfffe;
export const UNPACKABLE = -1;

/** The packed key of a span, written to `out[0..3)`. */
export function packSpan(buffer: Int32Array, start: number, end: number, out: Int32Array): void {
  let k0 = 0;
  let k1 = 0;
  let k2 = 0;
  for (let p = 0; p < end - start && p < PACKED_LENGTH; p++) {
    const c = buffer[start + p];
    if (c >= PACK_LIMIT || c < 0) k0 = UNPACKABLE;
    else if (p < 2) k0 |= (c + 1) << ((p & 1) << 4);
    else if (p < 4) k1 |= (c + 1) << ((p & 1) << 4);
    else k2 |= (c + 1) << ((p & 1) << 4);
  }
  out[0] = k0;
  out[1] = k1;
  out[2] = k2;
}

/** A growable Int32Array of code points. */
export class CodePointBuffer {
  data = new Int32Array(256);
  length = 0;

  reset(): void {
    this.length = 0;
  }

  reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.data.length) return;
    let capacity = this.data.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Int32Array(capacity);
    grown.set(this.data.subarray(0, this.length));
    this.data = grown;
  }

  push(codePoint: number): void {
    if (this.length === this.data.length) this.reserve(1);
    this.data[this.length++] = codePoint;
  }

  /** Appends the string's code points; a lone surrogate is kept as one code point. */
  pushString(text: string): void {
    this.reserve(text.length);
    const data = this.data;
    let n = this.length;
    const len = text.length;
    for (let i = 0; i < len; i++) {
      let c = text.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < len) {
        const low = text.charCodeAt(i + 1);
        if (low >= 0xdc00 && low <= 0xdfff) {
          c = ((c - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
          i++;
        }
      }
      data[n++] = c;
    }
    this.length = n;
  }
}

/** The string behind a span of code points (lone surrogates come back as themselves). */
export function codePointsToString(buffer: Int32Array, start: number, end: number): string {
  let out = '';
  for (let i = start; i < end; i += 4096) {
    out += String.fromCodePoint(...buffer.subarray(i, Math.min(end, i + 4096)));
  }
  return out;
}

/** Code-point order (Python's string order), which differs from `<` on UTF-16 for astral vs U+E000–U+FFFF. */
export function compareCodePointOrder(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      const xs = x <= 0xdfff;
      const ys = y <= 0xdfff;
      if (xs !== ys) return xs ? 1 : -1;
    }
    return x - y;
  }
  return a.length - b.length;
}
