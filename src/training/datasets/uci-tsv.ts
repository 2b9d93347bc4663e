import { decodeUtf8 } from './csv-records';
import { DatasetError } from './dataset-error';
import type { LabelledText } from './labelled-text';
import { readFileOrFail } from './sms-csv';

/** The original UCI distribution: `SMSSpamCollection`, UTF-8, one `label<TAB>text` per line, labels ham/spam. */
export async function loadUciTsv(path: string, source = 'sms'): Promise<LabelledText[]> {
  return parseUciTsv(decodeUtf8(await readFileOrFail(path), path), path, source);
}

export function parseUciTsv(text: string, file: string, source = 'sms'): LabelledText[] {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const rows: LabelledText[] = [];
  lines.forEach((rawLine, index) => {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    const tab = line.indexOf('\t');
    if (tab < 0) throw new DatasetError(file, index + 1, 'expected "label<TAB>text"');
    const label = line.slice(0, tab);
    if (label !== 'ham' && label !== 'spam') {
      throw new DatasetError(file, index + 1, `label must be "ham" or "spam", got ${JSON.stringify(label)}`);
    }
    rows.push({ text: line.slice(tab + 1), label: label === 'spam' ? 1 : 0, source, id: String(rows.length) });
  });
  if (rows.length === 0) throw new DatasetError(file, undefined, 'no data rows');
  return rows;
}
