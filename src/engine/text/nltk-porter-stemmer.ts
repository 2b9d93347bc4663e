/**
 * NLTK 3.8's `PorterStemmer()` in its default mode, `NLTK_EXTENSIONS` (nltk/stem/porter.py), ported rule for rule.
 *
 * The seed stemmed with it, and it differs from natural's stemmer (Martin Porter's algorithm) on many common words:
 * NLTK keeps `day`, `one`, `use`, `age`, and stems `try` to `tri`, `dying` and `dies` to `die`, `hopefulli` to `hope`.
 * A faithful reproduction of the seed needs NLTK's variant; the `word` analyzers keep natural's.
 * nltk-porter-fixtures.py checks this port against NLTK on every alphanumeric token of the SMS corpus.
 *
 * Like Python, it counts code points: a character outside the BMP is one consonant, not two UTF-16 units.
 */

/** NLTK_EXTENSIONS' irregular forms (`self.pool`): word → stem, returned without any rule. */
const IRREGULAR_FORMS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    sky: ['sky', 'skies'],
    die: ['dying'],
    lie: ['lying'],
    tie: ['tying'],
    news: ['news'],
    inning: ['innings', 'inning'],
    outing: ['outings', 'outing'],
    canning: ['cannings', 'canning'],
    howe: ['howe'],
    proceed: ['proceed'],
    exceed: ['exceed'],
    succeed: ['succeed'],
  }).flatMap(([stem, forms]) => forms.map((form): [string, string] => [form, stem])),
);

/** `_is_consonant`: not a, e, i, o, u, and not a `y` after a consonant (a `y` at the start is a consonant). */
function isConsonant(word: string, i: number): boolean {
  // NLTK recurses to the left through runs of y; iterating from the start of the run gives the same answer.
  let j = i;
  while (j > 0 && word[j] === 'y') j--;
  let consonant: boolean;
  switch (word[j]) {
    case 'a':
    case 'e':
    case 'i':
    case 'o':
    case 'u':
      consonant = false;
      break;
    default:
      consonant = true; // also a `y` at index 0
  }
  // Each y after position j flips the answer.
  return (i - j) % 2 === 0 ? consonant : !consonant;
}

/** `_measure`: m in [C](VC){m}[V], i.e. the number of vowel → consonant transitions. */
function measure(stem: string): number {
  let m = 0;
  let previousVowel = false;
  for (let i = 0; i < stem.length; i++) {
    const consonant = isConsonant(stem, i);
    if (consonant && previousVowel) m++;
    previousVowel = !consonant;
  }
  return m;
}

const hasPositiveMeasure = (stem: string): boolean => measure(stem) > 0;
const measureAboveOne = (stem: string): boolean => measure(stem) > 1;

function containsVowel(stem: string): boolean {
  for (let i = 0; i < stem.length; i++) if (!isConsonant(stem, i)) return true;
  return false;
}

/** `_ends_double_consonant` (*d). */
function endsDoubleConsonant(word: string): boolean {
  const n = word.length;
  return n >= 2 && word[n - 1] === word[n - 2] && isConsonant(word, n - 1);
}

/** `_ends_cvc` (*o), with NLTK's extension: a two-letter word vowel + consonant counts too. */
function endsCvc(word: string): boolean {
  const n = word.length;
  if (
    n >= 3 &&
    isConsonant(word, n - 3) &&
    !isConsonant(word, n - 2) &&
    isConsonant(word, n - 1) &&
    word[n - 1] !== 'w' &&
    word[n - 1] !== 'x' &&
    word[n - 1] !== 'y'
  ) {
    return true;
  }
  return n === 2 && !isConsonant(word, 0) && isConsonant(word, 1);
}

/** A suffix rule: suffix (or `*d`, a double consonant), replacement, condition on the stem (null: unconditional). */
type Rule = readonly [suffix: string, replacement: string, condition: ((stem: string) => boolean) | null];

/**
 * `_apply_rule_list`: the first rule whose suffix matches decides; if its condition fails, the word is kept and no
 * later rule is tried. `*d` matches a double consonant (removing both letters) and, failing that, falls through to a
 * literal `*d` suffix, as NLTK's code does.
 */
function applyRuleList(word: string, rules: readonly Rule[]): string {
  for (const [suffix, replacement, condition] of rules) {
    if (suffix === '*d' && endsDoubleConsonant(word)) {
      const stem = word.slice(0, -2);
      return condition === null || condition(stem) ? stem + replacement : word;
    }
    if (word.endsWith(suffix)) {
      const stem = word.slice(0, word.length - suffix.length);
      return condition === null || condition(stem) ? stem + replacement : word;
    }
  }
  return word;
}

const STEP1A_RULES: readonly Rule[] = [
  ['sses', 'ss', null],
  ['ies', 'i', null],
  ['ss', 'ss', null],
  ['s', '', null],
];

function step1a(word: string): string {
  // NLTK: 'dies' -> 'die' (but 'flies' -> 'fli').
  if (word.endsWith('ies') && word.length === 4) return word.slice(0, -3) + 'ie';
  return applyRuleList(word, STEP1A_RULES);
}

function step1b(word: string): string {
  // NLTK: 'died' -> 'die', 'spied' -> 'spi'.
  if (word.endsWith('ied')) return word.slice(0, -3) + (word.length === 4 ? 'ie' : 'i');
  if (word.endsWith('eed')) {
    const stem = word.slice(0, -3);
    return measure(stem) > 0 ? stem + 'ee' : word;
  }
  let intermediate: string | undefined;
  for (const suffix of ['ed', 'ing']) {
    if (word.endsWith(suffix)) {
      const candidate = word.slice(0, word.length - suffix.length);
      if (containsVowel(candidate)) {
        intermediate = candidate;
        break;
      }
    }
  }
  if (intermediate === undefined) return word;
  const last = intermediate.slice(-1);
  return applyRuleList(intermediate, [
    ['at', 'ate', null],
    ['bl', 'ble', null],
    ['iz', 'ize', null],
    ['*d', last, () => last !== 'l' && last !== 's' && last !== 'z'],
    ['', 'e', (stem) => measure(stem) === 1 && endsCvc(stem)],
  ]);
}

/** NLTK's step 1c: y → i only after a consonant that is not the whole stem ('happy' -> 'happi', 'try' -> 'tri'). */
const STEP1C_RULES: readonly Rule[] = [['y', 'i', (stem) => stem.length > 1 && isConsonant(stem, stem.length - 1)]];

const STEP2_RULES: readonly Rule[] = [
  ['ational', 'ate', hasPositiveMeasure],
  ['tional', 'tion', hasPositiveMeasure],
  ['enci', 'ence', hasPositiveMeasure],
  ['anci', 'ance', hasPositiveMeasure],
  ['izer', 'ize', hasPositiveMeasure],
  ['bli', 'ble', hasPositiveMeasure],
  ['alli', 'al', hasPositiveMeasure],
  ['entli', 'ent', hasPositiveMeasure],
  ['eli', 'e', hasPositiveMeasure],
  ['ousli', 'ous', hasPositiveMeasure],
  ['ization', 'ize', hasPositiveMeasure],
  ['ation', 'ate', hasPositiveMeasure],
  ['ator', 'ate', hasPositiveMeasure],
  ['alism', 'al', hasPositiveMeasure],
  ['iveness', 'ive', hasPositiveMeasure],
  ['fulness', 'ful', hasPositiveMeasure],
  ['ousness', 'ous', hasPositiveMeasure],
  ['aliti', 'al', hasPositiveMeasure],
  ['iviti', 'ive', hasPositiveMeasure],
  ['biliti', 'ble', hasPositiveMeasure],
  ['fulli', 'ful', hasPositiveMeasure],
  // NLTK keeps the 'l' of 'logi' with the stem for the condition, so 'geologi' -> 'geolog'.
  ['logi', 'log', (stem) => measure(stem + 'l') > 0],
];

function step2(word: string): string {
  // NLTK applies ALLI -> AL first and, when it fires, runs step 2 again on the result.
  if (word.endsWith('alli') && hasPositiveMeasure(word.slice(0, -4))) return step2(word.slice(0, -4) + 'al');
  return applyRuleList(word, STEP2_RULES);
}

const STEP3_RULES: readonly Rule[] = [
  ['icate', 'ic', hasPositiveMeasure],
  ['ative', '', hasPositiveMeasure],
  ['alize', 'al', hasPositiveMeasure],
  ['iciti', 'ic', hasPositiveMeasure],
  ['ical', 'ic', hasPositiveMeasure],
  ['ful', '', hasPositiveMeasure],
  ['ness', '', hasPositiveMeasure],
];

const STEP4_RULES: readonly Rule[] = [
  ['al', '', measureAboveOne],
  ['ance', '', measureAboveOne],
  ['ence', '', measureAboveOne],
  ['er', '', measureAboveOne],
  ['ic', '', measureAboveOne],
  ['able', '', measureAboveOne],
  ['ible', '', measureAboveOne],
  ['ant', '', measureAboveOne],
  ['ement', '', measureAboveOne],
  ['ment', '', measureAboveOne],
  ['ent', '', measureAboveOne],
  ['ion', '', (stem) => measure(stem) > 1 && (stem.endsWith('s') || stem.endsWith('t'))],
  ['ou', '', measureAboveOne],
  ['ism', '', measureAboveOne],
  ['ate', '', measureAboveOne],
  ['iti', '', measureAboveOne],
  ['ous', '', measureAboveOne],
  ['ive', '', measureAboveOne],
  ['ize', '', measureAboveOne],
];

/** Step 5a tries both E rules (m>1, then m=1 and not *o), so it cannot use applyRuleList. */
function step5a(word: string): string {
  if (word.endsWith('e')) {
    const stem = word.slice(0, -1);
    const m = measure(stem);
    if (m > 1 || (m === 1 && !endsCvc(stem))) return stem;
  }
  return word;
}

/** Step 5b: (m>1 and *d and *L) -> single letter; NLTK measures the word minus one 'l'. */
const STEP5B_RULES: readonly Rule[] = [['ll', 'l', (stem) => measure(stem + 'l') > 1]];

/** The steps of `stem` after the irregular forms and the short-word check, on a lowercased word. */
function stemSteps(word: string): string {
  let stem = step1a(word);
  stem = step1b(stem);
  stem = applyRuleList(stem, STEP1C_RULES);
  stem = step2(stem);
  stem = applyRuleList(stem, STEP3_RULES);
  stem = applyRuleList(stem, STEP4_RULES);
  stem = step5a(stem);
  return applyRuleList(stem, STEP5B_RULES);
}

const SURROGATE = /[\uD800-\uDFFF]/;
const SURROGATE_PAIR = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;

/**
 * The rules look at single characters, so a word with characters outside the BMP is stemmed with each of them
 * replaced by a private-use BMP character the word does not contain (one per distinct character), then mapped back.
 */
function stemAstral(lower: string): string {
  const toPrivate = new Map<string, string>();
  const fromPrivate = new Map<string, string>();
  let next = 0xe000;
  const mapped = lower.replace(SURROGATE_PAIR, (pair) => {
    let stand = toPrivate.get(pair);
    if (stand === undefined) {
      while (lower.includes(String.fromCharCode(next))) next++;
      stand = String.fromCharCode(next++);
      toPrivate.set(pair, stand);
      fromPrivate.set(stand, pair);
    }
    return stand;
  });
  return [...stemSteps(mapped)].map((c) => fromPrivate.get(c) ?? c).join('');
}

/**
 * NLTK's `PorterStemmer().stem(word)`: an irregular form (looked up as given) → its stem; else lowercase; a word of
 * ≤ 2 characters (counted as given) is returned lowercased; otherwise steps 1a to 5b with NLTK's extensions.
 * Pure; `nltkPorterStem` is the cached form.
 */
export function nltkPorterStemUncached(word: string): string {
  const irregular = IRREGULAR_FORMS.get(word);
  if (irregular !== undefined) return irregular;
  const lower = word.toLowerCase();
  if (!SURROGATE.test(word) && !SURROGATE.test(lower)) return word.length <= 2 ? lower : stemSteps(lower);
  if ([...word].length <= 2) return lower;
  return stemAstral(lower);
}

/** Stems of recent words: tokens repeat, and stemming is most of the seed analyzer's time. */
const CACHE_SIZE = 50_000;
const CACHEABLE_LENGTH = 64;
const cache = new Map<string, string>();

/** `nltkPorterStemUncached` with a bounded cache (cleared when full) of words up to 64 UTF-16 units. */
export function nltkPorterStem(word: string): string {
  let stemmed = cache.get(word);
  if (stemmed === undefined) {
    stemmed = nltkPorterStemUncached(word);
    if (word.length <= CACHEABLE_LENGTH) {
      if (cache.size >= CACHE_SIZE) cache.clear();
      cache.set(word, stemmed);
    }
  }
  return stemmed;
}
