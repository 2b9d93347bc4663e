import type { Explanation, WordContribution } from '../engine';

export interface PreviewSegment {
  readonly text: string;
  /** 'spam' / 'ham' when this word pushed the decision that way; undefined for plain text. */
  readonly towards?: 'spam' | 'ham';
  readonly weight?: number;
  /** 1 (weak) to 3 (strong): how hard it pushed, against the strongest word listed. */
  readonly strength?: 1 | 2 | 3;
}

/**
 * Marks, in the text the model read, every occurrence of the words the explanation lists, with the list's sign:
 * the weight of a word is the same number in the list and on its marks. Where two listed items overlap (a phrase
 * and one of its words) the stronger keeps the mark. Only the first `shownChars` characters are returned.
 */
export function highlightPreview(
  text: string,
  explanation: Explanation | undefined,
  shownChars = text.length,
): PreviewSegment[] {
  const shown = text.slice(0, shownChars);
  if (!explanation) return [{ text: shown }];
  const listed: WordContribution[] = [...explanation.towardsSpam, ...explanation.towardsHam];
  const strongest = Math.max(0, ...listed.map((w) => Math.abs(w.weight)));
  const marks: Array<{ start: number; end: number; word: WordContribution }> = [];
  const taken = (start: number, end: number): boolean => marks.some((m) => m.start < end && start < m.end);
  for (const word of [...listed].sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight))) {
    for (const { start, end } of word.spans) {
      if (start >= shown.length || taken(start, end)) continue;
      marks.push({ start, end: Math.min(end, shown.length), word });
    }
  }
  marks.sort((a, b) => a.start - b.start);

  const segments: PreviewSegment[] = [];
  let at = 0;
  for (const { start, end, word } of marks) {
    if (start > at) segments.push({ text: shown.slice(at, start) });
    segments.push({
      text: shown.slice(start, end),
      towards: word.weight > 0 ? 'spam' : 'ham',
      weight: word.weight,
      strength: strengthOf(word.weight, strongest),
    });
    at = end;
  }
  if (at < shown.length) segments.push({ text: shown.slice(at) });
  return segments;
}

function strengthOf(weight: number, strongest: number): 1 | 2 | 3 {
  const share = strongest === 0 ? 0 : Math.abs(weight) / strongest;
  return share >= 0.5 ? 3 : share >= 0.2 ? 2 : 1;
}
