import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveDataDir } from './data-dir';
import { countSpam } from './labelled-text';
import { loadSmsCsv, parseSmsCsv } from './sms-csv';
import { applySplit, loadSplit } from './split-file';

describe(loadSmsCsv.name, () => {
  const dataDir = resolveDataDir();

  it('should read the shared spam.csv: 5,572 rows, 747 spam, the 50 split rows joined back', async () => {
    const rows = await loadSmsCsv(join(dataDir, 'sms-spam', 'spam.csv'));
    expect(rows).toHaveLength(5572);
    expect(countSpam(rows)).toBe(747);
    expect(rows[0]).toEqual({
      text: expect.stringMatching(/^Go until jurong point/),
      label: 0,
      source: 'sms',
      id: '0',
    });
    expect(rows[95].text).toBe(
      'Your free ringtone is waiting to be collected. Simply text the password \\MIX\\" to 85069 to verify. ' +
        'Get Usher and Britney. FML, PO Box 5249, MK17 92H. 450Ppw 16"',
    );
    expect(rows[95].label).toBe(1);
    // windows-1252 decoding: the pound sign is byte 0xA3
    expect(rows.some((row) => row.text.includes('£'))).toBe(true);
  });

  it('should keep only v2, as the seed did, when asked not to join split rows', async () => {
    const rows = await loadSmsCsv(join(dataDir, 'sms-spam', 'spam.csv'), 'sms', { joinSplitRows: false });
    expect(rows).toHaveLength(5572);
    expect(rows[95].text).toBe(
      'Your free ringtone is waiting to be collected. Simply text the password \\MIX\\" to 85069 to verify. Get Usher and Britney. FML',
    );
  });

  it('should line up with the shared split file: 4,457 train / 1,115 test rows, 149 test spam', async () => {
    const rows = await loadSmsCsv(join(dataDir, 'sms-spam', 'spam.csv'));
    const { train, test } = applySplit(rows, await loadSplit(join(dataDir, 'sms-spam', 'split-seed42.json')));
    expect([train.length, test.length, countSpam(train), countSpam(test)]).toEqual([4457, 1115, 598, 149]);
  });

  it('should decode windows-1252 bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sms-csv-'));
    try {
      const file = join(dir, 'spam.csv');
      writeFileSync(
        file,
        Buffer.concat([Buffer.from('v1,v2,,,\r\nspam,Win 100 '), Buffer.from([0xa3, 0x80]), Buffer.from(',,,\r\n')]),
      );
      const rows = await loadSmsCsv(file);
      expect(rows).toEqual([{ text: 'Win 100 £€', label: 1, source: 'sms', id: '0' }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('should reject a bad label with the file and line', () => {
    expect(() => parseSmsCsv('v1,v2,,,\r\nham,fine,,,\r\nmaybe,what,,,\r\n', 'spam.csv')).toThrow(
      'spam.csv:3: label must be "ham" or "spam", got "maybe"',
    );
  });

  it('should reject a wrong header, a missing text column and an empty file', () => {
    expect(() => parseSmsCsv('label,text\r\nham,x\r\n', 'a.csv')).toThrow('a.csv:1: expected the header "v1,v2"');
    expect(() => parseSmsCsv('v1,v2\r\nham\r\n', 'b.csv')).toThrow('b.csv:2: the text column (v2) is missing');
    expect(() => parseSmsCsv('v1,v2,,,\r\n', 'c.csv')).toThrow('c.csv: no data rows');
  });

  it('should name a missing file', async () => {
    await expect(loadSmsCsv('/nonexistent/spam.csv')).rejects.toThrow('/nonexistent/spam.csv: file not found');
  });
});
