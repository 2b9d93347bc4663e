import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { EngineArtifactCodec } from '../src/classifier/engine-adapters';
import { trainSmallRealModel } from './fixtures/service/real-model';
import { startTestApp, type TestApp } from './fixtures/service/test-app';

const ARTIFACTS = resolve(__dirname, '..', 'test-artifacts');
const SPAM =
  'URGENT! You have WON a guaranteed £1000 cash prize. Claim now: call 09061790121 to claim your reward. Free entry!';
const HAM = 'Are we still on for lunch tomorrow? Thanks, see you at home later.';

describe('web page in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let version = '';

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    t = await startTestApp({
      codec: new EngineArtifactCodec(),
      prepare: async (dir) => {
        mkdirSync(dir, { recursive: true });
        version = (await trainSmallRealModel(dir, 600)).artifact.metadata.version;
      },
    });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.getHttpServer().address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('should classify a typed spam message and a ham example, and show the model page', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const cspViolations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    try {
      await page.goto(`${base}/`);
      expect(await page.title()).toContain('Classify a message');

      // Keyboard only: the labelled textarea, the labelled select, then the button.
      await page.getByLabel('Message').fill(SPAM);
      await page.getByLabel('Message').press('Tab');
      await page.keyboard.press('Tab');
      await page.getByLabel('Channel').selectOption('sms');
      await page.getByLabel('Channel').focus();
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await page.waitForSelector('#verdict');
      expect(await page.locator('#verdict').getAttribute('data-prediction')).toBe('spam');
      expect(await page.locator('#verdict').textContent()).toBe('Spam');
      expect(await page.locator('#request-id').textContent()).toMatch(/^[0-9a-f-]{36}$/);
      expect(await page.locator('mark.towards-spam').count()).toBeGreaterThan(2);
      expect(Number(await page.locator('#confidence').getAttribute('value'))).toBeGreaterThan(50);
      expect(await page.getByLabel('Message').inputValue()).toBe(SPAM);
      await page.screenshot({ path: join(ARTIFACTS, 'web-spam.png'), fullPage: true });

      await page.getByLabel('Message').fill(HAM);
      await page.getByRole('button', { name: 'Classify', exact: true }).click();
      await page.waitForSelector('#verdict[data-prediction="not_spam"]');
      expect(await page.locator('#verdict').textContent()).toBe('Not spam');
      expect(await page.locator('mark.towards-ham').count()).toBeGreaterThan(0);
      await page.screenshot({ path: join(ARTIFACTS, 'web-ham.png'), fullPage: true });

      await page.getByRole('button', { name: 'Classify example: Friend SMS' }).click();
      await page.waitForSelector('#verdict');
      expect(await page.locator('#verdict').getAttribute('data-prediction')).toBe('not_spam');

      await page.getByRole('link', { name: 'Model' }).first().click();
      await page.waitForSelector('#model-version');
      expect(await page.locator('#model-version').textContent()).toBe(version);
      const images = page.locator('.charts img');
      expect(await images.count()).toBe(1);
      for (const img of await images.all())
        expect(await img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
      expect(await page.locator('#history tbody tr').count()).toBe(1);
      await page.screenshot({ path: join(ARTIFACTS, 'web-model.png'), fullPage: true });
      expect(cspViolations).toEqual([]);
    } finally {
      await page.close();
    }
  }, 120_000);
});
