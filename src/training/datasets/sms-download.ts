import { createHash } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import * as yauzl from 'yauzl';
import { countSpam } from './labelled-text';
import { parseUciTsv } from './uci-tsv';

/** The official SMS Spam Collection zip of the UCI Machine Learning Repository. */
export const UCI_SMS_ZIP_URL = 'https://archive.ics.uci.edu/static/public/228/sms+spam+collection.zip';
export const SMS_DOWNLOAD_URL_ENV = 'SPAM_SMS_DOWNLOAD_URL';
/** The collection's size as published: 5,574 messages. */
export const UCI_SMS_ROWS = 5574;
const ENTRY_NAME = 'SMSSpamCollection';
const MAX_ZIP_BYTES = 20 * 1024 * 1024;
const MAX_ENTRY_BYTES = 5 * 1024 * 1024;

/** A download that was refused: nothing was written to the data folder. */
export class DownloadError extends Error {
  override readonly name = 'DownloadError';
}

export interface SmsDownloadOptions {
  readonly dataDir: string;
  /** Default UCI_SMS_ZIP_URL; the command line passes `--url` or SPAM_SMS_DOWNLOAD_URL. */
  readonly url?: string;
  /** Expected sha256 (hex) of the zip; checked when given. */
  readonly sha256?: string;
  /** Replace an existing `sms-spam/SMSSpamCollection`. */
  readonly force?: boolean;
  readonly timeoutMs?: number;
  readonly onProgress?: (receivedBytes: number, totalBytes: number | undefined) => void;
}

export interface SmsDownloadResult {
  readonly path: string;
  readonly url: string;
  readonly rows: number;
  readonly spam: number;
  readonly bytes: number;
  readonly sha256: string;
}

/**
 * Downloads the UCI zip, checks it (zip structure, the `SMSSpamCollection` entry and its CRC, 5,574 `ham|spam<TAB>text`
 * lines, optional sha256), and only then moves the file into `<dataDir>/sms-spam/` with a rename, so the data folder
 * never holds a partial file. Everything is staged in a temporary folder inside the data folder, removed afterwards.
 */
export async function downloadSmsCollection(options: SmsDownloadOptions): Promise<SmsDownloadResult> {
  const url = options.url ?? UCI_SMS_ZIP_URL;
  const targetDir = join(options.dataDir, 'sms-spam');
  const target = join(targetDir, ENTRY_NAME);
  if (existsSync(target) && !options.force) {
    throw new DownloadError(`${target} already exists (use --force to replace it)`);
  }
  await mkdir(options.dataDir, { recursive: true });
  const staging = await mkdtemp(join(options.dataDir, '.sms-download-'));
  try {
    const zipPath = join(staging, 'download.zip');
    const { bytes, sha256 } = await fetchToFile(url, zipPath, options);
    if (options.sha256 && sha256 !== options.sha256.trim().toLowerCase()) {
      throw new DownloadError(`sha256 mismatch for ${url}: expected ${options.sha256}, got ${sha256}`);
    }
    const content = await readZipEntry(zipPath, ENTRY_NAME);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(content);
    } catch {
      throw new DownloadError(`${ENTRY_NAME} in the zip is not valid UTF-8`);
    }
    let rows;
    try {
      rows = parseUciTsv(text, `${ENTRY_NAME} (in the zip)`);
    } catch (error) {
      throw new DownloadError((error as Error).message);
    }
    if (rows.length !== UCI_SMS_ROWS) {
      throw new DownloadError(`${ENTRY_NAME} has ${rows.length} lines, expected ${UCI_SMS_ROWS}`);
    }
    const staged = join(staging, ENTRY_NAME);
    await writeFile(staged, content);
    await mkdir(targetDir, { recursive: true });
    await rename(staged, target);
    return { path: target, url, rows: rows.length, spam: countSpam(rows), bytes, sha256 };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function fetchToFile(
  url: string,
  path: string,
  options: SmsDownloadOptions,
): Promise<{ bytes: number; sha256: string }> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 60_000), redirect: 'follow' });
  } catch (error) {
    throw new DownloadError(`cannot download ${url}: ${describe(error)}`);
  }
  if (!response.ok || !response.body) {
    throw new DownloadError(`cannot download ${url}: HTTP ${response.status} ${response.statusText}`.trim());
  }
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  const total = Number.isFinite(declared) ? declared : undefined;
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  let bytes = 0;
  try {
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      if (bytes > MAX_ZIP_BYTES) throw new DownloadError(`${url} is larger than ${MAX_ZIP_BYTES} bytes`);
      hash.update(chunk);
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      options.onProgress?.(bytes, total);
    }
  } catch (error) {
    if (error instanceof DownloadError) throw error;
    throw new DownloadError(`download of ${url} was interrupted after ${bytes} bytes: ${describe(error)}`);
  } finally {
    await new Promise<void>((resolve) => out.end(resolve));
  }
  if (total !== undefined && bytes !== total) {
    throw new DownloadError(`download of ${url} is truncated: ${bytes} of ${total} bytes`);
  }
  return { bytes, sha256: hash.digest('hex') };
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { message?: string; code?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
}

/** Reads one entry (by base name, at any depth) from a zip, checking sizes and the CRC-32. */
export async function readZipEntry(zipPath: string, name: string): Promise<Buffer> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(zipPath, { lazyEntries: true, autoClose: true }, (error, file) =>
      error ? reject(new DownloadError(`the download is not a valid zip file: ${error.message}`)) : resolve(file),
    ),
  );
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      let found = false;
      zip.on('error', (error: Error) => reject(new DownloadError(`the zip file is damaged: ${error.message}`)));
      zip.on('end', () => {
        if (!found) reject(new DownloadError(`the zip file holds no ${name}`));
      });
      zip.on('entry', (entry: yauzl.Entry) => {
        const base = entry.fileName.split('/').pop();
        if (base !== name || entry.fileName.endsWith('/')) {
          zip.readEntry();
          return;
        }
        found = true;
        if (entry.uncompressedSize > MAX_ENTRY_BYTES) {
          reject(new DownloadError(`${name} in the zip is larger than ${MAX_ENTRY_BYTES} bytes`));
          return;
        }
        zip.openReadStream(entry, (error, stream) => {
          if (error) {
            reject(new DownloadError(`the zip file is damaged: ${error.message}`));
            return;
          }
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('error', (e: Error) => reject(new DownloadError(`the zip file is damaged: ${e.message}`)));
          stream.on('end', () => {
            const content = Buffer.concat(chunks);
            if (crc32(content) >>> 0 !== entry.crc32 >>> 0) {
              reject(new DownloadError(`${name} in the zip fails its CRC-32 check`));
              return;
            }
            resolve(content);
          });
        });
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}
