import type { Explanation } from '../engine';
import { highlightPreview } from './highlight';

const TEXT = 'WINNER!! Claim your prize, see you at lunch. claim now';

const EXPLANATION: Explanation = {
  unit: 'log_odds',
  baseline: -2,
  total: 1.5,
  towardsSpam: [
    {
      word: 'claim',
      weight: 1.2,
      spans: [
        { start: 9, end: 14 },
        { start: 45, end: 50 },
      ],
    },
    { word: 'winner', weight: 0.8, spans: [{ start: 0, end: 8 }] },
    { word: 'claim your prize', weight: 0.1, spans: [{ start: 9, end: 26 }] },
  ],
  towardsHam: [{ word: 'lunch', weight: -0.9, spans: [{ start: 38, end: 44 }] }],
};

describe(highlightPreview.name, () => {
  it('should mark every occurrence of a listed word with the sign and weight of the list, keeping all text', () => {
    const segments = highlightPreview(TEXT, EXPLANATION);
    expect(segments.map((s) => s.text).join('')).toBe(TEXT);
    expect(segments.filter((s) => s.towards)).toEqual([
      { text: 'WINNER!!', towards: 'spam', weight: 0.8, strength: 3 },
      { text: 'Claim', towards: 'spam', weight: 1.2, strength: 3 },
      { text: 'lunch.', towards: 'ham', weight: -0.9, strength: 3 },
      { text: 'claim', towards: 'spam', weight: 1.2, strength: 3 },
    ]);
  });

  it('should let the stronger of overlapping items keep the mark, and grade weaker words', () => {
    const weak: Explanation = {
      ...EXPLANATION,
      towardsSpam: [
        { word: 'claim your prize', weight: 2, spans: [{ start: 9, end: 26 }] },
        { word: 'claim', weight: 0.5, spans: [{ start: 9, end: 14 }] },
        { word: 'winner', weight: 0.2, spans: [{ start: 0, end: 8 }] },
      ],
      towardsHam: [],
    };
    const marked = highlightPreview(TEXT, weak).filter((s) => s.towards);
    expect(marked.map((s) => [s.text, s.strength])).toEqual([
      ['WINNER!!', 1],
      ['Claim your prize,', 3],
    ]);
  });

  it('should show only the first characters asked for, cutting a mark at the end', () => {
    const segments = highlightPreview(TEXT, EXPLANATION, 11);
    expect(segments).toEqual([
      { text: 'WINNER!!', towards: 'spam', weight: 0.8, strength: 3 },
      { text: ' ' },
      { text: 'Cl', towards: 'spam', weight: 1.2, strength: 3 },
    ]);
  });

  it('should return the text alone without an explanation', () => {
    expect(highlightPreview('<b>hi</b>', undefined)).toEqual([{ text: '<b>hi</b>' }]);
  });
});
