import { CodePointBuffer, hashCodePoints } from '../text/code-points';
import { MAX_CACHED_WORD, WordCache } from './word-cache';

function word(text: string): { data: Int32Array; length: number; hash: number } {
  const buffer = new CodePointBuffer();
  buffer.pushString(text);
  return { data: buffer.data, length: buffer.length, hash: hashCodePoints(buffer.data, 0, buffer.length) };
}

describe(WordCache.name, () => {
  it('should return the ids recorded for a word', () => {
    const cache = new WordCache(8, 64);
    const free = word(' free ');
    expect(cache.find(free.data, 0, free.length, free.hash)).toBe(-1);
    cache.add(free.data, 0, free.length, free.hash, Int32Array.of(4, 2, 4), 3);
    const entry = cache.find(free.data, 0, free.length, free.hash);
    expect(Array.from(cache.ids.subarray(cache.idStart(entry), cache.idStart(entry) + cache.idCount(entry)))).toEqual([
      4, 2, 4,
    ]);
    const other = word(' fref ');
    expect(cache.find(other.data, 0, other.length, free.hash)).toBe(-1);
  });

  it('should start over when full and skip what it cannot hold', () => {
    const cache = new WordCache(8, 16);
    const words = ['aa', 'bb', 'cc', 'dd', 'ee'].map(word);
    for (const w of words) cache.add(w.data, 0, w.length, w.hash, Int32Array.of(1, 2, 3, 4, 5), 5);
    const found = words.map((w) => cache.find(w.data, 0, w.length, w.hash) >= 0);
    expect(found).toEqual([false, false, false, true, true]);
    const long = word('x'.repeat(MAX_CACHED_WORD + 1));
    cache.add(long.data, 0, long.length, long.hash, Int32Array.of(1), 1);
    expect(cache.find(long.data, 0, long.length, long.hash)).toBe(-1);
    const many = word('zz');
    cache.add(many.data, 0, many.length, many.hash, new Int32Array(17), 17);
    expect(cache.find(many.data, 0, many.length, many.hash)).toBe(-1);
  });
});
