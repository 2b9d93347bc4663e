import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLabelledFile, parseJsonLines, parseLabelledCsv } from './labelled-file';
import { parseLabel } from './labels';

describe(loadLabelledFile.name, () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'labelled-file-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, content: string | Buffer): string => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  it('should read a CSV with text,label columns in any order, labels spam/ham/not_spam/1/0 and optional weights', async () => {
    const path = write('rows.csv', 'label,text,weight\nspam,"Win, now",2\nnot_spam,hello,\n0,bye,1\n1,"a ""b""",0.5\n');
    expect(await loadLabelledFile(path)).toEqual([
      { text: 'Win, now', label: 1, source: 'rows.csv', id: '0', weight: 2 },
      { text: 'hello', label: 0, source: 'rows.csv', id: '1' },
      { text: 'bye', label: 0, source: 'rows.csv', id: '2', weight: 1 },
      { text: 'a "b"', label: 1, source: 'rows.csv', id: '3', weight: 0.5 },
    ]);
  });

  it('should read JSONL with string or numeric labels and skip blank lines', async () => {
    const path = write('rows.jsonl', '{"text":"hi","label":"ham"}\n\n{"text":"WIN","label":1,"weight":3}\n');
    expect(await loadLabelledFile(path, 'feedback')).toEqual([
      { text: 'hi', label: 0, source: 'feedback', id: '0' },
      { text: 'WIN', label: 1, source: 'feedback', id: '1', weight: 3 },
    ]);
  });

  it('should recognise the SMS spam.csv layout and the UCI layout', async () => {
    const csv = write('spam.csv', Buffer.from('v1,v2,,,\r\nham,caf\xe9,,,\r\n', 'latin1'));
    expect((await loadLabelledFile(csv))[0].text).toBe('café');
    const tsv = write('SMSSpamCollection', 'spam\tFree entry\n');
    expect(await loadLabelledFile(tsv)).toEqual([
      { text: 'Free entry', label: 1, source: 'SMSSpamCollection', id: '0' },
    ]);
  });

  it('should refuse an unknown extension and a missing file', async () => {
    await expect(loadLabelledFile(write('rows.xml', '<x/>'))).rejects.toThrow('rows.xml: unknown file type');
    await expect(loadLabelledFile(join(dir, 'missing.csv'))).rejects.toThrow('missing.csv: file not found');
    await expect(loadLabelledFile(dir + '/')).rejects.toThrow();
  });

  it('should refuse a non-UTF-8 generic CSV with the line', async () => {
    const path = write(
      'bad.csv',
      Buffer.concat([Buffer.from('text,label\nok,ham\n'), Buffer.from([0xe9]), Buffer.from(',spam\n')]),
    );
    await expect(loadLabelledFile(path)).rejects.toThrow('bad.csv:3: the file is not valid UTF-8');
  });
});

describe(parseLabelledCsv.name, () => {
  it.each([
    ['text\nx\n', 'f.csv:1: the header must name a "text" and a "label" column'],
    ['', 'f.csv:1: empty file'],
    ['text,label\nx,spam\ny\n', 'f.csv:3: expected 2 columns, got 1'],
    ['text,label\nx,junk\n', 'f.csv:2: label must be spam, ham, not_spam, 1 or 0, got "junk"'],
    ['text,label,weight\nx,spam,-1\n', 'f.csv:2: weight must be a number in (0, 1000], got "-1"'],
    ['text,label\n', 'f.csv: no data rows'],
  ])('should reject %j', (content, message) => {
    expect(() => parseLabelledCsv(content, 'f.csv', 'f')).toThrow(message);
  });
});

describe(parseJsonLines.name, () => {
  it.each([
    ['{"text":"a","label":"ham"}\n{oops\n', 'f.jsonl:2: not valid JSON'],
    ['[1,2]\n', 'f.jsonl:1: expected a JSON object'],
    ['{"text":5,"label":"ham"}\n', 'f.jsonl:1: "text" must be a string'],
    ['{"text":"a","label":"eggs"}\n', 'f.jsonl:1: "label" must be spam, ham, not_spam, 1 or 0, got "eggs"'],
    ['{"text":"a","label":0,"weight":"x"}\n', 'f.jsonl:1: weight must be a number'],
    ['\n\n', 'f.jsonl: no data rows'],
  ])('should reject %j', (content, message) => {
    expect(() => parseJsonLines(content, 'f.jsonl', 'f')).toThrow(message);
  });
});

describe(parseLabel.name, () => {
  it('should map accepted spellings and refuse the rest', () => {
    expect([' SPAM ', 'Ham', 'not_spam', '1', '0', 1, 0, true, false].map(parseLabel)).toEqual([
      1, 0, 0, 1, 0, 1, 0, 1, 0,
    ]);
    expect([2, 'yes', null, undefined, {}].map(parseLabel)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
