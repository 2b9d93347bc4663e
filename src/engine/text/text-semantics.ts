/**
 * The text semantics the analyzers follow, named once (as scikit-learn's feature_extraction/text.py does).
 *
 * Text is handled as Unicode code points, as Python handles `str`: an emoji is one character in a character n-gram,
 * and a lone surrogate is kept as a character of its own (nothing throws on malformed UTF-16).
 *
 * Porter stemming comes in two variants on purpose. The `seed` analyzer reproduces the seed faithfully, so it stems
 * with a port of NLTK 3.8's `PorterStemmer()` (mode NLTK_EXTENSIONS, nltk-porter-stemmer.ts), which is what the seed
 * ran: natural's stemmer gives another stem for about a third of the SMS training messages (`day` → `dai` instead of
 * `day`, `one` → `on`, `use` → `us`, `try` → `try` instead of `tri`), and with it the seed configuration scores
 * F1 0.9011 instead of the seed's 0.9051. `word` analyzers with `stem: true` use natural's Porter stemmer.
 */

/** scikit-learn's default `token_pattern`: runs of two or more word characters. */
export const WORD_TOKEN_PATTERN = String.raw`(?u)\b\w\w+\b`;

/** Python's Unicode `\w`: letters, numbers and the underscore (combining marks are not word characters). */
export const WORD_CHARACTER = /^[\p{L}\p{N}_]$/u;

/** The word token pattern as a JavaScript regex over a string: the maximal runs of ≥ 2 word characters. */
export const WORD_TOKEN_REGEX = /[\p{L}\p{N}_]{2,}/gu;

/** Python's `str.isalnum()` over a whole token, as the seed uses to drop punctuation tokens. */
export const ALPHANUMERIC_TOKEN = /^[\p{L}\p{N}]+$/u;

/** Word n-grams are joined by one space ("free entry"), as scikit-learn's `_word_ngrams` does. */
export const NGRAM_JOINER = ' ';

/** char_wb pads each word with one space on both sides (`" " + w + " "`), as scikit-learn's `_char_wb_ngrams` does. */
export const CHAR_WB_PADDING = ' ';

/**
 * The code points Python's `str.split()` splits on (`str.isspace()`), which char_wb uses to find words.
 * JavaScript's `\s` differs: it has U+FEFF and lacks U+001C–U+001F and U+0085.
 */
export const PYTHON_WHITESPACE: readonly number[] = [
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003,
  0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
];

const PYTHON_WHITESPACE_TABLE = new Uint8Array(0x3001);
for (const c of PYTHON_WHITESPACE) PYTHON_WHITESPACE_TABLE[c] = 1;

export function isPythonWhitespace(codePoint: number): boolean {
  return codePoint < 0x3001 && PYTHON_WHITESPACE_TABLE[codePoint] === 1;
}

/** 0 = not yet known, 1 = word character, 2 = not; BMP only, astral code points are tested each time. */
const wordCharacterCache = new Uint8Array(0x10000);

/** Python's `\w` for one code point. */
export function isWordCharacter(codePoint: number): boolean {
  if (codePoint < 0x80) {
    return (
      (codePoint >= 0x61 && codePoint <= 0x7a) ||
      (codePoint >= 0x41 && codePoint <= 0x5a) ||
      (codePoint >= 0x30 && codePoint <= 0x39) ||
      codePoint === 0x5f
    );
  }
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) return false;
  if (codePoint < 0x10000) {
    let known = wordCharacterCache[codePoint];
    if (known === 0) {
      known = WORD_CHARACTER.test(String.fromCharCode(codePoint)) ? 1 : 2;
      wordCharacterCache[codePoint] = known;
    }
    return known === 1;
  }
  return WORD_CHARACTER.test(String.fromCodePoint(codePoint));
}
