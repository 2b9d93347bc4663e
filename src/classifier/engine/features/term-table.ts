import { type CodePointBuffer, codePointsToString, hashCodePoints } from '../text/code-points';

/** murmur3's finaliser: spreads FNV's low bits before masking to a slot. */
function mix(hash: number): number {
  let h = hash ^ (hash >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Terms of at most this many code points below U+FFFE are compared in packed form (2 per 32-bit word). */
const INLINE_LENGTH = 6;
const INLINE_LIMIT = 0xfffe;
/** A packed key word never holds 0xFFFF in both halves, so -1 marks a term compared against the pool. */
const POOLED = -1;

/**
 * An open-addressing hash table (linear probing, load ≤ 1/2) from terms — spans of code points — to dense ids.
 * A slot is `[hash, id]`, so a miss is mostly rejected by one 32-bit compare in one cache line. On a hash match the
 * term is compared exactly: a term of ≤ 6 BMP code points against its packed key (`keys[4 id ..]`, code point + 1
 * per 16 bits, zero padded), a longer one against its code points in the pool. A hash collision can never map a
 * term to the wrong id, and lookups create no strings.
 */
export class TermTable {
  private slots: Int32Array;
  private mask: number;
  /** Per id: packed key words k0, k1, k2, and POOLED or 0. */
  private keys: Int32Array;
  private keyStarts: Int32Array;
  private keyLengths: Int32Array;
  private pool: Int32Array;
  private poolLength = 0;
  size = 0;

  constructor(expectedSize = 1024) {
    let capacity = 16;
    while (capacity < expectedSize * 2) capacity *= 2;
    this.slots = new Int32Array(capacity * 2).fill(-1);
    this.mask = capacity - 1;
    const entries = Math.max(16, expectedSize);
    this.keys = new Int32Array(entries * 4);
    this.keyStarts = new Int32Array(entries);
    this.keyLengths = new Int32Array(entries);
    this.pool = new Int32Array(entries * 4);
  }

  /** The id of the term, or -1. */
  find(buffer: Int32Array, start: number, end: number, hash: number): number {
    const slots = this.slots;
    const mask = this.mask;
    let slot = mix(hash) & mask;
    for (;;) {
      const id = slots[(slot << 1) | 1];
      if (id < 0) return -1;
      if (slots[slot << 1] === hash && this.matches(id, buffer, start, end)) return id;
      slot = (slot + 1) & mask;
    }
  }

  private matches(id: number, buffer: Int32Array, start: number, end: number): boolean {
    const keys = this.keys;
    const at = id << 2;
    const length = end - start;
    if (keys[at + 3] !== POOLED) {
      if (length > INLINE_LENGTH) return false;
      let k0 = 0;
      let k1 = 0;
      let k2 = 0;
      for (let i = 0; i < length; i++) {
        const c = buffer[start + i];
        if (c >= INLINE_LIMIT || c < 0) return false;
        const v = (c + 1) << ((i & 1) << 4);
        if (i < 2) k0 |= v;
        else if (i < 4) k1 |= v;
        else k2 |= v;
      }
      return keys[at] === k0 && keys[at + 1] === k1 && keys[at + 2] === k2;
    }
    if (this.keyLengths[id] !== length) return false;
    const pool = this.pool;
    let k = this.keyStarts[id];
    for (let i = start; i < end; i++, k++) if (pool[k] !== buffer[i]) return false;
    return true;
  }

  /** The id of the term, added with the next id when new. */
  intern(buffer: Int32Array, start: number, end: number, hash: number): number {
    const found = this.find(buffer, start, end, hash);
    if (found >= 0) return found;
    if ((this.size + 1) * 4 > this.slots.length) this.rehash(this.slots.length);
    const id = this.size++;
    if (id === this.keyStarts.length) this.growEntries();
    const length = end - start;
    if (this.poolLength + length > this.pool.length) {
      let capacity = this.pool.length * 2;
      while (capacity < this.poolLength + length) capacity *= 2;
      const pool = new Int32Array(capacity);
      pool.set(this.pool.subarray(0, this.poolLength));
      this.pool = pool;
    }
    this.pool.set(buffer.subarray(start, end), this.poolLength);
    this.keyStarts[id] = this.poolLength;
    this.keyLengths[id] = length;
    this.poolLength += length;
    this.packKey(id);
    this.place(id, hash);
    return id;
  }

  /** Adds a term given as a string; returns its id. */
  internString(term: string, scratch: CodePointBuffer): number {
    scratch.reset();
    scratch.pushString(term);
    return this.intern(scratch.data, 0, scratch.length, hashCodePoints(scratch.data, 0, scratch.length));
  }

  term(id: number): string {
    const start = this.keyStarts[id];
    return codePointsToString(this.pool, start, start + this.keyLengths[id]);
  }

  private packKey(id: number): void {
    const start = this.keyStarts[id];
    const length = this.keyLengths[id];
    const at = id << 2;
    const packed = [0, 0, 0];
    let inline = length <= INLINE_LENGTH;
    for (let i = 0; inline && i < length; i++) {
      const c = this.pool[start + i];
      if (c >= INLINE_LIMIT || c < 0) inline = false;
      else packed[i >> 1] |= (c + 1) << ((i & 1) << 4);
    }
    this.keys[at] = inline ? packed[0] : 0;
    this.keys[at + 1] = inline ? packed[1] : 0;
    this.keys[at + 2] = inline ? packed[2] : 0;
    this.keys[at + 3] = inline ? 0 : POOLED;
  }

  private place(id: number, hash: number): void {
    const slots = this.slots;
    let slot = mix(hash) & this.mask;
    while (slots[(slot << 1) | 1] >= 0) slot = (slot + 1) & this.mask;
    slots[slot << 1] = hash;
    slots[(slot << 1) | 1] = id;
  }

  private rehash(capacity: number): void {
    this.slots = new Int32Array(capacity * 2).fill(-1);
    this.mask = capacity - 1;
    for (let id = 0; id < this.size; id++) {
      const start = this.keyStarts[id];
      this.place(id, hashCodePoints(this.pool, start, start + this.keyLengths[id]));
    }
  }

  private growEntries(): void {
    const grow = (a: Int32Array): Int32Array => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.keys = grow(this.keys);
    this.keyStarts = grow(this.keyStarts);
    this.keyLengths = grow(this.keyLengths);
  }
}
