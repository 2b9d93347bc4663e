import { blockPrefixes } from '../features/tfidf-vectorizer';
import { analyzeToStrings, createAnalyzer } from '../text/analyzers';
import { isPythonWhitespace, NGRAM_JOINER } from '../text/text-semantics';
import type {
  AnalyzerConfig,
  ExplanationUnit,
  SparseVector,
  TextSpan,
  TrainedModel,
  Vectorizer,
  WordContribution,
} from '../types';

/** A model's decision in the explanation's unit: `factor`·decision + `offset`. */
export interface ContributionScale {
  readonly unit: ExplanationUnit;
  readonly factor: number;
  readonly offset: number;
}

/**
 * Contributions are in decision units; the calibrated probability is 1 / (1 + exp(a·decision + b)), so its log-odds
 * is −a·decision − b and a contribution c moves it by −a·c. Without calibration a linear model's probability is
 * sigmoid(decision) (its log-odds is the decision) and a random forest's is its mean vote (probability points).
 */
export function contributionScale(model: Pick<TrainedModel, 'algorithm' | 'calibration'>): ContributionScale {
  if (model.calibration) return { unit: 'log_odds', factor: -model.calibration.a, offset: -model.calibration.b };
  return { unit: model.algorithm === 'random_forest' ? 'probability' : 'log_odds', factor: 1, offset: 0 };
}

/**
 * Spreads the model's baseline (its bias: where it stands before reading a word, in decision units) over the
 * features of the message in proportion to x_j², their share of the vector's squared norm (each analyzer's block
 * has norm 1). Each feature's weight is then its evidence minus its share of the model's lean, and the weights of
 * all features add up to the decision itself: a word shows as towards spam only when its evidence outweighs its
 * share of a baseline that leans towards not spam, instead of every word that is merely less ham-like than nothing.
 */
export function shareBaseline(
  contributions: ReadonlyArray<{ readonly index: number; readonly weight: number }>,
  x: SparseVector,
  baseline: number,
): Array<{ index: number; weight: number }> {
  const weights = new Map<number, number>();
  for (const { index, weight } of contributions) weights.set(index, (weights.get(index) ?? 0) + weight);
  let squares = 0;
  for (let k = 0; k < x.values.length; k++) squares += x.values[k] * x.values[k];
  if (squares > 0) {
    for (let k = 0; k < x.indices.length; k++) {
      const j = x.indices[k];
      weights.set(j, (weights.get(j) ?? 0) + (baseline * x.values[k] * x.values[k]) / squares);
    }
  }
  return Array.from(weights, ([index, weight]) => ({ index, weight }));
}

/** A whitespace-separated word of the text, as char_wb splits it (Python's `str.split()`), with its offsets. */
interface Chunk {
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** Case-folded, punctuation around it removed (unless it is all punctuation). */
  readonly key: string;
}

const EDGE_PUNCTUATION = /^\p{P}+|\p{P}+$/gu;

function wordKey(chunk: string): string {
  const lower = chunk.toLowerCase();
  return lower.replace(EDGE_PUNCTUATION, '') || lower;
}

function splitChunks(text: string): Chunk[] {
  const chunks: Chunk[] = [];
  let start = -1;
  let i = 0;
  while (i < text.length) {
    const cp = text.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    if (isPythonWhitespace(cp)) {
      if (start >= 0) chunks.push(chunkOf(text, start, i));
      start = -1;
    } else if (start < 0) {
      start = i;
    }
    i += width;
  }
  if (start >= 0) chunks.push(chunkOf(text, start, text.length));
  return chunks;
}

function chunkOf(text: string, start: number, end: number): Chunk {
  const piece = text.slice(start, end);
  return { text: piece, start, end, key: wordKey(piece) };
}

/**
 * Feature occurrences in groups: each group's columns (repeated as often as they occur in one place) occur at every
 * one of its places, a place being a run of chunks [from, to] (one chunk for a word's terms, several for a phrase).
 * A char_wb group is a distinct word with all its places, so a text's repeated words are handled once.
 */
class Occurrences {
  readonly groups: Array<{ readonly columns: number[]; readonly places: number[] }> = [];
  /** How many times each column occurs in the text. */
  readonly count = new Map<number, number>();

  add(columns: number[], places: number[]): void {
    this.groups.push({ columns, places });
    const times = places.length / 2;
    for (const index of columns) this.count.set(index, (this.count.get(index) ?? 0) + times);
  }
}

/**
 * Every occurrence of the wanted terms of one analyzer block, by chunk. char_wb terms never cross a chunk, so each
 * distinct chunk is analyzed alone, once. Word and seed tokens never cross one either, so the chunks' tokens are
 * concatenated and their n-grams formed here as the analyzer forms them (joined by one space); an n-gram whose
 * tokens come from several chunks is a phrase spanning them (stop words removed between them included).
 */
function blockOccurrences(
  config: AnalyzerConfig,
  chunks: readonly Chunk[],
  wanted: ReadonlyMap<string, number>,
  found: Occurrences,
): void {
  if (config.kind === 'char_wb') {
    const placesOf = new Map<string, number[]>();
    chunks.forEach((chunk, c) => {
      const places = placesOf.get(chunk.text);
      if (places) places.push(c, c);
      else placesOf.set(chunk.text, [c, c]);
    });
    const analyzer = createAnalyzer(config);
    for (const [text, places] of placesOf) {
      const columns: number[] = [];
      for (const term of analyzeToStrings(analyzer, text)) {
        const index = wanted.get(term);
        if (index !== undefined) columns.push(index);
      }
      if (columns.length > 0) found.add(columns, places);
    }
    return;
  }

  const [minN, maxN] = config.ngramRange;
  const unigrams = createAnalyzer({ ...config, ngramRange: [1, 1] });
  const tokensOf = new Map<string, string[]>();
  const tokens: string[] = [];
  const tokenChunk: number[] = [];
  chunks.forEach((chunk, c) => {
    let own = tokensOf.get(chunk.text);
    if (!own) tokensOf.set(chunk.text, (own = analyzeToStrings(unigrams, chunk.text)));
    for (const token of own) {
      tokens.push(token);
      tokenChunk.push(c);
    }
  });
  for (let t = 0; t < tokens.length; t++) {
    let term = '';
    for (let n = 1; n <= maxN && t + n <= tokens.length; n++) {
      term = n === 1 ? tokens[t] : term + NGRAM_JOINER + tokens[t + n - 1];
      if (n < minN) continue;
      const index = wanted.get(term);
      if (index !== undefined) found.add([index], [tokenChunk[t], tokenChunk[t + n - 1]]);
    }
  }
}

/**
 * The model's feature contributions regrouped by the words of the text they were drawn from: each feature's
 * contribution is split evenly over its occurrences, and the shares are summed per word (case-folded, so "Claim"
 * and "claim." are one word) and per phrase (a word n-gram spanning several words), scaled to `scale.unit`.
 * A feature found in no word (a random forest credits absent features too) is left out.
 *
 * `text` must be the text the vectorizer read; spans are offsets in it. Returns every word, strongest first.
 */
export function explainByWord(
  text: string,
  vectorizer: Vectorizer,
  contributions: ReadonlyArray<{ readonly index: number; readonly weight: number }>,
  scale: ContributionScale,
): WordContribution[] {
  const analyzers = vectorizer.config.analyzers;
  const prefixes = blockPrefixes(analyzers);
  const wantedByBlock = analyzers.map(() => new Map<string, number>());
  const weightOf = new Map<number, number>();
  for (const { index, weight } of contributions) {
    if (weight === 0) continue;
    const name = vectorizer.featureName(index);
    const block = prefixes.findIndex((prefix) => name.startsWith(prefix));
    if (block < 0) continue;
    wantedByBlock[block].set(name.slice(prefixes[block].length), index);
    weightOf.set(index, (weightOf.get(index) ?? 0) + weight * scale.factor);
  }

  const chunks = splitChunks(text);
  const found = new Occurrences();
  analyzers.forEach((config, b) => {
    if (wantedByBlock[b].size > 0) blockOccurrences(config, chunks, wantedByBlock[b], found);
  });

  const byWord = new Map<string, { weight: number; spans: TextSpan[]; starts: Set<number> }>();
  for (const { columns, places } of found.groups) {
    let weight = 0;
    for (const index of columns) weight += weightOf.get(index)! / found.count.get(index)!;
    for (let k = 0; k < places.length; k += 2) {
      const from = places[k];
      const to = places[k + 1];
      let key = chunks[from].key;
      for (let c = from + 1; c <= to; c++) key += NGRAM_JOINER + chunks[c].key;
      let entry = byWord.get(key);
      if (!entry) byWord.set(key, (entry = { weight: 0, spans: [], starts: new Set() }));
      entry.weight += weight;
      const start = chunks[from].start;
      if (!entry.starts.has(start)) {
        entry.starts.add(start);
        entry.spans.push({ start, end: chunks[to].end });
      }
    }
  }

  return [...byWord]
    .map(([word, { weight, spans }]) => ({ word, weight, spans: spans.sort((a, b) => a.start - b.start) }))
    .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight) || a.spans[0].start - b.spans[0].start);
}
