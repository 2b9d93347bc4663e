import { basename, extname } from 'node:path';
import { csvRecords, decodeUtf8 } from './csv-records';
import { DatasetError } from './dataset-error';
import { ACCEPTED_LABELS, parseLabel } from './labels';
import type { LabelledText } from './labelled-text';
import { parseSmsCsv, readFileOrFail } from './sms-csv';
import { parseUciTsv } from './uci-tsv';

/**
 * Any labelled file by its name: `.jsonl`/`.ndjson` (one `{"text", "label", "weight"?}` object a line), `.csv` with a
 * header naming `text` and `label` (and optionally `weight`) columns, the SMS `spam.csv` layout (`v1,v2`), or the UCI
 * tab-separated layout (`.tsv`, `.txt`, `SMSSpamCollection`). Labels: spam/ham/not_spam/1/0.
 */
export async function loadLabelledFile(path: string, source = basename(path)): Promise<LabelledText[]> {
  const bytes = await readFileOrFail(path);
  const ext = extname(path).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return parseJsonLines(decodeUtf8(bytes, path), path, source);
  if (ext === '.csv') {
    const text = decodeUtf8OrLatin1(bytes, path);
    return /^\uFEFF?v1,v2(,|\r|\n)/.test(text) ? parseSmsCsv(text, path, source) : parseLabelledCsv(text, path, source);
  }
  if (ext === '.tsv' || ext === '.txt' || basename(path) === 'SMSSpamCollection') {
    return parseUciTsv(decodeUtf8(bytes, path), path, source);
  }
  throw new DatasetError(
    path,
    undefined,
    'unknown file type: expected .csv, .jsonl, .ndjson, .tsv or SMSSpamCollection',
  );
}

function decodeUtf8OrLatin1(bytes: Buffer, path: string): string {
  try {
    return decodeUtf8(bytes, path);
  } catch (error) {
    // The SMS collection's spam.csv is windows-1252; only that layout is allowed to fall back.
    if (bytes.subarray(0, 6).toString('latin1') === 'v1,v2,') return new TextDecoder('windows-1252').decode(bytes);
    throw error;
  }
}

export function parseLabelledCsv(text: string, file: string, source: string): LabelledText[] {
  const records = csvRecords(text.replace(/^\uFEFF/, ''), file);
  const header = records.next();
  if (header.done) throw new DatasetError(file, 1, 'empty file: expected a header with "text" and "label" columns');
  const names = header.value.fields.map((name) => name.trim().toLowerCase());
  const textColumn = names.indexOf('text');
  const labelColumn = names.indexOf('label');
  const weightColumn = names.indexOf('weight');
  if (textColumn < 0 || labelColumn < 0) {
    throw new DatasetError(file, 1, 'the header must name a "text" and a "label" column');
  }
  const rows: LabelledText[] = [];
  for (const { fields, line } of records) {
    if (fields.length !== names.length) {
      throw new DatasetError(file, line, `expected ${names.length} columns, got ${fields.length}`);
    }
    const label = parseLabel(fields[labelColumn]);
    if (label === undefined) {
      throw new DatasetError(
        file,
        line,
        `label must be ${ACCEPTED_LABELS}, got ${JSON.stringify(fields[labelColumn])}`,
      );
    }
    const weight = weightColumn >= 0 ? parseWeight(fields[weightColumn], file, line) : undefined;
    rows.push(withWeight({ text: fields[textColumn], label, source, id: String(rows.length) }, weight));
  }
  if (rows.length === 0) throw new DatasetError(file, undefined, 'no data rows');
  return rows;
}

export function parseJsonLines(text: string, file: string, source: string): LabelledText[] {
  const rows: LabelledText[] = [];
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      throw new DatasetError(file, line, 'not valid JSON');
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new DatasetError(file, line, 'expected a JSON object with "text" and "label"');
    }
    const record = value as Record<string, unknown>;
    if (typeof record.text !== 'string') throw new DatasetError(file, line, '"text" must be a string');
    const label = parseLabel(record.label);
    if (label === undefined) {
      throw new DatasetError(file, line, `"label" must be ${ACCEPTED_LABELS}, got ${JSON.stringify(record.label)}`);
    }
    const weight = record.weight === undefined ? undefined : parseWeight(record.weight, file, line);
    rows.push(withWeight({ text: record.text, label, source, id: String(rows.length) }, weight));
  });
  if (rows.length === 0) throw new DatasetError(file, undefined, 'no data rows');
  return rows;
}

function parseWeight(raw: unknown, file: string, line: number): number | undefined {
  if (raw === '' || raw === null) return undefined;
  const weight = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw.trim()) : Number.NaN;
  if (!Number.isFinite(weight) || weight <= 0 || weight > 1000) {
    throw new DatasetError(file, line, `weight must be a number in (0, 1000], got ${JSON.stringify(raw)}`);
  }
  return weight;
}

function withWeight(row: LabelledText, weight: number | undefined): LabelledText {
  return weight === undefined ? row : { ...row, weight };
}
