import fc from 'fast-check';
import fixtures from './nltk-porter-fixtures.json';
import { nltkPorterStem, nltkPorterStemUncached } from './nltk-porter-stemmer';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const naturalPorter = require('natural/lib/natural/stemmers/porter_stemmer') as { stem(token: string): string };

const NLTK_STEMS = fixtures as Record<string, string>;

describe('nltkPorterStem', () => {
  it("should equal NLTK's PorterStemmer on every alphanumeric SMS token (fixtures from nltk-porter-fixtures.py)", () => {
    const words = Object.keys(NLTK_STEMS);
    expect(words.length).toBeGreaterThan(8000);
    const mismatches = words
      .filter((word) => nltkPorterStem(word) !== NLTK_STEMS[word])
      .map((word) => `${word}: ${nltkPorterStem(word)} (NLTK ${NLTK_STEMS[word]})`);
    expect(mismatches).toEqual([]);
  });

  it("should keep NLTK's extensions where natural's stemmer differs", () => {
    const cases: Record<string, [nltk: string, natural: string]> = {
      day: ['day', 'dai'],
      one: ['one', 'on'],
      use: ['use', 'us'],
      age: ['age', 'ag'],
      try: ['tri', 'try'],
      dying: ['die', 'dy'],
      dies: ['die', 'di'],
      enjoy: ['enjoy', 'enjoi'],
      hopefulli: ['hope', 'hopefulli'],
      geologi: ['geolog', 'geologi'],
    };
    for (const [word, [nltk, natural]] of Object.entries(cases)) {
      expect(nltkPorterStem(word)).toBe(nltk);
      expect(naturalPorter.stem(word)).toBe(natural);
    }
  });

  it('should lowercase, and return words of one or two characters unstemmed', () => {
    expect(nltkPorterStem('Running')).toBe('run');
    expect(nltkPorterStem('IS')).toBe('is');
    expect(nltkPorterStem('')).toBe('');
  });

  it('should count a character outside the BMP as one character, as Python does', () => {
    expect(nltkPorterStemUncached('\u{1d400}s')).toBe('\u{1d400}s');
    expect(nltkPorterStemUncached('ca\u{1d400}\u{1d400}ing')).toBe('ca\u{1d400}');
    expect(nltkPorterStemUncached('\u{1f600}y\u{1f600}\ue000ed')).toBe('\u{1f600}y\u{1f600}\ue000');
  });

  it('should give the cached and uncached stems alike for any string, without throwing', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (word) => {
        expect(nltkPorterStem(word)).toBe(nltkPorterStemUncached(word));
        expect(nltkPorterStem(word)).toBe(nltkPorterStem(word));
      }),
      { numRuns: 500, seed: 11 },
    );
    const long = 'abcdefghijklmnop'.repeat(10) + 'ational';
    expect(nltkPorterStem(long)).toBe(nltkPorterStemUncached(long));
  });
});
