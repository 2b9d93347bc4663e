import { ArtifactError } from '../artifact/artifact-error';
import { createAnalyzer, type TextAnalyzer, type WordLevelSink } from '../text/analyzers';
import { CodePointBuffer, compareCodePointOrder, hashCodePoints } from '../text/code-points';
import type {
  AnalyzerConfig,
  SparseMatrix,
  SparseVector,
  Vectorizer,
  VectorizerConfig,
  VectorizerState,
} from '../types';
import { numpyArgsort } from './numpy-argsort';
import { isPrefixClosed, TermTable } from './term-table';
import { MAX_CACHED_WORD, WordCache } from './word-cache';
import { checkVectorizerConfig, describeValue, minDocumentCount, VectorizerConfigError } from './vectorizer-config';

/**
 * TF-IDF with scikit-learn's TfidfVectorizer semantics:
 * - vocabulary from the training texts, terms in code-point order (Python's `sorted`), terms seen in fewer than
 *   `minDf` documents dropped, then at most `maxFeatures` terms per analyzer kept by highest total count in the
 *   corpus, ties at the cut resolved in scikit-learn's order (numpy 1.24's argsort of the negated counts, ported in
 *   numpy-argsort.ts): the seed's 3,000 SMS features (1,178 terms tied at the cut) are the very terms scikit-learn
 *   1.2.1 keeps;
 * - `SMOOTH_IDF`: idf = ln((1 + n) / (1 + df)) + 1, or ln(n / df) + 1 unsmoothed (n = training documents);
 * - tf = raw count, or `SUBLINEAR_TF` 1 + ln(tf);
 * - `L2_NORM`: each analyzer's block of columns is divided by its Euclidean norm, as a scikit-learn FeatureUnion of
 *   one TfidfVectorizer per analyzer does, so a union of k analyzers is one feature space with k unit-norm blocks.
 */
export const SMOOTH_IDF = 'ln((1 + n) / (1 + df)) + 1';
export const SUBLINEAR_TF = '1 + ln(tf)';
export const L2_NORM = 'x / ||x||₂ per analyzer block';

/** The vectorizer's JSON state: `VectorizerState` plus how many columns each analyzer owns (in analyzer order). */
export interface TfidfVectorizerState extends VectorizerState {
  readonly columnsPerAnalyzer: readonly number[];
}

const KIND_PREFIX: Record<AnalyzerConfig['kind'], string> = { word: 'w', char_wb: 'c', seed: 's' };

/** Feature-name prefixes (`w:`, `c:`, `s:`); a kind used twice is numbered (`c1:`, `c2:`). */
export function blockPrefixes(analyzers: readonly AnalyzerConfig[]): string[] {
  const counts = new Map<string, number>();
  for (const a of analyzers) counts.set(a.kind, (counts.get(a.kind) ?? 0) + 1);
  const seen = new Map<string, number>();
  return analyzers.map((a) => {
    const nth = (seen.get(a.kind) ?? 0) + 1;
    seen.set(a.kind, nth);
    return `${KIND_PREFIX[a.kind]}${counts.get(a.kind)! > 1 ? nth : ''}:`;
  });
}

interface Block {
  readonly analyzer: TextAnalyzer;
  readonly table: TermTable;
  readonly offset: number;
  readonly size: number;
  readonly prefix: string;
  readonly prefixClosed: boolean;
  readonly cache: WordCache | null;
}

/**
 * A sink that memoises whole char_wb words in a WordCache (when given one): a word seen before replays its term
 * ids; a new word's ids are recorded as its n-grams are looked up. Ids never change while a table is in use, so the
 * result is the same with or without the cache.
 */
abstract class WordMemoSink implements WordLevelSink {
  cache: WordCache | null = null;
  /** What `term` returns for a term that is not in the table (false: stop extending this n-gram). */
  protected continueOnMiss = true;
  private recording = false;
  private recorded = new Int32Array(256);
  private recordedCount = 0;
  private wordBuffer: Int32Array = new Int32Array(0);
  private wordFrom = 0;
  private wordTo = 0;
  private wordHash = 0;

  /** The term's id, or -1 when it is not (and will not be) in the table. */
  protected abstract lookup(
    buffer: Int32Array,
    start: number,
    end: number,
    hash: number,
    k0: number,
    k1: number,
    k2: number,
  ): number;
  protected abstract accept(id: number): void;

  term(buffer: Int32Array, start: number, end: number, hash: number, k0: number, k1: number, k2: number): boolean {
    const id = this.lookup(buffer, start, end, hash, k0, k1, k2);
    if (id < 0) return this.continueOnMiss;
    this.accept(id);
    if (this.recording) {
      if (this.recordedCount === this.recorded.length) this.recording = false;
      else this.recorded[this.recordedCount++] = id;
    }
    return true;
  }

  beginWord(buffer: Int32Array, from: number, to: number): boolean {
    const cache = this.cache;
    this.recording = false;
    if (cache === null || to - from > MAX_CACHED_WORD) return false;
    const hash = hashCodePoints(buffer, from, to);
    const entry = cache.find(buffer, from, to, hash);
    if (entry >= 0) {
      const ids = cache.ids;
      const end = cache.idStart(entry) + cache.idCount(entry);
      for (let i = cache.idStart(entry); i < end; i++) this.accept(ids[i]);
      return true;
    }
    this.recording = true;
    this.recordedCount = 0;
    this.wordBuffer = buffer;
    this.wordFrom = from;
    this.wordTo = to;
    this.wordHash = hash;
    return false;
  }

  endWord(): void {
    if (!this.recording) return;
    this.recording = false;
    this.cache!.add(this.wordBuffer, this.wordFrom, this.wordTo, this.wordHash, this.recorded, this.recordedCount);
  }
}

/** Counts a block's term occurrences into the vectorizer's scratch: the hot path's only per-term work. */
class CountingSink extends WordMemoSink {
  table!: TermTable;
  offset = 0;
  touchedCount = 0;

  constructor(
    readonly counts: Int32Array,
    readonly touched: Int32Array,
  ) {
    super();
  }

  /** A prefix-closed vocabulary lets the analyzer stop extending an n-gram that is missing. */
  set prefixClosed(closed: boolean) {
    this.continueOnMiss = !closed;
  }

  protected lookup(
    buffer: Int32Array,
    start: number,
    end: number,
    hash: number,
    k0: number,
    k1: number,
    k2: number,
  ): number {
    return this.table.find(buffer, start, end, hash, k0, k1, k2);
  }

  protected accept(id: number): void {
    const column = this.offset + id;
    if (this.counts[column] === 0) this.touched[this.touchedCount++] = column;
    this.counts[column]++;
  }
}

/** 1 + ln(tf) for the small counts almost every term has. */
const SUBLINEAR_TABLE = Float64Array.from({ length: 256 }, (_, tf) => 1 + Math.log(tf));

/** Sorts a[from..to) ascending in place: insertion sort for short runs, else quicksort (no allocation). */
export function sortRange(a: Int32Array, from: number, to: number): void {
  while (to - from > 24) {
    const mid = from + ((to - from) >> 1);
    const x = a[from];
    const y = a[mid];
    const z = a[to - 1];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = from;
    let j = to - 1;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (j + 1 - from < to - i) {
      sortRange(a, from, j + 1);
      from = i;
    } else {
      sortRange(a, i, to);
      to = j + 1;
    }
  }
  for (let i = from + 1; i < to; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= from && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

class TfidfVectorizer implements Vectorizer {
  readonly nFeatures: number;
  private readonly blocks: Block[];
  private readonly idf: Float64Array;
  private readonly counts: Int32Array;
  private readonly values: Float64Array;
  private readonly sink: CountingSink;

  constructor(
    readonly config: VectorizerConfig,
    private readonly vocabulary: readonly string[],
    idf: readonly number[] | Float64Array,
    private readonly columnsPerAnalyzer: readonly number[],
    prebuilt?: readonly PrebuiltTermBlock[],
  ) {
    this.nFeatures = vocabulary.length;
    this.idf = Float64Array.from(idf);
    const prefixes = blockPrefixes(config.analyzers);
    let offset = 0;
    this.blocks = config.analyzers.map((analyzerConfig, b) => {
      const size = columnsPerAnalyzer[b];
      const given = prebuilt?.[b];
      const { table, prefixClosed } = given ?? buildTermBlock(vocabulary, offset, size, analyzerConfig);
      if (table.size !== size)
        throw new ArtifactError(`vectorizer: term table ${b} holds ${table.size} terms, not ${size}`);
      const block = {
        analyzer: createAnalyzer(analyzerConfig),
        table,
        offset,
        size,
        prefix: prefixes[b],
        prefixClosed,
        cache: analyzerConfig.kind === 'char_wb' ? new WordCache() : null,
      };
      offset += size;
      return block;
    });
    this.counts = new Int32Array(this.nFeatures);
    this.values = new Float64Array(this.nFeatures);
    this.sink = new CountingSink(this.counts, new Int32Array(this.nFeatures));
  }

  transform(text: string): SparseVector {
    const { sink, counts, values, idf } = this;
    const { sublinearTf, useIdf, norm } = this.config;
    const touched = sink.touched;
    sink.touchedCount = 0;
    for (const block of this.blocks) {
      const from = sink.touchedCount;
      sink.table = block.table;
      sink.offset = block.offset;
      sink.prefixClosed = block.prefixClosed;
      sink.cache = block.cache;
      block.analyzer.analyze(text, sink);
      const to = sink.touchedCount;
      if (to === from) continue;
      sortRange(touched, from, to);
      let sumOfSquares = 0;
      for (let i = from; i < to; i++) {
        const column = touched[i];
        const tf = counts[column];
        counts[column] = 0;
        let v = sublinearTf ? (tf < SUBLINEAR_TABLE.length ? SUBLINEAR_TABLE[tf] : 1 + Math.log(tf)) : tf;
        if (useIdf) v *= idf[column];
        values[i] = v;
        sumOfSquares += v * v;
      }
      if (norm === 'l2' && sumOfSquares > 0) {
        const length = Math.sqrt(sumOfSquares);
        for (let i = from; i < to; i++) values[i] /= length;
      }
    }
    return { indices: touched.slice(0, sink.touchedCount), values: values.slice(0, sink.touchedCount) };
  }

  featureName(index: number): string {
    for (const block of this.blocks) {
      if (index >= block.offset && index < block.offset + block.size) return block.prefix + this.vocabulary[index];
    }
    return `#${index}`;
  }

  /** The built term tables, to hand to another thread (`tfidfVectorizerFromPrebuilt`). */
  termBlocks(): PrebuiltTermBlock[] {
    return this.blocks.map((block) => ({ table: block.table, prefixClosed: block.prefixClosed }));
  }

  toState(): TfidfVectorizerState {
    return {
      config: this.config,
      vocabulary: [...this.vocabulary],
      idf: Array.from(this.idf),
      columnsPerAnalyzer: [...this.columnsPerAnalyzer],
    };
  }
}

/** Term statistics of one analyzer over the training texts. */
class TermCounter extends WordMemoSink {
  readonly table = new TermTable(4096);
  totals = new Float64Array(4096);
  documentFrequency = new Int32Array(4096);
  lastDocument = new Int32Array(4096).fill(-1);
  document = 0;

  protected lookup(
    buffer: Int32Array,
    start: number,
    end: number,
    hash: number,
    k0: number,
    k1: number,
    k2: number,
  ): number {
    return this.table.intern(buffer, start, end, hash, k0, k1, k2);
  }

  protected accept(id: number): void {
    if (id >= this.totals.length) this.grow();
    this.totals[id]++;
    if (this.lastDocument[id] !== this.document) {
      this.lastDocument[id] = this.document;
      this.documentFrequency[id]++;
    }
  }

  private grow(): void {
    const n = this.totals.length * 2;
    const totals = new Float64Array(n);
    totals.set(this.totals);
    const df = new Int32Array(n);
    df.set(this.documentFrequency);
    const last = new Int32Array(n).fill(-1);
    last.set(this.lastDocument);
    this.totals = totals;
    this.documentFrequency = df;
    this.lastDocument = last;
  }
}

function idfOf(df: number, documents: number, config: VectorizerConfig): number {
  if (!config.useIdf) return 1;
  return config.smoothIdf ? Math.log((1 + documents) / (1 + df)) + 1 : Math.log(documents / df) + 1;
}

const SURROGATE = /[\ud800-\udfff]/;

/**
 * The `limit` terms with the highest total count, in scikit-learn's order: `_limit_features` takes
 * `(-tfs[mask]).argsort()[:limit]` over the columns in code-point order, so terms tied at the cut are chosen by
 * numpy's introsort (see numpy-argsort.ts), not by their spelling.
 */
function keepMostFrequent(ids: number[], rank: Int32Array, totals: Float64Array, limit: number): number[] {
  const columns = [...ids].sort((a, b) => rank[a] - rank[b]);
  const negated = Float64Array.from(columns, (id) => -totals[id]);
  return Array.from(numpyArgsort(negated).subarray(0, limit), (i) => columns[i]);
}

/** Learns the vocabulary and idf from the training texts, and returns their TF-IDF rows too. */
export function fitTfidfVectorizer(
  texts: readonly string[],
  config: VectorizerConfig,
): { vectorizer: Vectorizer; matrix: SparseMatrix } {
  const checked = checkVectorizerConfig(config);
  if (texts.length === 0) throw new VectorizerConfigError('texts', 'cannot fit a vectorizer on no texts');
  const minCount = minDocumentCount(checked.minDf, texts.length);
  const vocabulary: string[] = [];
  const idf: number[] = [];
  const columnsPerAnalyzer: number[] = [];
  checked.analyzers.forEach((analyzerConfig, b) => {
    const analyzer = createAnalyzer(analyzerConfig);
    const counter = new TermCounter();
    if (analyzerConfig.kind === 'char_wb') counter.cache = new WordCache();
    texts.forEach((text, d) => {
      counter.document = d;
      analyzer.analyze(text, counter);
    });
    const table = counter.table;
    const kept: number[] = [];
    for (let id = 0; id < table.size; id++) if (counter.documentFrequency[id] >= minCount) kept.push(id);
    // rank[id] = position of the term in code-point order; numeric compares from here on.
    const rank = new Int32Array(table.size);
    const sorted = kept.map((id) => table.term(id));
    if (sorted.some((t) => SURROGATE.test(t))) sorted.sort(compareCodePointOrder);
    else sorted.sort();
    const scratch = new CodePointBuffer();
    sorted.forEach((term, r) => (rank[table.findString(term, scratch)] = r));
    let order = kept;
    if (checked.maxFeatures !== null && order.length > checked.maxFeatures) {
      order = keepMostFrequent(order, rank, counter.totals, checked.maxFeatures);
    }
    order.sort((a, b) => rank[a] - rank[b]);
    if (order.length === 0) {
      throw new VectorizerConfigError(
        `analyzers[${b}]`,
        `empty vocabulary: no term of this analyzer appears in ≥ ${checked.minDf} document(s); lower minDf or check the texts`,
      );
    }
    for (const id of order) {
      vocabulary.push(sorted[rank[id]]);
      idf.push(idfOf(counter.documentFrequency[id], texts.length, checked));
    }
    columnsPerAnalyzer.push(order.length);
  });
  const vectorizer = new TfidfVectorizer(checked, vocabulary, idf, columnsPerAnalyzer);
  return { vectorizer, matrix: { rows: texts.map((t) => vectorizer.transform(t)), nFeatures: vectorizer.nFeatures } };
}

/** Rebuilds a fitted vectorizer from untrusted JSON state; throws ArtifactError naming the bad field. */
/** One analyzer's term table and whether its vocabulary is prefix-closed: the costly part of loading a vectorizer. */
export interface PrebuiltTermBlock {
  readonly table: TermTable;
  readonly prefixClosed: boolean;
}

function buildTermBlock(
  vocabulary: readonly string[],
  offset: number,
  size: number,
  analyzerConfig: AnalyzerConfig,
): PrebuiltTermBlock {
  const table = new TermTable(size);
  for (let i = 0; i < size; i++) {
    const id = table.internString(vocabulary[offset + i]);
    if (id !== i)
      throw new ArtifactError(
        `vectorizer.vocabulary[${offset + i}]: duplicate term ${describeValue(vocabulary[offset + i])}`,
      );
  }
  const prefixClosed = isPrefixClosed(
    vocabulary.slice(offset, offset + size),
    analyzerConfig.ngramRange[0],
    analyzerConfig.kind !== 'char_wb',
  );
  return { table, prefixClosed };
}

/** The term tables of a vectorizer made here (`tfidfVectorizerFromState`, `fitTfidfVectorizer`), else undefined. */
export function tfidfTermBlocks(vectorizer: Vectorizer): PrebuiltTermBlock[] | undefined {
  return vectorizer instanceof TfidfVectorizer ? vectorizer.termBlocks() : undefined;
}

/**
 * A vectorizer from a state already validated by `tfidfVectorizerFromState` (e.g. in a worker thread) and the term
 * tables built there, so the costly interning is not repeated. Checks that the parts fit together.
 */
export function tfidfVectorizerFromPrebuilt(
  state: TfidfVectorizerState,
  blocks: readonly PrebuiltTermBlock[],
): Vectorizer {
  let config: VectorizerConfig;
  try {
    config = checkVectorizerConfig(state.config, 'vectorizer.config');
  } catch (error) {
    throw new ArtifactError((error as Error).message);
  }
  const { vocabulary, idf, columnsPerAnalyzer } = state;
  if (
    blocks.length !== config.analyzers.length ||
    columnsPerAnalyzer.length !== blocks.length ||
    idf.length !== vocabulary.length ||
    columnsPerAnalyzer.reduce((a, n) => a + n, 0) !== vocabulary.length
  ) {
    throw new ArtifactError('vectorizer: the prebuilt term tables do not match its state');
  }
  return new TfidfVectorizer(config, vocabulary, idf, columnsPerAnalyzer, blocks);
}

export function tfidfVectorizerFromState(state: unknown): Vectorizer {
  if (typeof state !== 'object' || state === null || Array.isArray(state)) {
    throw new ArtifactError(`vectorizer: expected an object, got ${describeValue(state)}`);
  }
  const s = state as Record<string, unknown>;
  let config: VectorizerConfig;
  try {
    config = checkVectorizerConfig(s.config, 'vectorizer.config');
  } catch (error) {
    throw new ArtifactError((error as Error).message);
  }
  const { vocabulary, idf, columnsPerAnalyzer } = s;
  if (!Array.isArray(vocabulary) || vocabulary.length === 0) {
    throw new ArtifactError(
      `vectorizer.vocabulary: expected a non-empty array of terms, got ${describeValue(vocabulary)}`,
    );
  }
  const badTerm = vocabulary.findIndex((t) => typeof t !== 'string' || t.length === 0);
  if (badTerm >= 0) {
    throw new ArtifactError(
      `vectorizer.vocabulary[${badTerm}]: expected a non-empty string, got ${describeValue(vocabulary[badTerm])}`,
    );
  }
  if (!Array.isArray(idf) || idf.length !== vocabulary.length) {
    throw new ArtifactError(
      `vectorizer.idf: expected ${vocabulary.length} numbers (one per term), got ${describeValue(idf)}`,
    );
  }
  const badIdf = idf.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v) || v <= 0);
  if (badIdf >= 0) {
    throw new ArtifactError(
      `vectorizer.idf[${badIdf}]: expected a finite number > 0, got ${describeValue(idf[badIdf])}`,
    );
  }
  if (
    !Array.isArray(columnsPerAnalyzer) ||
    columnsPerAnalyzer.length !== config.analyzers.length ||
    !columnsPerAnalyzer.every((n) => Number.isInteger(n) && n >= 0) ||
    columnsPerAnalyzer.reduce((a: number, n: number) => a + n, 0) !== vocabulary.length
  ) {
    throw new ArtifactError(
      `vectorizer.columnsPerAnalyzer: expected ${config.analyzers.length} column counts summing to ${vocabulary.length}, got ${describeValue(columnsPerAnalyzer)}`,
    );
  }
  return new TfidfVectorizer(config, vocabulary as string[], idf as number[], columnsPerAnalyzer as number[]);
}
