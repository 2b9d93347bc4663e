import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZipFile } from 'yazl';
import type { CliIo } from './cli-io';
import { runDataCli } from './data-command';

function collector(env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env, interactive: false };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

async function zipBody(): Promise<Buffer> {
  const zip = new ZipFile();
  const lines = Array.from({ length: 5574 }, (_, i) => `${i < 747 ? 'spam' : 'ham'}\tmessage ${i}\n`).join('');
  zip.addBuffer(Buffer.from(lines), 'SMSSpamCollection');
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe(runDataCli.name, () => {
  let server: Server;
  let url: string;
  let dataDir: string;

  beforeAll(async () => {
    const body = await zipBody();
    server = createServer((req, res) => {
      if (req.url === '/missing.zip') {
        res.writeHead(404).end('not found');
        return;
      }
      res.writeHead(200, { 'content-length': String(body.length) }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'data-cli-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('should download into --data-dir and print one summary line', async () => {
    const cli = collector();
    expect(await runDataCli(['download', '--data-dir', dataDir, '--url', `${url}/ok.zip`], cli.io)).toBe(0);
    expect(cli.out()).toMatch(/sms-spam\/SMSSpamCollection: 5574 messages \(747 spam\), zip sha256 [0-9a-f]{64}/);
    expect(cli.err()).toMatch(/downloaded \d+ KiB of \d+ KiB/);
    expect(existsSync(join(dataDir, 'sms-spam', 'SMSSpamCollection'))).toBe(true);
  });

  it('should take the URL and data folder from the environment', async () => {
    const cli = collector({ SPAM_SMS_DOWNLOAD_URL: `${url}/ok.zip`, SPAM_DATA_DIR: dataDir });
    expect(await runDataCli(['download'], cli.io)).toBe(0);
    expect(existsSync(join(dataDir, 'sms-spam', 'SMSSpamCollection'))).toBe(true);
  });

  it('should exit 3 with one line when the download is refused', async () => {
    const cli = collector();
    expect(await runDataCli(['download', '--data-dir', dataDir, '--url', `${url}/missing.zip`], cli.io)).toBe(3);
    expect(cli.err()).toMatch(/^error: cannot download http:\/\/127\.0\.0\.1:\d+\/missing\.zip: HTTP 404 Not Found\n$/);
    const again = collector();
    const hash = 'a'.repeat(64);
    expect(
      await runDataCli(['download', '--data-dir', dataDir, '--url', `${url}/ok.zip`, '--sha256', hash], again.io),
    ).toBe(3);
    expect(again.err()).toMatch(/sha256 mismatch/);
  });

  it('should exit 2 on bad usage', async () => {
    const unknown = collector();
    expect(await runDataCli(['download', '--bogus'], unknown.io)).toBe(2);
    expect(unknown.err()).toContain("unknown option '--bogus'");
    const badHash = collector();
    expect(await runDataCli(['download', '--sha256', 'xyz'], badHash.io)).toBe(2);
    expect(badHash.err()).toBe("error: option '--sha256 <hex>' must be 64 hexadecimal characters\n");
    expect(await runDataCli(['upload'], collector().io)).toBe(2);
  });

  it('should print help with exit code 0', async () => {
    const cli = collector();
    expect(await runDataCli(['download', '--help'], cli.io)).toBe(0);
    expect(cli.out()).toContain('--sha256 <hex>');
  });
});
