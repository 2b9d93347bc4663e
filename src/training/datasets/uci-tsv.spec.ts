import { parseUciTsv } from './uci-tsv';

describe(parseUciTsv.name, () => {
  it('should read label<TAB>text lines, keeping tabs inside the text and ignoring a final newline', () => {
    expect(parseUciTsv('ham\tSee you\tlater\r\nspam\tWIN now\n', 'SMSSpamCollection')).toEqual([
      { text: 'See you\tlater', label: 0, source: 'sms', id: '0' },
      { text: 'WIN now', label: 1, source: 'sms', id: '1' },
    ]);
  });

  it('should reject a line without a tab or with an unknown label, naming the line', () => {
    expect(() => parseUciTsv('ham\tok\nno tab here\n', 'f')).toThrow('f:2: expected "label<TAB>text"');
    expect(() => parseUciTsv('ham\tok\nham\tok\nSPAM\tx\n', 'f')).toThrow(
      'f:3: label must be "ham" or "spam", got "SPAM"',
    );
    expect(() => parseUciTsv('', 'f')).toThrow('f: no data rows');
  });
});
