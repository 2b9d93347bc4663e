import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { EngineArtifactCodec } from '../src/classifier/engine-adapters';
import { LocalTrackingStore } from '../src/mlflow/local-tracking-store';
import { MlflowModule } from '../src/mlflow/mlflow.module';
import { promoteIfBetter } from '../src/mlflow/promotion';
import { logTrainingRun } from '../src/mlflow/run-logger';
import { FeedbackService } from '../src/feedback/feedback.service';
import { FeedbackModule } from '../src/feedback/feedback.module';
import { RetrainingModule } from '../src/retraining/retraining.module';
import { trainSmallRealModel } from './fixtures/service/real-model';
import { startTestApp, type TestApp } from './fixtures/service/test-app';
import { figures, trainingInput } from './mlflow-fixtures';

const ARTIFACTS = resolve(__dirname, '..', 'test-artifacts');
/** The served model's operating point: the page shows it and decides with it. */
const POINT = {
  threshold: 0.7,
  maxFpRate: 0.001,
  chosenBy: 'lowest threshold keeping the false-positive rate ≤ 0.1 % on out-of-fold probabilities (test figures)',
  cv: { fpRate: 0.0008, recall: 0.88, precision: 0.99, f1: 0.93, fp: 3, fn: 72 },
  channels: {
    sms: {
      threshold: 0.65,
      maxFpRate: 0.001,
      cv: { fpRate: 0.0009, recall: 0.9, precision: 0.99, f1: 0.94, fp: 3, fn: 60 },
    },
    email: {
      threshold: 0.85,
      maxFpRate: 0.004,
      cv: { fpRate: 0.0035, recall: 0.95, precision: 0.98, f1: 0.965, fp: 5, fn: 25 },
    },
  },
};
const SPAM =
  'URGENT! You have WON a guaranteed £1000 cash prize. Claim now: call 09061790121 to claim your reward. Free entry!';
const HAM = 'Are we still on for lunch tomorrow? Thanks, see you at home later.';
/** An email whose header lines and hashes have no place to break: the page must wrap them, not widen. */
const LONG_EMAIL = [
  'From: "Prize Department" <prize-department-notifications@example-winners-lottery.com>',
  'To: someone@example.org',
  'Subject: You have WON a guaranteed cash prize, claim it now before the offer expires',
  `X-Tracking-Hash: ${'9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'.repeat(3)}`,
  'Content-Type: text/html; charset="utf-8"',
  '',
  `<html><body><p>Claim your <b>£1000</b> prize: <a href="http://example.com/claim/${'a1b2c3d4'.repeat(12)}">` +
    `http://example.com/claim/${'a1b2c3d4'.repeat(12)}</a></p></body></html>`,
].join('\n');

describe('web page in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let version = '';
  let platformDir = '';

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    platformDir = mkdtempSync(join(tmpdir(), 'web-browser-platform-'));
    const mlflow = MlflowModule.forRoot();
    t = await startTestApp({
      codec: new EngineArtifactCodec(),
      platformModules: [mlflow, FeedbackModule, RetrainingModule.forRoot({ mlflowModule: mlflow })],
      env: {
        FEEDBACK_DB_PATH: join(platformDir, 'feedback.sqlite'),
        TRAINING_OUT_DIR: join(platformDir, 'retrain'),
        MLFLOW_LOCAL_REGISTRY_DIR: join(platformDir, 'registry'),
        MLFLOW_CHAMPION_CACHE_DIR: join(platformDir, 'champion'),
        RETRAIN_CRON: '',
      },
      prepare: async (dir) => {
        mkdirSync(dir, { recursive: true });
        version = (await trainSmallRealModel(dir, 600, POINT)).artifact.metadata.version;
        // The served model's run becomes champion; a later, worse run stays challenger.
        const registry = new LocalTrackingStore(join(platformDir, 'registry'));
        const served = await logTrainingRun(registry, trainingInput(version, figures(134, 2, 964, 15)));
        await promoteIfBetter(registry, { modelName: 'spam-classifier', version: served.version!.version });
        const worse = await logTrainingRun(
          registry,
          trainingInput('20261201T000000Z-0000aaaa', figures(120, 9, 957, 29)),
        );
        await promoteIfBetter(registry, { modelName: 'spam-classifier', version: worse.version!.version });
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
    if (platformDir) rmSync(platformDir, { recursive: true, force: true });
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
      expect(await page.locator('#artifacts tbody tr').count()).toBe(1);
      expect(await page.locator('#tracking-store').textContent()).toContain('local');
      expect(await page.locator('#runs tbody tr').count()).toBe(2);
      const champion = page.locator('#versions tbody tr', { has: page.locator('.alias-champion') });
      expect(await champion.count()).toBe(1);
      expect(await champion.locator('.serving').textContent()).toBe('serving');
      expect(await champion.textContent()).toContain(version);
      expect(await page.locator('#versions .alias-challenger').count()).toBe(1);
      await page.screenshot({ path: join(ARTIFACTS, 'web-model.png'), fullPage: true });
      expect(cspViolations).toEqual([]);
    } finally {
      await page.close();
    }
  }, 120_000);

  it('should fit every page in a 390 px screen, explain a 413 and keep the text, and style Swagger UI', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const cspViolations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    const widths: Record<string, number> = {};
    const measure = async (name: string): Promise<void> => {
      widths[name] = await page.locator('html').evaluate((html) => html.scrollWidth);
      await page.screenshot({ path: join(ARTIFACTS, `web-390-${name}.png`), fullPage: true });
    };
    try {
      await page.goto(`${base}/`);
      await measure('home');
      await page.getByRole('button', { name: 'Classify example: Prize SMS' }).click();
      await page.waitForSelector('#verdict');
      await measure('prize-sms');

      await page.getByLabel('Message').fill(LONG_EMAIL);
      await page.getByLabel('Channel').selectOption('email');
      await page.getByRole('button', { name: 'Classify', exact: true }).click();
      await page.waitForSelector('#verdict');
      expect(await page.locator('#raw-source summary').textContent()).toContain('Source as submitted');
      await page.locator('#raw-source summary').click();
      expect(await page.locator('#raw-source pre').textContent()).toContain('X-Tracking-Hash:');
      await measure('email');

      await page.goto(`${base}/model`);
      await page.waitForSelector('#model-version');
      await measure('model');
      await page.goto(`${base}/feedback/saved?outcome=created&label=spam&id=0b7a0b4e-2f7e-4f6e-9d55-4e8f1a2b3c4d`);
      await page.waitForSelector('#feedback-outcome');
      await measure('feedback-saved');
      await page.goto(`${base}/no-such-page`);
      expect(await page.locator('h1').textContent()).toBe('404 · Not Found');
      await measure('not-found');

      // A 262k-character Cyrillic text: the text box stops at what the body limit carries ...
      await page.goto(`${base}/`);
      const cyrillic = 'Привет '.repeat(37_450);
      await page.getByLabel('Message').fill(cyrillic);
      const limit = Number(await page.getByLabel('Message').getAttribute('maxlength'));
      expect((await page.getByLabel('Message').inputValue()).length).toBe(limit);
      // ... and past it (the limit lifted by hand) the answer is a page that says so; Back keeps the text.
      await page.getByLabel('Message').evaluate((box, text) => {
        const textarea = box as unknown as { value: string; removeAttribute(name: string): void };
        textarea.removeAttribute('maxlength');
        textarea.value = text;
      }, cyrillic);
      await page.getByRole('button', { name: 'Classify', exact: true }).click();
      await page.waitForSelector('#too-large');
      expect(await page.locator('h1').textContent()).toBe('413 · Payload Too Large');
      await measure('too-large');
      await page.goBack();
      expect((await page.getByLabel('Message').inputValue()).length).toBe(cyrillic.length);

      expect(widths).toEqual(Object.fromEntries(Object.keys(widths).map((name) => [name, 390])));
      expect(cspViolations).toEqual([]);

      // Swagger UI styles itself inline: its title sits at the top, not below a blank band.
      const docs = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      docs.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
      });
      await docs.goto(`${base}/api/docs`);
      await docs.waitForSelector('.swagger-ui .info .title');
      const titleTop = await docs.locator('.swagger-ui .info .title').evaluate((el) => el.getBoundingClientRect().top);
      expect(titleTop).toBeLessThan(200);
      await docs.screenshot({ path: join(ARTIFACTS, 'web-api-docs.png') });
      await docs.close();
      expect(cspViolations).toEqual([]);
    } finally {
      await page.close();
    }
  }, 180_000);

  it.each([
    [1280, 900],
    [390, 844],
  ])(
    'should show the threshold that decided and the operating point at %i px',
    async (width, height) => {
      const page = await browser.newPage({ viewport: { width, height } });
      try {
        await page.goto(`${base}/`);
        expect(await page.locator('#threshold-help').textContent()).toContain(
          "Empty: the model's threshold, SMS 0.65, e-mail 0.85 (operating points per channel).",
        );
        await page.getByLabel('Message').fill(SPAM);
        await page.getByRole('button', { name: 'Classify', exact: true }).click();
        await page.waitForSelector('#decision');
        const decision = page.locator('#decision');
        expect(await decision.isVisible()).toBe(true);
        expect(await decision.textContent()).toMatch(
          /^Spam: spam probability [\d.]+ % ≥ threshold 65 %, the model's operating point for SMS$/,
        );
        expect(await page.locator('#fact-threshold').textContent()).toBe(
          'SMS 0.65, e-mail 0.85 (operating points per channel)',
        );
        await page.screenshot({ path: join(ARTIFACTS, `threshold-${width}-model.png`), fullPage: true });

        // A not-spam text with a threshold typed in the form, below its spam probability: the request's threshold decides.
        const api = await t.app.inject({
          method: 'POST',
          url: '/api/v1/predictions',
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify({ text: HAM }),
        });
        expect(api.json()).toMatchObject({ prediction: 'not_spam', threshold: 0.65, threshold_source: 'model' });
        const below = (api.json().spam_probability / 2).toFixed(8);
        expect(Number(below)).toBeGreaterThan(0);
        await page.getByLabel('Message').fill(HAM);
        await page.getByLabel('Threshold (optional)').fill(below);
        await page.getByRole('button', { name: 'Classify', exact: true }).click();
        await page.waitForSelector('#decision[data-threshold-source="request"]');
        expect(await page.locator('#verdict').getAttribute('data-prediction')).toBe('spam');
        expect(await decision.textContent()).toMatch(
          /^Spam: spam probability [\d.]+ % ≥ threshold [\d.]+ %, the threshold you gave$/,
        );
        expect(await page.getByLabel('Threshold (optional)').inputValue()).toBe(String(Number(below)));
        await page.screenshot({ path: join(ARTIFACTS, `threshold-${width}-request.png`), fullPage: true });

        await page.goto(`${base}/model`);
        await page.waitForSelector('#operating-point');
        expect(await page.locator('#operating-point-threshold').textContent()).toBe(
          '0.7 (spam from 70 %); each channel below has its own, which decides its messages',
        );
        expect(await page.locator('#operating-point-target').textContent()).toBe('at most 0.1 %');
        expect(await page.locator('#operating-point-cv').textContent()).toContain('0.08 % (3 not-spam flagged)');
        await page
          .locator('#operating-point')
          .screenshot({ path: join(ARTIFACTS, `threshold-${width}-operating-point.png`) });
        expect(await page.locator('html').evaluate((html) => html.scrollWidth)).toBe(width);
      } finally {
        await page.close();
      }
    },
    120_000,
  );

  it('should save "This is spam" from the verdict without JavaScript and confirm it, then a relabel', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 }, javaScriptEnabled: false });
    const cspViolations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    const text = `${SPAM} (feedback test)`;
    try {
      await page.goto(`${base}/`);
      await page.getByLabel('Message').fill(text);
      await page.getByRole('button', { name: 'Classify', exact: true }).click();
      await page.waitForSelector('#verdict');
      const requestId = await page.locator('#request-id').textContent();
      await page.screenshot({ path: join(ARTIFACTS, 'web-feedback-buttons.png'), fullPage: true });

      // Keyboard: focus the button, press Enter.
      await page.getByRole('button', { name: 'This is spam', exact: true }).focus();
      await page.keyboard.press('Enter');
      await page.waitForSelector('#feedback-outcome');
      expect(new URL(page.url()).pathname).toBe('/feedback/saved');
      expect(await page.locator('#feedback-outcome').getAttribute('data-outcome')).toBe('created');
      expect(await page.locator('#feedback-outcome').textContent()).toBe('Thank you: saved as spam');
      await page.screenshot({ path: join(ARTIFACTS, 'web-feedback-saved.png'), fullPage: true });

      // Reloading the confirmation (GET after the 303) posts nothing again.
      await page.reload();
      expect(await page.locator('#feedback-outcome').getAttribute('data-outcome')).toBe('created');

      await page.goBack();
      await page.getByRole('button', { name: 'This is not spam', exact: true }).click();
      await page.waitForSelector('#feedback-outcome');
      expect(await page.locator('#feedback-outcome').getAttribute('data-outcome')).toBe('relabelled');
      expect(await page.locator('#feedback-outcome').textContent()).toBe('Relabelled: now not spam');
      await page.screenshot({ path: join(ARTIFACTS, 'web-feedback-relabelled.png'), fullPage: true });

      const stored = await t.app.get(FeedbackService, { strict: false }).list({ limit: 50, offset: 0 });
      const item = stored.items.find((i) => i.text === text);
      expect(item).toMatchObject({ label: 'not_spam', relabel_count: 1, source: 'web', request_id: requestId });
      expect(stored.total).toBe(1);
      expect(cspViolations).toEqual([]);
    } finally {
      await page.close();
    }
  }, 120_000);
});
