import { DatasetError } from './dataset-error';

export interface CsvRecord {
  readonly fields: string[];
  /** 1-based line on which the record starts. */
  readonly line: number;
}

/**
 * RFC 4180 records: comma-separated, `"` quotes a field, `""` is a quote inside one, quoted fields may span lines,
 * CRLF or LF line ends. A quote inside an unquoted field is kept as a character (as Python's csv does); text after a
 * closing quote other than a comma or a line end, and a quote left open at the end of the file, are errors.
 * Empty lines are skipped.
 */
export function* csvRecords(text: string, file: string): Generator<CsvRecord> {
  const n = text.length;
  let i = 0;
  let line = 1;
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    if (text.charCodeAt(i) === 10 || (text.charCodeAt(i) === 13 && text.charCodeAt(i + 1) === 10)) {
      i += text.charCodeAt(i) === 13 ? 2 : 1;
      line++;
      continue;
    }
    for (;;) {
      let value = '';
      if (text.charCodeAt(i) === 34) {
        const openedOn = line;
        i++;
        let start = i;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q < 0) throw new DatasetError(file, openedOn, 'a quoted field is never closed');
          line += countNewlines(text, i, q);
          if (text.charCodeAt(q + 1) === 34) {
            value += text.slice(start, q + 1);
            i = q + 2;
            start = i;
            continue;
          }
          value += text.slice(start, q);
          i = q + 1;
          break;
        }
        const next = text.charCodeAt(i);
        if (i < n && next !== 44 && next !== 10 && next !== 13) {
          throw new DatasetError(file, line, `unexpected character ${JSON.stringify(text[i])} after a closing quote`);
        }
      } else {
        const start = i;
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === 44 || c === 10 || c === 13) break;
          i++;
        }
        value = text.slice(start, i);
      }
      fields.push(value);
      const c = text.charCodeAt(i);
      if (c === 44) {
        i++;
        continue;
      }
      if (c === 13) i++;
      if (text.charCodeAt(i) === 10) i++;
      line++;
      break;
    }
    yield { fields, line: startLine };
  }
}

function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let k = text.indexOf('\n', from); k >= 0 && k < to; k = text.indexOf('\n', k + 1)) count++;
  return count;
}

/** Decodes UTF-8 strictly; an invalid byte sequence is reported with its line. A leading BOM is dropped. */
export function decodeUtf8(bytes: Buffer, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    let line = 1;
    let start = 0;
    const strict = new TextDecoder('utf-8', { fatal: true });
    for (;;) {
      const end = bytes.indexOf(10, start);
      const slice = bytes.subarray(start, end < 0 ? bytes.length : end);
      try {
        strict.decode(slice);
      } catch {
        break;
      }
      if (end < 0) break;
      start = end + 1;
      line++;
    }
    throw new DatasetError(file, line, 'the file is not valid UTF-8');
  }
}
