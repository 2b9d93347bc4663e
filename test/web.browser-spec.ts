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
const SPAM =
  'URGENT! You have WON a guaranteed £1000 cash prize. Claim now: call 09061790121 to claim your reward. Free entry!';
const HAM = 'Are we still on for lunch tomorrow? Thanks, see you at home later.';

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
        version = (await trainSmallRealModel(dir, 600)).artifact.metadata.version;
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
