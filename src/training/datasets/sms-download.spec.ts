import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZipFile } from 'yazl';
import { downloadSmsCollection, DownloadError, UCI_SMS_ROWS } from './sms-download';

function collection(rows = UCI_SMS_ROWS, spamEvery = 7): string {
  return Array.from({ length: rows }, (_, i) => `${i % spamEvery === 0 ? 'spam' : 'ham'}\tmessage number ${i}\n`).join(
    '',
  );
}

function zipOf(entries: Record<string, string | Buffer>, compress = true): Promise<Buffer> {
  const zip = new ZipFile();
  for (const [name, content] of Object.entries(entries)) zip.addBuffer(Buffer.from(content), name, { compress });
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

type Reply = { status?: number; body: Buffer; truncateAt?: number };

describe(downloadSmsCollection.name, () => {
  let server: Server;
  let baseUrl: string;
  let reply: Reply;
  let dataDir: string;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      const { status = 200, body, truncateAt } = reply;
      res.writeHead(status, { 'content-type': 'application/zip', 'content-length': String(body.length) });
      if (truncateAt === undefined) {
        res.end(body);
        return;
      }
      res.write(body.subarray(0, truncateAt), () => res.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms+spam+collection.zip`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'sms-download-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const refused = async (options: Partial<Parameters<typeof downloadSmsCollection>[0]> = {}) => {
    const error = await downloadSmsCollection({ dataDir, url: baseUrl, ...options }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DownloadError);
    return (error as Error).message;
  };

  it('should download, check and unpack the collection into <dataDir>/sms-spam', async () => {
    const body = await zipOf({ SMSSpamCollection: collection(), readme: 'About the collection' });
    reply = { body };
    const progress: number[] = [];
    const result = await downloadSmsCollection({
      dataDir,
      url: baseUrl,
      sha256: createHash('sha256').update(body).digest('hex'),
      onProgress: (received) => progress.push(received),
    });
    expect(result).toMatchObject({
      rows: 5574,
      spam: 797,
      bytes: body.length,
      path: join(dataDir, 'sms-spam', 'SMSSpamCollection'),
    });
    expect(readFileSync(result.path, 'utf8')).toBe(collection());
    expect(readdirSync(dataDir)).toEqual(['sms-spam']);
    expect(progress[progress.length - 1]).toBe(body.length);
  });

  it('should refuse a truncated download and leave nothing behind', async () => {
    const body = await zipOf({ SMSSpamCollection: collection() });
    reply = { body, truncateAt: Math.floor(body.length / 2) };
    expect(await refused()).toMatch(/interrupted|truncated/);
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('should refuse a file that is not a zip', async () => {
    reply = { body: Buffer.from('<html>maintenance</html>') };
    expect(await refused()).toMatch(/not a valid zip file/);
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('should refuse a zip without SMSSpamCollection', async () => {
    reply = { body: await zipOf({ 'readme.txt': 'nothing here' }) };
    expect(await refused()).toBe('the zip file holds no SMSSpamCollection');
  });

  it('should refuse a damaged entry by its CRC', async () => {
    const body = await zipOf({ SMSSpamCollection: collection() }, false);
    const at = body.indexOf('message number 100');
    body[at] = 'M'.charCodeAt(0);
    reply = { body };
    expect(await refused()).toBe('SMSSpamCollection in the zip fails its CRC-32 check');
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('should refuse a wrong line count or label', async () => {
    reply = { body: await zipOf({ SMSSpamCollection: collection(5000) }) };
    expect(await refused()).toBe('SMSSpamCollection has 5000 lines, expected 5574');
    reply = { body: await zipOf({ SMSSpamCollection: collection().replace('ham\tmessage number 3', 'eggs\tx') }) };
    expect(await refused()).toMatch(/SMSSpamCollection \(in the zip\):4: label must be "ham" or "spam", got "eggs"/);
    reply = { body: await zipOf({ SMSSpamCollection: Buffer.from([0x68, 0x61, 0x6d, 0x09, 0xff, 0x0a]) }) };
    expect(await refused()).toBe('SMSSpamCollection in the zip is not valid UTF-8');
  });

  it('should refuse a sha256 mismatch and an HTTP error', async () => {
    reply = { body: await zipOf({ SMSSpamCollection: collection() }) };
    expect(await refused({ sha256: 'ab'.repeat(32) })).toMatch(
      /^sha256 mismatch for http:\/\/127\.0\.0\.1:\d+\/sms\+spam\+collection\.zip/,
    );
    reply = { status: 404, body: Buffer.from('not found') };
    expect(await refused()).toMatch(/HTTP 404/);
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('should refuse an unreachable server', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await refused({ url: `http://127.0.0.1:${port}/x.zip` })).toMatch(/cannot download .*ECONNREFUSED/);
  });

  it('should keep an existing collection unless forced', async () => {
    mkdirSync(join(dataDir, 'sms-spam'));
    writeFileSync(join(dataDir, 'sms-spam', 'SMSSpamCollection'), 'old');
    reply = { body: await zipOf({ 'folder/SMSSpamCollection': collection() }) };
    expect(await refused()).toMatch(/already exists \(use --force to replace it\)/);
    await downloadSmsCollection({ dataDir, url: baseUrl, force: true });
    expect(readFileSync(join(dataDir, 'sms-spam', 'SMSSpamCollection'), 'utf8')).toBe(collection());
    expect(existsSync(join(dataDir, 'sms-spam', 'SMSSpamCollection'))).toBe(true);
  });
});
