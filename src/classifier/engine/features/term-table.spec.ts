import { CodePointBuffer } from '../text/code-points';
import { TermTable } from './term-table';

describe(TermTable.name, () => {
  it('should keep every term findable as it grows, short or long, BMP or astral', () => {
    const table = new TermTable(4);
    const scratch = new CodePointBuffer();
    const terms = Array.from({ length: 5000 }, (_, i) =>
      i % 3 === 0 ? `t${i}` : i % 3 === 1 ? `a much longer term number ${i}` : `😀${i}\uffff`,
    );
    terms.forEach((term, i) => expect(table.internString(term, scratch)).toBe(i));
    expect(table.size).toBe(terms.length);
    terms.forEach((term, i) => {
      expect(table.findString(term, scratch)).toBe(i);
      expect(table.term(i)).toBe(term);
      expect(table.internString(term, scratch)).toBe(i);
    });
    expect(table.findString('absent', scratch)).toBe(-1);
    expect(table.findString('a much longer term number 5001', scratch)).toBe(-1);
  });

  it('should say whether every term has its one-shorter prefix', () => {
    const scratch = new CodePointBuffer();
    const closed = new TermTable();
    for (const t of [' a', ' ab', ' abc', 'ab', 'abc']) closed.internString(t, scratch);
    expect(closed.isPrefixClosed(2, false)).toBe(true);
    closed.internString('xyz', scratch);
    expect(closed.isPrefixClosed(2, false)).toBe(false);
    const words = new TermTable();
    for (const t of ['free', 'free prize', 'free prize now']) words.internString(t, scratch);
    expect(words.isPrefixClosed(1, true)).toBe(true);
    words.internString('call me', scratch);
    expect(words.isPrefixClosed(1, true)).toBe(false);
    expect(words.isPrefixClosed(2, true)).toBe(true);
  });
});
