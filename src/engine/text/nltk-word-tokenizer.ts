/**
 * NLTK's `word_tokenize` as the seed called it: untrained Punkt sentence splitting (`PunktSentenceTokenizer()`), then
 * `NLTKWordTokenizer` on each sentence. Ported from NLTK 3.8 (`nltk/tokenize/punkt.py`, `destructive.py`) because
 * the seed's figures depend on it: NLTK separates a period only at the end of a sentence, and Punkt decides where
 * sentences end. With natural's TreebankWordTokenizer instead, the seed configuration scores F1 0.876 on the SMS
 * split rather than 0.901 (measured against scikit-learn with the same vectorizer and model).
 *
 * Python's `\w`, `\b` and `\d` are Unicode-aware; JavaScript's are ASCII-only even with the `u` flag, so they are
 * spelled out with Unicode properties below. Every pattern is linear (no nested quantifiers).
 */

import { isPythonWhitespace } from './text-semantics';

const W = String.raw`[\p{L}\p{N}_]`;
const NOT_WORD_BEFORE = `(?<!${W})`;
const NOT_WORD_AFTER = `(?!${W})`;

type Rule = readonly [RegExp, string];

const STARTING_QUOTES: readonly Rule[] = [
  [/([«“‘„]|[`]+)/gu, ' $1 '],
  [/^"/u, '``'],
  [/(``)/gu, ' $1 '],
  [/([ ([{<])("|'{2})/gu, '$1 `` '],
  [new RegExp(`(')(?!re|ve|ll|m|t|s|d|n)(${W})${NOT_WORD_AFTER}`, 'giu'), '$1 $2'],
];

const PUNCTUATION: readonly Rule[] = [
  [/([^.])(\.)([\])}>"'»”’ ]*)\s*$/u, '$1 $2 $3 '],
  [/([:,])([^\p{Nd}])/gu, ' $1 $2'],
  [/([:,])(?=\n?$)/u, ' $1 '],
  [/\.{2,}/gu, ' $& '],
  [/[;@#$%&]/gu, ' $& '],
  [/([^.])(\.)([\])}>"']*)\s*$/u, '$1 $2$3 '],
  [/[?!]/gu, ' $& '],
  [/([^'])' /gu, "$1 ' "],
  [/[*]/gu, ' $& '],
];

const PARENS_BRACKETS: Rule = [/[\][(){}<>]/gu, ' $& '];
const DOUBLE_DASHES: Rule = [/--/gu, ' -- '];

const ENDING_QUOTES: readonly Rule[] = [
  [/([»”’])/gu, ' $1 '],
  [/''/gu, " '' "],
  [/"/gu, " '' "],
  [/([^' ])('[sS]|'[mM]|'[dD]|') /gu, '$1 $2 '],
  [/([^' ])('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) /gu, '$1 $2 '],
];

const CONTRACTIONS: readonly Rule[] = [
  ...[
    String.raw`(can)(not)${NOT_WORD_AFTER}`,
    String.raw`(d)('ye)${NOT_WORD_AFTER}`,
    String.raw`(gim)(me)${NOT_WORD_AFTER}`,
    String.raw`(gon)(na)${NOT_WORD_AFTER}`,
    String.raw`(got)(ta)${NOT_WORD_AFTER}`,
    String.raw`(lem)(me)${NOT_WORD_AFTER}`,
    String.raw`(more)('n)${NOT_WORD_AFTER}`,
    String.raw`(wan)(na)(?=\s)`,
  ].map((p): Rule => [new RegExp(NOT_WORD_BEFORE + p, 'giu'), ' $1 $2 ']),
  [new RegExp(`\\s('t)(is)${NOT_WORD_AFTER}`, 'giu'), ' $1 $2 '],
  [new RegExp(`\\s('t)(was)${NOT_WORD_AFTER}`, 'giu'), ' $1 $2 '],
];

function applyRules(text: string, rules: readonly Rule[]): string {
  for (const [pattern, replacement] of rules) text = text.replace(pattern, replacement);
  return text;
}

/** Python's `str.split()`: runs of Python whitespace separate tokens. */
function splitOnWhitespace(text: string): string[] {
  const tokens: string[] = [];
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const space = i === text.length || isPythonWhitespace(text.charCodeAt(i));
    if (space && start >= 0) {
      tokens.push(text.slice(start, i));
      start = -1;
    } else if (!space && start < 0) start = i;
  }
  return tokens;
}

/** NLTK's NLTKWordTokenizer.tokenize (convert_parentheses false). */
export function nltkTokenizeSentence(sentence: string): string[] {
  let text = applyRules(sentence, STARTING_QUOTES);
  text = applyRules(text, PUNCTUATION);
  text = applyRules(text, [PARENS_BRACKETS, DOUBLE_DASHES]);
  text = applyRules(` ${text} `, ENDING_QUOTES);
  text = applyRules(text, CONTRACTIONS);
  return splitOnWhitespace(text);
}

// ---- Punkt, untrained: no abbreviations, collocations, sentence starters or orthographic context. ----

const NON_WORD = String.raw`[)";}\]*:@'({[!?]`;
const MULTI_CHAR = String.raw`(?:-{2,}|\.{2,}|(?:\.\s){2,}\.)`;
const PUNKT_WORD = new RegExp(
  `${MULTI_CHAR}|(?=[^("\`{[:;&#*@)}\\]\\-,])\\S+?(?=\\s|$|${NON_WORD}|${MULTI_CHAR}|,(?=$|\\s|${NON_WORD}|${MULTI_CHAR}))|\\S`,
  'gu',
);
const PERIOD_CONTEXT = new RegExp(`[.?!](?=(${NON_WORD})|(\\s+)(\\S+))`, 'gu');
const BOUNDARY_REALIGNMENT = /["')\]}]+?(?:\s+|(?=--)|$)/muy;
const ELLIPSIS = /^\.\.+$/u;
const INITIAL = /^[\p{L}_]\.$/u;
const NUMERIC = /^-?[.,]?\p{Nd}[\p{Nd},.-]*\.?$/u;
const PUNKT_PUNCTUATION = new Set([';', ':', ',', '.', '!', '?']);
/** Python's string.whitespace. */
const ASCII_WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d, 0x0b, 0x0c]);

/** Punkt's orthographic heuristic with no training: false (not a sentence starter) or 'unknown'. */
function orthoSaysStarter(token: string): false | 'unknown' {
  if (PUNKT_PUNCTUATION.has(token)) return false;
  const first = token[0];
  if (first !== first.toUpperCase() && first === first.toLowerCase()) return false;
  return 'unknown';
}

function isSentenceBreak(token: string, next: string | undefined): boolean {
  if (token === '.' || token === '?' || token === '!') return true;
  if (ELLIPSIS.test(token) || !token.endsWith('.') || token.endsWith('..')) return false;
  // A word ending in a period: a break unless an initial or a number precedes a non-starter.
  if (next !== undefined && (INITIAL.test(token) || NUMERIC.test(token))) return orthoSaysStarter(next) !== false;
  return true;
}

/** Punkt's text_contains_sentbreak: a break token that is followed by another token. */
function containsSentenceBreak(context: string): boolean {
  const tokens: string[] = [];
  for (const line of context.split('\n')) for (const m of line.matchAll(PUNKT_WORD)) tokens.push(m[0]);
  for (let i = 0; i + 1 < tokens.length; i++) if (isSentenceBreak(tokens[i], tokens[i + 1])) return true;
  return false;
}

/** Punkt's sentence spans for an untrained `PunktSentenceTokenizer().tokenize(text)`. */
export function punktSentences(text: string): string[] {
  const slices: Array<[number, number]> = [];
  let lastBreak = 0;
  let previous: { match: RegExpExecArray; start: number; stop: number } | null = null;
  const flush = (p: { match: RegExpExecArray; start: number; stop: number }): void => {
    const m = p.match;
    const after = m[1] ?? m[2] + m[3];
    if (containsSentenceBreak(text.slice(p.start, p.stop) + m[0] + after)) {
      slices.push([lastBreak, m.index + 1]);
      lastBreak = m[1] === undefined ? m.index + 1 + m[2].length : m.index + 1;
    }
  };
  for (const match of text.matchAll(PERIOD_CONTEXT)) {
    const index = match.index;
    const from: number = previous ? previous.stop : 0;
    // Punkt's _get_last_whitespace_index: 0 both when none is found and when it is the first character.
    let lastSpace = index - 1;
    while (lastSpace >= from && !ASCII_WHITESPACE.has(text.charCodeAt(lastSpace))) lastSpace--;
    const start: number = lastSpace > from ? lastSpace + 1 : previous ? previous.start : 0;
    if (previous && previous.stop <= start) flush(previous);
    previous = { match: match as RegExpExecArray, start, stop: index };
  }
  if (previous) flush(previous);
  slices.push([lastBreak, text.trimEnd().length]);

  // _realign_boundaries: closing quotes and brackets after a break belong to the sentence before.
  const sentences: string[] = [];
  let realign = 0;
  for (let i = 0; i < slices.length; i++) {
    const start = slices[i][0] + realign;
    const stop = slices[i][1];
    const next = slices[i + 1];
    if (next === undefined) {
      if (stop > start) sentences.push(text.slice(start, stop));
      continue;
    }
    BOUNDARY_REALIGNMENT.lastIndex = 0;
    const m = BOUNDARY_REALIGNMENT.exec(text.slice(next[0], next[1]));
    if (m) {
      sentences.push(text.slice(start, next[0] + m[0].trimEnd().length));
      realign = m[0].length;
    } else {
      realign = 0;
      if (stop > start) sentences.push(text.slice(start, stop));
    }
  }
  return sentences;
}

/** NLTK's `word_tokenize(text)`: Punkt sentences, then NLTKWordTokenizer on each. */
export function nltkWordTokenize(text: string): string[] {
  return punktSentences(text).flatMap(nltkTokenizeSentence);
}
