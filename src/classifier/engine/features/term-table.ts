import { type CodePointBuffer, codePointsToString, hashCodePoints } from '../text/code-points';

/** murmur3's finaliser: spreads FNV's low bits before masking to a slot. */
function mix(hash: number): number {
  let h = hash ^ (hash >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * An open-addressing hash table from terms (spans of code points) to dense ids 0..size-1. A lookup compares the
 * 32-bit hash first and then the code points, so a hash collision can never map a term to the wrong column.
 * Keys live in one Int32Array pool: no string per lookup, and little heap per term.
 */
export class TermTable {
  private slots: Int32Array;
  private mask: number;
  private hashes: Int32Array;
  private keyStarts: Int32Array;
  private keyLengths: Int32Array;
  private pool: Int32Array;
  private poolLength = 0;
  size = 0;

  constructor(expectedSize = 1024) {
    let capacity = 16;
    while (capacity < expectedSize * 2) capacity *= 2;
    this.slots = new Int32Array(capacity).fill(-1);
    this.mask = capacity - 1;
    const entries = Math.max(16, expectedSize);
    this.hashes = new Int32Array(entries);
    this.keyStarts = new Int32Array(entries);
    this.keyLengths = new Int32Array(entries);
    this.pool = new Int32Array(entries * 4);
  }

  /** The id of the term, or -1. */
  find(buffer: Int32Array, start: number, end: number, hash: number): number {
    const { slots, mask, hashes, keyStarts, keyLengths, pool } = this;
    const length = end - start;
    let slot = mix(hash) & mask;
    for (;;) {
      const id = slots[slot];
      if (id < 0) return -1;
      if (hashes[id] === hash && keyLengths[id] === length) {
        let k = keyStarts[id];
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

  /** The id of the term, added with the next id when new. */
  intern(buffer: Int32Array, start: number, end: number, hash: number): number {
    const found = this.find(buffer, start, end, hash);
    if (found >= 0) return found;
    if ((this.size + 1) * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    const id = this.size++;
    if (id === this.hashes.length) this.growEntries();
    const length = end - start;
    if (this.poolLength + length > this.pool.length) {
      let capacity = this.pool.length * 2;
      while (capacity < this.poolLength + length) capacity *= 2;
      const pool = new Int32Array(capacity);
      pool.set(this.pool.subarray(0, this.poolLength));
      this.pool = pool;
    }
    this.pool.set(buffer.subarray(start, end), this.poolLength);
    this.hashes[id] = hash;
    this.keyStarts[id] = this.poolLength;
    this.keyLengths[id] = length;
    this.poolLength += length;
    this.place(id);
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

  private place(id: number): void {
    let slot = mix(this.hashes[id]) & this.mask;
    while (this.slots[slot] >= 0) slot = (slot + 1) & this.mask;
    this.slots[slot] = id;
  }

  private rehash(capacity: number): void {
    this.slots = new Int32Array(capacity).fill(-1);
    this.mask = capacity - 1;
    for (let id = 0; id < this.size; id++) this.place(id);
  }

  private growEntries(): void {
    const grow = (a: Int32Array): Int32Array => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.hashes = grow(this.hashes);
    this.keyStarts = grow(this.keyStarts);
    this.keyLengths = grow(this.keyLengths);
  }
}
