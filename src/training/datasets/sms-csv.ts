import { readFile } from 'node:fs/promises';
import { csvRecords } from './csv-records';
import { DatasetError } from './dataset-error';
import type { LabelledText } from './labelled-text';

/**
 * The SMS Spam Collection as `spam.csv` (windows-1252, CRLF, header `v1,v2,,,`). Rows whose unquoted text held commas
 * spill into the trailing columns; they are joined back (`v2 + ',' + rest`), keeping one row per record so that the
 * split files' row numbers still apply. Row `i` gets `id` = `String(i)`.
 */
export async function loadSmsCsv(path: string, source = 'sms', options: SmsCsvOptions = {}): Promise<LabelledText[]> {
  const bytes = await readFileOrFail(path);
  return parseSmsCsv(new TextDecoder('windows-1252').decode(bytes), path, source, options);
}

export interface SmsCsvOptions {
  /**
   * false = keep only `v2`, truncating the 50 split messages exactly as the seed did (pandas `[['v1', 'v2']]`);
   * only for reproducing the seed's figures. Default true.
   */
  readonly joinSplitRows?: boolean;
}

export function parseSmsCsv(text: string, file: string, source = 'sms', options: SmsCsvOptions = {}): LabelledText[] {
  const records = csvRecords(text, file);
  const header = records.next();
  if (header.done || header.value.fields[0]?.trim() !== 'v1' || header.value.fields[1]?.trim() !== 'v2') {
    throw new DatasetError(file, 1, 'expected the header "v1,v2" (label, text)');
  }
  const rows: LabelledText[] = [];
  for (const { fields, line } of records) {
    const rawLabel = fields[0]?.trim();
    if (rawLabel !== 'ham' && rawLabel !== 'spam') {
      throw new DatasetError(file, line, `label must be "ham" or "spam", got ${JSON.stringify(fields[0] ?? '')}`);
    }
    if (fields.length < 2) throw new DatasetError(file, line, 'the text column (v2) is missing');
    let last = options.joinSplitRows === false ? 1 : fields.length - 1;
    while (last > 1 && fields[last] === '') last--;
    const textValue = fields.slice(1, last + 1).join(',');
    rows.push({ text: textValue, label: rawLabel === 'spam' ? 1 : 0, source, id: String(rows.length) });
  }
  if (rows.length === 0) throw new DatasetError(file, undefined, 'no data rows');
  return rows;
}

export async function readFileOrFail(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a folder, not a file' : String(code);
    throw new DatasetError(path, undefined, reason);
  }
}
