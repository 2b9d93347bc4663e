import type { Vectorizer, VectorizerConfig } from '../types';
import { TermTable, type TermTableParts } from './term-table';
import { tfidfTermBlocks, tfidfVectorizerFromPrebuilt, type TfidfVectorizerState } from './tfidf-vectorizer';

/**
 * A loaded TF-IDF vectorizer as plain data that crosses a thread boundary cheaply: the vocabulary as one string and
 * the term lengths, idf and term tables as typed arrays (transferred, not copied). Cloning 300,000 separate strings
 * or re-interning them is what made loading a large model hold the event loop.
 */
export interface VectorizerTransfer {
  readonly config: VectorizerConfig;
  readonly columnsPerAnalyzer: readonly number[];
  readonly joinedVocabulary: string;
  readonly termLengths: Int32Array;
  readonly idf: Float64Array;
  readonly blocks: ReadonlyArray<{ readonly table: TermTableParts; readonly prefixClosed: boolean }>;
}

/** The transfer form of a vectorizer built by this engine, and the buffers to list as transferable. */
export function vectorizerToTransfer(
  vectorizer: Vectorizer,
  state: TfidfVectorizerState,
): { transfer: VectorizerTransfer; transferList: ArrayBuffer[] } {
  const blocks = tfidfTermBlocks(vectorizer);
  if (!blocks) throw new Error('vectorizer: not a TF-IDF vectorizer of this engine');
  const termLengths = Int32Array.from(state.vocabulary, (term) => term.length);
  const transfer: VectorizerTransfer = {
    config: state.config,
    columnsPerAnalyzer: [...state.columnsPerAnalyzer],
    joinedVocabulary: state.vocabulary.join(''),
    termLengths,
    idf: Float64Array.from(state.idf),
    blocks: blocks.map(({ table, prefixClosed }) => ({ table: table.toParts(), prefixClosed })),
  };
  const transferList: ArrayBuffer[] = [termLengths.buffer as ArrayBuffer, transfer.idf.buffer as ArrayBuffer];
  for (const { table } of transfer.blocks) {
    for (const array of [table.slots, table.keyStarts, table.keyLengths, table.pool])
      transferList.push(array.buffer as ArrayBuffer);
  }
  return { transfer, transferList };
}

/** Yields to the event loop between slices of work, so no slice holds it for long. */
export type Yielder = () => Promise<void>;

const TERMS_PER_SLICE = 20_000;

/**
 * The vectorizer back from its transfer form: the vocabulary is cut out of the joined string in slices with a
 * `yieldNow()` in between; the term tables are used as they are.
 */
export async function vectorizerFromTransfer(transfer: VectorizerTransfer, yieldNow: Yielder): Promise<Vectorizer> {
  const { joinedVocabulary, termLengths } = transfer;
  const vocabulary = new Array<string>(termLengths.length);
  let at = 0;
  for (let from = 0; from < termLengths.length; from += TERMS_PER_SLICE) {
    const to = Math.min(termLengths.length, from + TERMS_PER_SLICE);
    for (let i = from; i < to; i++) {
      vocabulary[i] = joinedVocabulary.slice(at, at + termLengths[i]);
      at += termLengths[i];
    }
    await yieldNow();
  }
  if (at !== joinedVocabulary.length) throw new Error('vectorizer: the term lengths do not match the vocabulary');
  const blocks = transfer.blocks.map(({ table, prefixClosed }) => ({
    table: TermTable.fromParts(table),
    prefixClosed,
  }));
  const state: TfidfVectorizerState = {
    config: transfer.config,
    vocabulary,
    idf: transfer.idf as unknown as readonly number[],
    columnsPerAnalyzer: transfer.columnsPerAnalyzer,
  };
  return tfidfVectorizerFromPrebuilt(state, blocks);
}
