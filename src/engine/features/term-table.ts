import {
  type CodePointBuffer,
  codePointsToString,
  extendTermHash,
  hashCodePoints,
  PACK_LIMIT,
  PACKED_LENGTH,
  packSpan,
  TERM_HASH_SEED,
  UNPACKABLE,
} from '../text/code-points';

/** murmur3's finaliser: spreads FNV's low bits before masking to a slot. */
function mix(hash: number): number {
  let h = hash ^ (hash >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

const SPACE = 0x20;

/** Linear probing stays short up to this load; a smaller table keeps more of it in cache. */
const MAX_LOAD = 0.7;

/** Marks a slot whose term is compared against the pool (a packed key word is never -1). */
const POOLED = UNPACKABLE;

/**
 * An open-addressing hash table (linear probing, load ≤ 0.7) from terms — spans of code points — to dense ids.
 * A slot is four int32s. A term of ≤ PACKED_LENGTH code points below PACK_LIMIT (every char_wb n-gram of
 * ordinary text) is stored as `[id, k0, k1, k2]`, its packed key, so a lookup reads one cache line and compares
 * exactly; a longer term is stored as `[id, POOLED, hash, 0]` and compared against its code points in a pool.
 * A hash collision can never map a term to the wrong id, and lookups create no strings.
 */
/** A `TermTable`'s state as plain typed arrays (see `TermTable.toParts`). */
export interface TermTableParts {
  readonly slots: Int32Array;
  readonly keyStarts: Int32Array;
  readonly keyLengths: Int32Array;
  readonly pool: Int32Array;
  readonly poolLength: number;
  readonly size: number;
}

export class TermTable {
  private slots: Int32Array;
  private mask: number;
  private keyStarts: Int32Array;
  private keyLengths: Int32Array;
  private pool: Int32Array;
  private poolLength = 0;
  private readonly packed = new Int32Array(3);
  size = 0;

  constructor(expectedSize = 1024) {
    let capacity = 16;
    while (capacity * MAX_LOAD < expectedSize) capacity *= 2;
    this.slots = new Int32Array(capacity * 4).fill(-1);
    this.mask = capacity - 1;
    const entries = Math.max(16, expectedSize);
    this.keyStarts = new Int32Array(entries);
    this.keyLengths = new Int32Array(entries);
    this.pool = new Int32Array(entries * 4);
  }

  /** The id of the term `buffer[start..end)` (hash and packed key as the analyzers give them), or -1. */
  find(buffer: Int32Array, start: number, end: number, hash: number, k0: number, k1: number, k2: number): number {
    const slots = this.slots;
    const mask = this.mask;
    let slot = mix(hash) & mask;
    if (end - start <= PACKED_LENGTH && k0 !== UNPACKABLE) {
      for (;;) {
        const base = slot << 2;
        const id = slots[base];
        if (id < 0) return -1;
        if (slots[base + 1] === k0 && slots[base + 2] === k1 && slots[base + 3] === k2) return id;
        slot = (slot + 1) & mask;
      }
    }
    const length = end - start;
    for (;;) {
      const base = slot << 2;
      const id = slots[base];
      if (id < 0) return -1;
      if (slots[base + 1] === POOLED && slots[base + 2] === hash && this.keyLengths[id] === length) {
        const pool = this.pool;
        let k = this.keyStarts[id];
        let i = start;
        while (i < end && pool[k] === buffer[i]) {
          i++;
          k++;
        }
        if (i === end) return id;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** The id of the term, added with the next id when new (one probe sequence either way). */
  intern(buffer: Int32Array, start: number, end: number, hash: number, k0: number, k1: number, k2: number): number {
    if (this.size + 1 > (this.slots.length / 4) * MAX_LOAD) this.rehash(this.slots.length / 2);
    const slots = this.slots;
    const mask = this.mask;
    const length = end - start;
    const inline = length <= PACKED_LENGTH && k0 !== UNPACKABLE;
    let slot = mix(hash) & mask;
    for (;;) {
      const base = slot << 2;
      const found = slots[base];
      if (found < 0) break;
      if (inline) {
        if (slots[base + 1] === k0 && slots[base + 2] === k1 && slots[base + 3] === k2) return found;
      } else if (slots[base + 1] === POOLED && slots[base + 2] === hash && this.keyLengths[found] === length) {
        const pool = this.pool;
        let k = this.keyStarts[found];
        let i = start;
        while (i < end && pool[k] === buffer[i]) {
          i++;
          k++;
        }
        if (i === end) return found;
      }
      slot = (slot + 1) & mask;
    }
    const id = this.size++;
    if (id === this.keyStarts.length) this.growEntries();
    this.reservePool(length);
    const pool = this.pool;
    let at = this.poolLength;
    if (buffer === pool && start === at) at = end;
    else for (let i = start; i < end; i++) pool[at++] = buffer[i];
    this.keyStarts[id] = this.poolLength;
    this.keyLengths[id] = length;
    this.poolLength = at;
    const base = slot << 2;
    slots[base] = id;
    slots[base + 1] = inline ? k0 : POOLED;
    slots[base + 2] = inline ? k1 : hash;
    slots[base + 3] = inline ? k2 : 0;
    return id;
  }

  private reservePool(extra: number): void {
    if (this.poolLength + extra <= this.pool.length) return;
    let capacity = this.pool.length * 2;
    while (capacity < this.poolLength + extra) capacity *= 2;
    const pool = new Int32Array(capacity);
    pool.set(this.pool.subarray(0, this.poolLength));
    this.pool = pool;
  }

  /**
   * Adds a term given as a string; returns its id. The code points are decoded straight into the pool while the
   * hash and packed key are computed (one pass: this is most of the time it takes to load a model).
   */
  internString(term: string): number {
    const n = term.length;
    this.reservePool(n);
    const pool = this.pool;
    const start = this.poolLength;
    let at = start;
    let hash = TERM_HASH_SEED;
    let k0 = 0;
    let k1 = 0;
    let k2 = 0;
    for (let i = 0; i < n; i++) {
      let c = term.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
        const low = term.charCodeAt(i + 1);
        if (low >= 0xdc00 && low <= 0xdfff) {
          c = ((c - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
          i++;
        }
      }
      const p = at - start;
      pool[at++] = c;
      hash = extendTermHash(hash, c);
      if (p < PACKED_LENGTH) {
        if (c >= PACK_LIMIT) k0 = UNPACKABLE;
        else if (p < 2) k0 |= (c + 1) << ((p & 1) << 4);
        else if (p < 4) k1 |= (c + 1) << ((p & 1) << 4);
        else k2 |= (c + 1) << ((p & 1) << 4);
      }
    }
    return this.intern(pool, start, at, hash, k0, k1, k2);
  }

  /** The id of a term given as a string, or -1. */
  findString(term: string, scratch: CodePointBuffer): number {
    scratch.reset();
    scratch.pushString(term);
    const { data, length } = scratch;
    packSpan(data, 0, length, this.packed);
    const [k0, k1, k2] = this.packed;
    return this.find(data, 0, length, hashCodePoints(data, 0, length), k0, k1, k2);
  }

  term(id: number): string {
    const start = this.keyStarts[id];
    return codePointsToString(this.pool, start, start + this.keyLengths[id]);
  }

  /** The table's arrays, to send to another thread (transferable) and rebuild there with `fromParts`. */
  toParts(): TermTableParts {
    return {
      slots: this.slots,
      keyStarts: this.keyStarts,
      keyLengths: this.keyLengths,
      pool: this.pool,
      poolLength: this.poolLength,
      size: this.size,
    };
  }

  /** A table over arrays made by `toParts` (in this thread or another); the arrays are used, not copied. */
  static fromParts(parts: TermTableParts): TermTable {
    const { slots, keyStarts, keyLengths, pool } = parts;
    const capacity = slots.length / 4;
    if (
      ![slots, keyStarts, keyLengths, pool].every(isInt32Array) ||
      capacity < 16 ||
      (capacity & (capacity - 1)) !== 0 ||
      !Number.isInteger(parts.size) ||
      parts.size < 0 ||
      parts.size > keyStarts.length ||
      keyLengths.length !== keyStarts.length ||
      parts.poolLength > pool.length
    ) {
      throw new Error('term table: inconsistent parts');
    }
    const table = new TermTable(0);
    table.slots = slots;
    table.mask = capacity - 1;
    table.keyStarts = keyStarts;
    table.keyLengths = keyLengths;
    table.pool = pool;
    table.poolLength = parts.poolLength;
    table.size = parts.size;
    return table;
  }

  private place(id: number, hash: number): void {
    const slots = this.slots;
    let slot = mix(hash) & this.mask;
    while (slots[slot << 2] >= 0) slot = (slot + 1) & this.mask;
    const base = slot << 2;
    const start = this.keyStarts[id];
    const length = this.keyLengths[id];
    packSpan(this.pool, start, start + length, this.packed);
    slots[base] = id;
    if (length <= PACKED_LENGTH && this.packed[0] !== UNPACKABLE) {
      slots[base + 1] = this.packed[0];
      slots[base + 2] = this.packed[1];
      slots[base + 3] = this.packed[2];
    } else {
      slots[base + 1] = POOLED;
      slots[base + 2] = hash;
      slots[base + 3] = 0;
    }
  }

  private rehash(capacity: number): void {
    this.slots = new Int32Array(capacity * 4).fill(-1);
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
    this.keyStarts = grow(this.keyStarts);
    this.keyLengths = grow(this.keyLengths);
  }
}

/** By tag, not instanceof: arrays that crossed a thread (or a vm context) have another realm's constructor. */
function isInt32Array(value: unknown): value is Int32Array {
  return Object.prototype.toString.call(value) === '[object Int32Array]';
}

/**
 * Whether every term longer than `minN` units has its one-unit-shorter prefix among the terms too; a unit is a code
 * point, or with `byTokens` a space-separated token. Then, when an n-gram is missing, no longer n-gram from the same
 * start can be present, and transform may stop extending it. True of any vocabulary cut by minDf (a prefix occurs
 * wherever its extension does) or by maxFeatures with ties to the smaller term (a prefix is as frequent as its
 * extensions); checked rather than assumed. One pass with a stack of the current term's prefixes, which works for
 * terms in lexicographic order (as fitted); other orders can only make it answer false, never wrongly true.
 */
export function isPrefixClosed(terms: readonly string[], minN: number, byTokens: boolean): boolean {
  const stack: string[] = [];
  for (const term of terms) {
    let prefix: string;
    if (byTokens) {
      const cut = term.lastIndexOf(' ');
      prefix = cut < 0 ? '' : term.slice(0, cut);
      if (cut < 0 || countTokens(term) <= minN) prefix = '';
    } else {
      const last = term.length - 1;
      const drop =
        last > 0 &&
        term.charCodeAt(last) >= 0xdc00 &&
        term.charCodeAt(last) <= 0xdfff &&
        term.charCodeAt(last - 1) >= 0xd800 &&
        term.charCodeAt(last - 1) <= 0xdbff
          ? 2
          : 1;
      prefix = codePointLength(term) > minN ? term.slice(0, term.length - drop) : '';
    }
    while (stack.length > 0 && !term.startsWith(stack[stack.length - 1])) stack.pop();
    if (prefix !== '' && (stack.length === 0 || stack[stack.length - 1] !== prefix)) return false;
    stack.push(term);
  }
  return true;
}

function countTokens(term: string): number {
  let count = 1;
  for (let i = 0; i < term.length; i++) if (term.charCodeAt(i) === SPACE) count++;
  return count;
}

function codePointLength(term: string): number {
  let count = 0;
  for (let i = 0; i < term.length; i++) {
    const c = term.charCodeAt(i);
    if (!(c >= 0xdc00 && c <= 0xdfff && i > 0 && term.charCodeAt(i - 1) >= 0xd800 && term.charCodeAt(i - 1) <= 0xdbff))
      count++;
  }
  return count;
}
