import { decodeUtf8 } from './csv-records';
import { DatasetError } from './dataset-error';
import type { LabelledText } from './labelled-text';
import { readFileOrFail } from './sms-csv';

/** A fixed train/test split: data row numbers (`*_rows`, SMS) or file paths (`*_files`, SpamAssassin). */
export type DataSplit =
  | {
      readonly kind: 'rows';
      readonly train: readonly number[];
      readonly test: readonly number[];
      readonly file: string;
    }
  | {
      readonly kind: 'files';
      readonly train: readonly string[];
      readonly test: readonly string[];
      readonly file: string;
    };

export async function loadSplit(path: string): Promise<DataSplit> {
  const text = decodeUtf8(await readFileOrFail(path), path);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const position = /at position (\d+)/.exec((error as Error).message);
    const line = position ? text.slice(0, Number(position[1])).split('\n').length : undefined;
    throw new DatasetError(path, line, `not valid JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DatasetError(path, undefined, 'expected a JSON object');
  }
  const record = value as Record<string, unknown>;
  if ('train_rows' in record || 'test_rows' in record) {
    const train = indexList(record.train_rows, 'train_rows', path);
    const test = indexList(record.test_rows, 'test_rows', path);
    assertDisjoint(train, test, path);
    return { kind: 'rows', train, test, file: path };
  }
  if ('train_files' in record || 'test_files' in record) {
    const train = pathList(record.train_files, 'train_files', path);
    const test = pathList(record.test_files, 'test_files', path);
    assertDisjoint(train, test, path);
    return { kind: 'files', train, test, file: path };
  }
  throw new DatasetError(path, undefined, 'expected "train_rows"/"test_rows" or "train_files"/"test_files"');
}

function indexList(value: unknown, field: string, file: string): number[] {
  if (!Array.isArray(value) || value.length === 0)
    throw new DatasetError(file, undefined, `"${field}" must be a non-empty array`);
  value.forEach((item, position) => {
    if (!Number.isSafeInteger(item) || (item as number) < 0) {
      throw new DatasetError(
        file,
        undefined,
        `"${field}"[${position}] must be a row number ≥ 0, got ${JSON.stringify(item)}`,
      );
    }
  });
  return value as number[];
}

function pathList(value: unknown, field: string, file: string): string[] {
  if (!Array.isArray(value) || value.length === 0)
    throw new DatasetError(file, undefined, `"${field}" must be a non-empty array`);
  value.forEach((item, position) => {
    if (typeof item !== 'string' || item === '' || item.includes('..') || item.startsWith('/')) {
      throw new DatasetError(
        file,
        undefined,
        `"${field}"[${position}] must be a relative file path, got ${JSON.stringify(item)}`,
      );
    }
  });
  return value as string[];
}

function assertDisjoint<T>(train: readonly T[], test: readonly T[], file: string): void {
  const seen = new Set(train);
  if (seen.size !== train.length) throw new DatasetError(file, undefined, '"train" lists an entry twice');
  const testSet = new Set(test);
  if (testSet.size !== test.length) throw new DatasetError(file, undefined, '"test" lists an entry twice');
  for (const item of test) {
    if (seen.has(item)) throw new DatasetError(file, undefined, `${JSON.stringify(item)} is in both train and test`);
  }
}

/** The rows a split names, looked up by each row's `id` (row number or file path). */
export function applySplit(
  rows: readonly LabelledText[],
  split: DataSplit,
): { train: LabelledText[]; test: LabelledText[] } {
  const byId = new Map<string, LabelledText>();
  for (const row of rows) if (row.id !== undefined) byId.set(row.id, row);
  const pick = (ids: readonly (number | string)[]): LabelledText[] =>
    ids.map((id) => {
      const row = byId.get(String(id));
      if (!row)
        throw new DatasetError(
          split.file,
          undefined,
          `${JSON.stringify(id)} is not in the data set (${rows.length} rows)`,
        );
      return row;
    });
  return { train: pick(split.train), test: pick(split.test) };
}
