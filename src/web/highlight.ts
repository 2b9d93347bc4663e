import type { Explanation } from '../engine';

// Deep import: require('natural') prints to stdout, reads ./.env and takes ~550 ms.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const PorterStemmer = require('natural/lib/natural/stemmers/porter_stemmer') as { stem(token: string): string };

export interface PreviewSegment {
  readonly text: string;
  /** 'spam' / 'ham' when this word pushed the decision that way; undefined for plain text. */
  readonly towards?: 'spam' | 'ham';
  readonly weight?: number;
}

/** Splits a preview into words and the rest; words are runs of letters/digits (Unicode). */
const WORD_OR_OTHER = /([\p{L}\p{N}_]+)|([^\p{L}\p{N}_]+)/gu;

/** The engine names features `w:free`, `s:entri` (stemmed), `c: fr` (char_wb, numbered `c1:` when repeated). */
const FEATURE_PREFIX = /^([a-z_]+)\d*:(?: (?=\S))?/;

/**
 * Marks the words of `preview` that carry one of the explanation's features. Features are the model's terms:
 * a word (`w:`), a stemmed word (`s:`), word n-grams (`w:free entri`) or character n-grams (`c:ree`); a word matches a
 * word feature when it or its Porter stem equals one of the feature's words, and a character feature of 3+
 * characters when it contains it.
 */
export function highlightPreview(preview: string, explanation: Explanation | undefined): PreviewSegment[] {
  if (!explanation) return [{ text: preview }];
  const words = new Map<string, { towards: 'spam' | 'ham'; weight: number }>();
  const grams: Array<{ gram: string; towards: 'spam' | 'ham'; weight: number }> = [];
  const add = (feature: string, weight: number, towards: 'spam' | 'ham') => {
    const prefix = FEATURE_PREFIX.exec(feature);
    const kind = prefix?.[1] ?? '';
    const term = prefix ? feature.slice(prefix[0].length) : feature;
    if (kind === 'c' || kind.startsWith('char')) {
      const gram = term.trim().toLowerCase();
      if (gram.length >= 3) grams.push({ gram, towards, weight });
      return;
    }
    for (const part of term.toLowerCase().split(/\s+/)) {
      if (!part) continue;
      const known = words.get(part);
      if (!known || Math.abs(known.weight) < Math.abs(weight)) words.set(part, { towards, weight });
    }
  };
  for (const f of explanation.towardsSpam) add(f.feature, f.weight, 'spam');
  for (const f of explanation.towardsHam) add(f.feature, f.weight, 'ham');

  const segments: PreviewSegment[] = [];
  for (const match of preview.matchAll(WORD_OR_OTHER)) {
    const word = match[1];
    if (word === undefined) {
      segments.push({ text: match[0] });
      continue;
    }
    const lower = word.toLowerCase();
    const hit = words.get(lower) ?? words.get(PorterStemmer.stem(lower)) ?? grams.find((g) => lower.includes(g.gram));
    segments.push(hit ? { text: word, towards: hit.towards, weight: hit.weight } : { text: word });
  }
  return segments;
}
