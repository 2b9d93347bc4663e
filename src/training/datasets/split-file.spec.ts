import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabelledText } from './labelled-text';
import { applySplit, loadSplit } from './split-file';

describe(loadSplit.name, () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'split-file-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const write = (content: string): string => {
    const path = join(dir, `split-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(path, content);
    return path;
  };

  it('should read row and file splits', async () => {
    const rows = await loadSplit(write('{"train_rows":[0,2],"test_rows":[1]}'));
    expect(rows).toMatchObject({ kind: 'rows', train: [0, 2], test: [1] });
    const files = await loadSplit(write('{"train_files":["a/1.txt"],"test_files":["b/2.txt"]}'));
    expect(files).toMatchObject({ kind: 'files', train: ['a/1.txt'], test: ['b/2.txt'] });
  });

  it.each([
    ['{"train_rows":[0],\n"test_rows":[1,]}', /not valid JSON/],
    ['{"train_rows":[0],\n"test_rows":[1]} x', /:2: not valid JSON/],
    ['[1]', /expected a JSON object/],
    ['{"a":1}', /expected "train_rows"/],
    ['{"train_rows":[0, -1],"test_rows":[1]}', /"train_rows"\[1\] must be a row number ≥ 0, got -1/],
    ['{"train_rows":[0],"test_rows":[]}', /"test_rows" must be a non-empty array/],
    ['{"train_rows":[0,1],"test_rows":[1]}', /1 is in both train and test/],
    ['{"train_rows":[0,0],"test_rows":[1]}', /"train" lists an entry twice/],
    ['{"train_files":["../etc/passwd"],"test_files":["a"]}', /must be a relative file path/],
  ])('should reject %s with the file name', async (content, message) => {
    const path = write(content);
    const error = await loadSplit(path).catch((e: Error) => e);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(path);
  });
});

describe(applySplit.name, () => {
  const rows: LabelledText[] = ['a', 'b', 'c'].map((text, i) => ({
    text,
    label: (i % 2) as 0 | 1,
    source: 's',
    id: String(i),
  }));

  it('should pick rows by id', () => {
    const { train, test } = applySplit(rows, { kind: 'rows', train: [2, 0], test: [1], file: 'f' });
    expect(train.map((r) => r.text)).toEqual(['c', 'a']);
    expect(test.map((r) => r.text)).toEqual(['b']);
  });

  it('should refuse an id the data does not have', () => {
    expect(() => applySplit(rows, { kind: 'rows', train: [0], test: [7], file: 'f.json' })).toThrow(
      'f.json: 7 is not in the data set (3 rows)',
    );
  });
});
