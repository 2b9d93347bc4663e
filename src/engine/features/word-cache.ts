/** Padded words longer than this (URLs, base64, hashes) are rarely repeated and are not cached. */
export const MAX_CACHED_WORD = 24;

function mix(hash: number): number {
  let h = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * A bounded memo of char_wb words → the vocabulary ids of their n-grams (with repeats), so a word seen before costs
 * one lookup instead of one per n-gram. Words repeat heavily (Zipf), within a message and across messages.
 * When full it starts over, so memory stays fixed (~4 MB); the transform's output never depends on its state.
 */
export class WordCache {
  private readonly slots: Int32Array;
  private readonly mask: number;
  private readonly hashes: Int32Array;
  private readonly wordStarts: Int32Array;
  private readonly wordLengths: Int32Array;
  private readonly idStarts: Int32Array;
  private readonly idCounts: Int32Array;
  private readonly words: Int32Array;
  readonly ids: Int32Array;
  private size = 0;
  private wordsUsed = 0;
  private idsUsed = 0;

  constructor(
    private readonly maxWords = 16384,
    maxIds = maxWords * 40,
  ) {
    this.slots = new Int32Array(maxWords * 2).fill(-1);
    this.mask = maxWords * 2 - 1;
    this.hashes = new Int32Array(maxWords);
    this.wordStarts = new Int32Array(maxWords);
    this.wordLengths = new Int32Array(maxWords);
    this.idStarts = new Int32Array(maxWords);
    this.idCounts = new Int32Array(maxWords);
    this.words = new Int32Array(maxWords * MAX_CACHED_WORD);
    this.ids = new Int32Array(maxIds);
  }

  /** The entry of the word `buffer[from..to)`, or -1. */
  find(buffer: Int32Array, from: number, to: number, hash: number): number {
    const length = to - from;
    let slot = mix(hash) & this.mask;
    for (;;) {
      const entry = this.slots[slot];
      if (entry < 0) return -1;
      if (this.hashes[entry] === hash && this.wordLengths[entry] === length) {
        const words = this.words;
        let k = this.wordStarts[entry];
        let i = from;
        while (i < to && words[k] === buffer[i]) {
          i++;
          k++;
        }
        if (i === to) return entry;
      }
      slot = (slot + 1) & this.mask;
    }
  }

  idStart(entry: number): number {
    return this.idStarts[entry];
  }

  idCount(entry: number): number {
    return this.idCounts[entry];
  }

  add(buffer: Int32Array, from: number, to: number, hash: number, ids: Int32Array, count: number): void {
    const length = to - from;
    if (length > MAX_CACHED_WORD || count > this.ids.length) return;
    if (this.size * 2 >= this.maxWords || this.idsUsed + count > this.ids.length) this.clear();
    const entry = this.size++;
    this.hashes[entry] = hash;
    this.wordStarts[entry] = this.wordsUsed;
    this.wordLengths[entry] = length;
    for (let i = from; i < to; i++) this.words[this.wordsUsed++] = buffer[i];
    this.idStarts[entry] = this.idsUsed;
    this.idCounts[entry] = count;
    for (let i = 0; i < count; i++) this.ids[this.idsUsed++] = ids[i];
    let slot = mix(hash) & this.mask;
    while (this.slots[slot] >= 0) slot = (slot + 1) & this.mask;
    this.slots[slot] = entry;
  }

  private clear(): void {
    this.slots.fill(-1);
    this.size = 0;
    this.wordsUsed = 0;
    this.idsUsed = 0;
  }
}
