import fc from 'fast-check';
import fixtures from './nltk-fixtures.json';
import { nltkTokenizeSentence, nltkWordTokenize, punktSentences } from './nltk-word-tokenizer';

describe('nltkWordTokenize', () => {
  it("should split sentences as NLTK's untrained Punkt does (fixtures from nltk-fixtures.py)", () => {
    for (const { text, sentences } of fixtures) expect(punktSentences(text.toLowerCase())).toEqual(sentences);
  });

  it("should produce NLTK's word_tokenize tokens", () => {
    for (const { text, tokens } of fixtures) expect(nltkWordTokenize(text.toLowerCase())).toEqual(tokens);
  });

  it('should separate a period only at the end of a sentence', () => {
    expect(nltkTokenizeSentence('call 0800. now')).toEqual(['call', '0800.', 'now']);
    expect(nltkTokenizeSentence('that is it.')).toEqual(['that', 'is', 'it', '.']);
    expect(nltkWordTokenize('win now. call 0800. claim today.')).toEqual([
      'win',
      'now',
      '.',
      'call',
      '0800.',
      'claim',
      'today',
      '.',
    ]);
  });

  it('should take any string without throwing', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        expect(Array.isArray(nltkWordTokenize(text))).toBe(true);
      }),
      { numRuns: 300, seed: 5 },
    );
    const long = 'a. b! c? "d" (e) '.repeat(20_000);
    expect(nltkWordTokenize(long).length).toBeGreaterThan(100_000);
  });
});
