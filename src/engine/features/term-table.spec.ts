import { CodePointBuffer } from '../text/code-points';
import { isPrefixClosed, TermTable } from './term-table';

describe(TermTable.name, () => {
  it('should keep every term findable as it grows, short or long, BMP or astral', () => {
    const table = new TermTable(4);
    const scratch = new CodePointBuffer();
    const terms = Array.from({ length: 5000 }, (_, i) =>
      i % 3 === 0 ? `t${i}` : i % 3 === 1 ? `a much longer term number ${i}` : `😀${i}\uffff`,
    );
    terms.forEach((term, i) => expect(table.internString(term)).toBe(i));
    expect(table.size).toBe(terms.length);
    terms.forEach((term, i) => {
      expect(table.findString(term, scratch)).toBe(i);
      expect(table.term(i)).toBe(term);
      expect(table.internString(term)).toBe(i);
    });
    expect(table.findString('absent', scratch)).toBe(-1);
    expect(table.findString('a much longer term number 5001', scratch)).toBe(-1);
  });

  it('should say whether every term has its one-shorter prefix', () => {
    expect(isPrefixClosed([' a', ' ab', ' abc', 'ab', 'abc'], 2, false)).toBe(true);
    expect(isPrefixClosed([' a', ' ab', ' abc', 'ab', 'abc', 'xyz'], 2, false)).toBe(false);
    expect(isPrefixClosed(['a😀', 'a😀b', 'b'], 1, false)).toBe(false);
    expect(isPrefixClosed(['a', 'a😀', 'a😀b'], 1, false)).toBe(true);
    expect(isPrefixClosed(['ab', 'abc', 'b'], 3, false)).toBe(true);
    expect(isPrefixClosed(['free', 'free prize', 'free prize now'], 1, true)).toBe(true);
    expect(isPrefixClosed(['call me', 'free', 'free prize'], 1, true)).toBe(false);
    expect(isPrefixClosed(['call me', 'free', 'free prize'], 2, true)).toBe(true);
    // Out of order it may miss a closed vocabulary, but never calls an open one closed.
    expect(isPrefixClosed(['abc', 'ab'], 2, false)).toBe(false);
  });
});
