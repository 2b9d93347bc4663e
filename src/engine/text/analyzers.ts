import type { AnalyzerConfig } from '../types';
import {
  CodePointBuffer,
  codePointsToString,
  extendTermHash,
  hashCodePoints,
  PACK_LIMIT,
  PACKED_LENGTH,
  packSpan,
  TERM_HASH_SEED,
  UNPACKABLE,
} from './code-points';
import { nltkWordTokenize } from './nltk-word-tokenizer';
import { nltkPorterStem } from './nltk-porter-stemmer';
import { NLTK_ENGLISH_STOP_WORDS, SKLEARN_ENGLISH_STOP_WORDS } from './stop-words';
import {
  ALPHANUMERIC_TOKEN,
  isPythonWhitespace,
  isWordCharacter,
  NGRAM_JOINER,
  WORD_TOKEN_REGEX,
} from './text-semantics';

// Deep import: require('natural') prints to stdout, reads ./.env and takes ~550 ms.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const PorterStemmer = require('natural/lib/natural/stemmers/porter_stemmer') as { stem(token: string): string };

const SPACE = NGRAM_JOINER.codePointAt(0) as number;

/** Porter stems of recent tokens: words repeat, and stemming is most of the seed analyzer's time. */
const STEM_CACHE_SIZE = 50_000;
const stems = new Map<string, string>();

function porterStem(token: string): string {
  let stemmed = stems.get(token);
  if (stemmed === undefined) {
    stemmed = PorterStemmer.stem(token);
    if (token.length <= 64) {
      if (stems.size >= STEM_CACHE_SIZE) stems.clear();
      stems.set(token, stemmed);
    }
  }
  return stemmed;
}

/**
 * Receives every term occurrence: the code points `buffer[start..end)`, their hash (`hashCodePoints`) and, for
 * a term of ≤ PACKED_LENGTH code points, its packed key `k0, k1, k2` (`packSpan`; otherwise the words are unused).
 * Returning false says no longer n-gram with this prefix can matter (the vocabulary is prefix-closed and this one
 * is not in it), so the analyzer stops extending it.
 */
export interface TermSink {
  term(buffer: Int32Array, start: number, end: number, hash: number, k0: number, k1: number, k2: number): boolean;
}

/**
 * A sink that can account for a whole char_wb word itself (e.g. from a cache of earlier words): `beginWord` returns
 * true when it did; otherwise the analyzer emits the word's n-grams to `term` and then calls `endWord`.
 */
export interface WordLevelSink extends TermSink {
  beginWord(buffer: Int32Array, from: number, to: number): boolean;
  endWord(): void;
}

const wholeKey = new Int32Array(3);

/**
 * Turns text into term occurrences. Instances keep scratch buffers and are not re-entrant (one call at a time,
 * which is all single-threaded JavaScript does). Time is linear in the text's length for a fixed n-gram range.
 */
export interface TextAnalyzer {
  readonly config: AnalyzerConfig;
  analyze(text: string, sink: TermSink): void;
}

/** The terms of a text as strings, in occurrence order (for tests, explanations and debugging; not the hot path). */
export function analyzeToStrings(analyzer: TextAnalyzer, text: string): string[] {
  const terms: string[] = [];
  analyzer.analyze(text, {
    term: (buffer, start, end) => {
      terms.push(codePointsToString(buffer, start, end));
      return true;
    },
  });
  return terms;
}

export function createAnalyzer(config: AnalyzerConfig): TextAnalyzer {
  switch (config.kind) {
    case 'char_wb':
      return new CharWbAnalyzer(config);
    case 'word':
      return new WordAnalyzer(config);
    case 'seed':
      return new SeedAnalyzer(config);
  }
}

type CharWbConfig = Extract<AnalyzerConfig, { kind: 'char_wb' }>;
type WordConfig = Extract<AnalyzerConfig, { kind: 'word' }>;
type SeedConfig = Extract<AnalyzerConfig, { kind: 'seed' }>;

/**
 * scikit-learn's `char_wb`: (lowercase,) split on whitespace, pad each word with one space on both sides, and emit
 * the n-grams inside the padded word; a padded word no longer than the largest n is emitted whole, once.
 */
class CharWbAnalyzer implements TextAnalyzer {
  private readonly chars = new CodePointBuffer();

  constructor(readonly config: CharWbConfig) {}

  analyze(text: string, sink: TermSink): void {
    const chars = this.chars;
    chars.reset();
    chars.push(SPACE);
    chars.pushString(this.config.lowercase ? text.toLowerCase() : text);
    chars.push(SPACE);
    const buf = chars.data;
    const last = chars.length - 1;
    for (let i = 1; i < last; i++) if (isPythonWhitespace(buf[i])) buf[i] = SPACE;

    const words = typeof (sink as Partial<WordLevelSink>).beginWord === 'function' ? (sink as WordLevelSink) : null;
    let i = 1;
    while (i < last) {
      if (buf[i] === SPACE) {
        i++;
        continue;
      }
      const wordStart = i;
      while (i < last && buf[i] !== SPACE) i++;
      // The padded word is buf[wordStart - 1 .. i + 1): the surrounding spaces are already in the buffer.
      if (words === null) {
        this.emitWord(buf, wordStart - 1, i + 1, sink);
      } else if (!words.beginWord(buf, wordStart - 1, i + 1)) {
        this.emitWord(buf, wordStart - 1, i + 1, sink);
        words.endWord();
      }
    }
  }

  /** The n-grams of one padded word `buf[from..to)`. */
  private emitWord(buf: Int32Array, from: number, to: number, sink: TermSink): void {
    const [minN, maxN] = this.config.ngramRange;
    const paddedLength = to - from;
    for (let s = from; s < to; s++) {
      let hash = TERM_HASH_SEED;
      let k0 = 0;
      let k1 = 0;
      let k2 = 0;
      const stop = Math.min(to, s + maxN);
      for (let k = s; k < stop; k++) {
        const c = buf[k];
        hash = extendTermHash(hash, c);
        const p = k - s;
        if (p < PACKED_LENGTH) {
          if (c >= PACK_LIMIT || c < 0) k0 = UNPACKABLE;
          else if (p < 2) k0 |= (c + 1) << ((p & 1) << 4);
          else if (p < 4) k1 |= (c + 1) << ((p & 1) << 4);
          else k2 |= (c + 1) << ((p & 1) << 4);
        }
        const n = p + 1;
        if (n >= minN && n < paddedLength && !sink.term(buf, s, k + 1, hash, k0, k1, k2)) break;
      }
    }
    if (maxN >= paddedLength) {
      packSpan(buf, from, to, wholeKey);
      sink.term(buf, from, to, hashCodePoints(buf, from, to), wholeKey[0], wholeKey[1], wholeKey[2]);
    }
  }
}

/** A token stream in one buffer, tokens separated by one space, so a word n-gram is one contiguous span. */
class TokenBuffer {
  readonly chars = new CodePointBuffer();
  starts = new Int32Array(64);
  ends = new Int32Array(64);
  count = 0;

  reset(): void {
    this.chars.reset();
    this.count = 0;
  }

  private grow(): void {
    const starts = new Int32Array(this.starts.length * 2);
    starts.set(this.starts);
    const ends = new Int32Array(this.ends.length * 2);
    ends.set(this.ends);
    this.starts = starts;
    this.ends = ends;
  }

  addSpan(source: Int32Array, start: number, end: number): void {
    if (this.count === this.starts.length) this.grow();
    const chars = this.chars;
    chars.reserve(end - start + 1);
    if (this.count > 0) chars.data[chars.length++] = SPACE;
    this.starts[this.count] = chars.length;
    const data = chars.data;
    let n = chars.length;
    for (let i = start; i < end; i++) data[n++] = source[i];
    chars.length = n;
    this.ends[this.count++] = chars.length;
  }

  addString(token: string): void {
    if (this.count === this.starts.length) this.grow();
    const chars = this.chars;
    if (this.count > 0) chars.push(SPACE);
    this.starts[this.count] = chars.length;
    chars.pushString(token);
    this.ends[this.count++] = chars.length;
  }

  /** scikit-learn's `_word_ngrams`: every run of n consecutive tokens, n in the range, joined by one space. */
  emitNgrams(minN: number, maxN: number, sink: TermSink): void {
    const buf = this.chars.data;
    const { starts, ends, count } = this;
    for (let t = 0; t < count; t++) {
      let hash = TERM_HASH_SEED;
      let k0 = 0;
      let k1 = 0;
      let k2 = 0;
      let p = 0;
      const stop = Math.min(count, t + maxN);
      for (let u = t; u < stop; u++) {
        for (let k = u > t ? starts[u] - 1 : starts[u]; k < ends[u]; k++, p++) {
          // starts[u] - 1 is the joining space before token u.
          const c = buf[k];
          hash = extendTermHash(hash, c);
          if (p < PACKED_LENGTH) {
            if (c >= PACK_LIMIT || c < 0) k0 = UNPACKABLE;
            else if (p < 2) k0 |= (c + 1) << ((p & 1) << 4);
            else if (p < 4) k1 |= (c + 1) << ((p & 1) << 4);
            else k2 |= (c + 1) << ((p & 1) << 4);
          }
        }
        if (u - t + 1 >= minN && !sink.term(buf, starts[t], ends[u], hash, k0, k1, k2)) break;
      }
    }
  }
}

/** A set of words looked up by a span of code points, without creating the substring. */
class WordSet {
  private readonly byLength = new Map<number, Set<string>>();
  private readonly maxLength: number;

  constructor(words: readonly string[]) {
    let maxLength = 0;
    for (const word of words) {
      const length = [...word].length;
      maxLength = Math.max(maxLength, length);
      let set = this.byLength.get(length);
      if (!set) this.byLength.set(length, (set = new Set()));
      set.add(word);
    }
    this.maxLength = maxLength;
  }

  hasSpan(buffer: Int32Array, start: number, end: number): boolean {
    const length = end - start;
    if (length > this.maxLength) return false;
    const set = this.byLength.get(length);
    return set !== undefined && set.has(codePointsToString(buffer, start, end));
  }

  has(word: string): boolean {
    return this.byLength.get([...word].length)?.has(word) ?? false;
  }
}

const SKLEARN_STOP_WORDS = new WordSet(SKLEARN_ENGLISH_STOP_WORDS);
const NLTK_STOP_WORDS = new Set(NLTK_ENGLISH_STOP_WORDS);

/**
 * scikit-learn's word analyzer: (lowercase,) tokens = runs of ≥ 2 word characters (`WORD_TOKEN_PATTERN`), scikit-learn's
 * English stop words removed when asked, then (our addition) Porter-stemmed when asked, then word n-grams.
 */
class WordAnalyzer implements TextAnalyzer {
  private readonly chars = new CodePointBuffer();
  private readonly tokens = new TokenBuffer();

  constructor(readonly config: WordConfig) {}

  analyze(text: string, sink: TermSink): void {
    const { lowercase, stopWords, stem, ngramRange } = this.config;
    const source = lowercase ? text.toLowerCase() : text;
    const tokens = this.tokens;
    tokens.reset();
    if (stem) {
      for (const match of source.matchAll(WORD_TOKEN_REGEX)) {
        const token = match[0];
        if (stopWords === 'english' && SKLEARN_STOP_WORDS.has(token)) continue;
        tokens.addString(porterStem(token));
      }
    } else {
      const chars = this.chars;
      chars.reset();
      chars.pushString(source);
      const buf = chars.data;
      const n = chars.length;
      let i = 0;
      while (i < n) {
        if (!isWordCharacter(buf[i])) {
          i++;
          continue;
        }
        const start = i;
        while (i < n && isWordCharacter(buf[i])) i++;
        if (i - start < 2) continue;
        if (stopWords === 'english' && SKLEARN_STOP_WORDS.hasSpan(buf, start, i)) continue;
        tokens.addSpan(buf, start, i);
      }
    }
    tokens.emitNgrams(ngramRange[0], ngramRange[1], sink);
  }
}

/**
 * The seed's preprocessing (its common.py `transform_text`): lowercase → NLTK's word_tokenize (Punkt sentences, then
 * NLTKWordTokenizer; see nltk-word-tokenizer.ts for why not natural's TreebankWordTokenizer) → alphanumeric tokens
 * only → NLTK English stop words out → Porter stem (NLTK's, not natural's). The seed then fed the joined result to
 * scikit-learn's default analyzer, whose token pattern drops one-character tokens; we do the same, then word n-grams.
 */
class SeedAnalyzer implements TextAnalyzer {
  private readonly tokens = new TokenBuffer();

  constructor(readonly config: SeedConfig) {}

  /** The seed's `transform_text` tokens, before scikit-learn's token pattern. */
  seedTokens(text: string): string[] {
    const out: string[] = [];
    for (const token of nltkWordTokenize(text.toLowerCase())) {
      if (!ALPHANUMERIC_TOKEN.test(token) || NLTK_STOP_WORDS.has(token)) continue;
      out.push(nltkPorterStem(token));
    }
    return out;
  }

  analyze(text: string, sink: TermSink): void {
    const tokens = this.tokens;
    tokens.reset();
    for (const stemmed of this.seedTokens(text)) {
      for (const match of stemmed.toLowerCase().matchAll(WORD_TOKEN_REGEX)) tokens.addString(match[0]);
    }
    tokens.emitNgrams(this.config.ngramRange[0], this.config.ngramRange[1], sink);
  }
}
