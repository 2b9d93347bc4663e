import { highlightPreview } from './highlight';

describe(highlightPreview.name, () => {
  it('should mark words by stem, bigram parts and character n-grams, keeping all text', () => {
    const segments = highlightPreview('Claiming your FREE prize, see you at lunch!', {
      towardsSpam: [
        { feature: 's:claim', weight: 1.2 },
        { feature: 'w:free entri', weight: 0.8 },
        { feature: 'c:riz', weight: 0.3 },
        { feature: 'c1: fr', weight: 0.2 },
      ],
      towardsHam: [{ feature: 'lunch', weight: -0.9 }],
    });
    expect(segments.map((s) => s.text).join('')).toBe('Claiming your FREE prize, see you at lunch!');
    const marked = Object.fromEntries(segments.filter((s) => s.towards).map((s) => [s.text, s.towards]));
    expect(marked).toEqual({ Claiming: 'spam', FREE: 'spam', prize: 'spam', lunch: 'ham' });
  });

  it('should return the text alone without an explanation', () => {
    expect(highlightPreview('<b>hi</b>', undefined)).toEqual([{ text: '<b>hi</b>' }]);
  });
});
