import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import fc from 'fast-check';
import { join } from 'node:path';
import { ChampionFollowerModule } from '../src/classifier/champion-follower.module';
import { MlflowModule } from '../src/mlflow/mlflow.module';
import { promoteIfBetter, rollbackChampion } from '../src/mlflow/promotion';
import { LocalTrackingStore } from '../src/mlflow/local-tracking-store';
import { logTrainingRun } from '../src/mlflow/run-logger';
import { FeedbackService } from '../src/feedback/feedback.service';
import { FeedbackModule } from '../src/feedback/feedback.module';
import { ModelPagePresenter } from '../src/web/model-page.presenter';
import { RetrainingModule } from '../src/retraining/retraining.module';
import { listCorpusFiles, packageCorpusDir } from '../src/training/datasets/spam-assassin';
import { MlflowServerDouble } from './doubles/mlflow-server';
import { keywordArtifact, KeywordArtifactCodec, writeKeywordArtifact } from './fixtures/service/keyword-classifier';
import { startTestApp, type TestApp } from './fixtures/service/test-app';
import { figures, trainingInput } from './mlflow-fixtures';

const V1 = '20261101T000000Z-aaaa0001';
const V2 = '20261102T000000Z-bbbb0002';
const V3 = '20261103T000000Z-cccc0003';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const form = (fields: Record<string, string>, url = '/', headers: Record<string, string> = {}) => ({
  method: 'POST' as const,
  url,
  headers: { ...FORM, ...headers },
  payload: new URLSearchParams(fields).toString(),
});
/** What Chromium sends with a form post from the page itself. */
const SAME_ORIGIN = { 'sec-fetch-site': 'same-origin', origin: 'null' };
const feedback = (fields: Record<string, string>, headers: Record<string, string> = SAME_ORIGIN) =>
  form(fields, '/feedback', headers);

describe('web page', () => {
  let t: TestApp;
  let platformDir: string;
  let registry: LocalTrackingStore;
  beforeAll(async () => {
    platformDir = mkdtempSync(join(tmpdir(), 'web-platform-'));
    registry = new LocalTrackingStore(join(platformDir, 'registry'));
    // Two tracked runs before the start: V1 (the model served) becomes champion, the worse V2 challenger.
    const first = await logTrainingRun(registry, { ...trainingInput(V1, figures(134, 2, 964, 15)), runName: 'run-v1' });
    await promoteIfBetter(registry, { modelName: 'spam-classifier', version: first.version!.version });
    const second = await logTrainingRun(registry, {
      ...trainingInput(V2, figures(120, 9, 957, 29)),
      runName: 'run-v2',
    });
    await promoteIfBetter(registry, { modelName: 'spam-classifier', version: second.version!.version });
    const mlflow = MlflowModule.forRoot();
    t = await startTestApp({
      codec: new KeywordArtifactCodec(),
      platformModules: [mlflow, FeedbackModule, RetrainingModule.forRoot({ mlflowModule: mlflow })],
      env: {
        FEEDBACK_DB_PATH: join(platformDir, 'feedback.sqlite'),
        FEEDBACK_MAX_TEXT_CHARS: '500',
        TRAINING_OUT_DIR: join(platformDir, 'retrain'),
        MLFLOW_LOCAL_REGISTRY_DIR: join(platformDir, 'registry'),
        MLFLOW_CHAMPION_CACHE_DIR: join(platformDir, 'champion'),
        RETRAIN_CRON: '',
      },
      prepare: (dir) => {
        writeKeywordArtifact(dir, 'v1.json', keywordArtifact(V1, '2026-11-01T00:00:00.000Z'));
        mkdirSync(join(dir, 'report'));
        writeFileSync(join(dir, 'report', 'report.json'), JSON.stringify({ model: { version: V1 } }));
        writeFileSync(
          join(dir, 'report', 'roc_curve.svg'),
          '<svg xmlns="http://www.w3.org/2000/svg"><title>roc</title></svg>',
        );
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(platformDir, { recursive: true, force: true });
  });

  it('should render the form with labelled controls, examples and system facts', async () => {
    const res = await t.app.inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    const html = res.body;
    expect(html).toContain('<label for="text">Message</label>');
    expect(html).toContain('<textarea id="text" name="text"');
    expect(html).toContain('<label for="channel">Channel</label>');
    expect(html).toContain('data-example="prize"');
    expect(html).toContain(V1);
    // Open to anyone: no host or pod name, process id or runtime version.
    expect(html).not.toContain('test-pod');
    expect(html).not.toContain(process.version);
    expect(html).not.toMatch(/\bpid\b/u);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(html).not.toMatch(/\son\w+=/i);
  });

  it('should classify a posted form without JavaScript and highlight the deciding words', async () => {
    const res = await t.app.inject({
      ...form({ text: 'WINNER! Claim your prize now', channel: 'sms' }),
      headers: { ...form({}).headers, 'x-request-id': 'web-1' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('data-prediction="spam"');
    expect(res.body).toContain('<code id="request-id">web-1</code>');
    expect(res.body).toMatch(/<mark class="towards-spam"[^>]*>WINNER<\/mark>/);
    expect(res.body).toMatch(/<meter id="confidence"[^>]*value="\d+(\.\d)?"/);
    const ham = await t.app.inject(form({ text: 'lunch tomorrow? thanks', channel: 'auto' }));
    expect(ham.body).toContain('data-prediction="not_spam"');
  });

  it('should say which threshold decided: the default 0.5 for a model without an operating point, or the one typed', async () => {
    const res = await t.app.inject(form({ text: 'WINNER! Claim your prize now', channel: 'sms' }));
    expect(res.body).toMatch(
      /<p class="decision" id="decision" data-threshold="0.5" data-threshold-source="model">Spam: spam probability \d+(\.\d+)? % ≥ threshold 50 %, the default threshold \(this model has no operating point\)<\/p>/,
    );
    expect(res.body).toContain('<dd id="fact-threshold">0.5 (default)</dd>');
    expect(res.body).toContain('placeholder="0.5"');
    const typed = await t.app.inject(form({ text: 'lunch tomorrow? thanks', channel: 'sms', threshold: '0.001' }));
    expect(typed.statusCode).toBe(200);
    expect(typed.body).toContain('data-prediction="spam"');
    expect(typed.body).toMatch(/Spam: spam probability \d+(\.\d+)? % ≥ threshold 0.1 %, the threshold you gave/);
    expect(typed.body).toMatch(/<input id="threshold" name="threshold"[^>]* value="0.001"/);
    const comma = await t.app.inject(form({ text: 'WINNER! Claim your prize now', threshold: '0,999' }));
    expect(comma.body).toContain('data-prediction="not_spam"');
    expect(comma.body).toMatch(/Not spam: spam probability [\d.]+ % &lt; threshold 99.9 %, the threshold you gave/);
  });

  it.each(['0', '1.5', 'x', '-1'])(
    'should refuse threshold %j with a 400 page that keeps the text and the value',
    async (threshold) => {
      const res = await t.app.inject(form({ text: 'keep this text', threshold }));
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain(
        'Threshold must be a number greater than 0 and at most 1 (for example 0.8), or empty.',
      );
      expect(res.body).toContain('>keep this text</textarea>');
      expect(res.body).toMatch(new RegExp(`<input id="threshold" name="threshold"[^>]* value="${threshold}"`));
    },
  );

  it('should classify an example by its id', async () => {
    const res = await t.app.inject(form({ example: 'prize' }));
    expect(res.body).toContain('data-prediction="spam"');
  });

  it('should escape user text everywhere it is shown', async () => {
    const evil = '<script>alert(1)</script> "winner" <img src=x onerror=alert(2)>';
    const res = await t.app.inject(form({ text: evil }));
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('<script>alert(1)</script>');
    expect(res.body).not.toContain('<img src=x');
    expect(res.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('should show form errors with status 400', async () => {
    const empty = await t.app.inject(form({ text: '   ' }));
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('role="alert"');
    expect(empty.body).toContain('Message must contain a non-whitespace character.');
    const channel = await t.app.inject(form({ text: 'hi', channel: 'fax' }));
    expect(channel.statusCode).toBe(400);
    expect(channel.body).toContain('Channel must be one of sms, email, auto.');
  });

  it('should show the model page with metrics, charts and the model folder', async () => {
    const res = await t.app.inject({ url: '/model' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`<span id="model-version">${V1}</span>`);
    expect(res.body).toContain('/model/charts/0/confusion-matrix.svg');
    expect(res.body).toContain('/model/charts/0/roc.svg');
    expect(tableBody(res.body, 'artifacts')).toMatch(
      /<tr class="active">\s*<td><code>20261101T000000Z-aaaa0001<\/code>[\s\S]*serving/,
    );
    const cm = await t.app.inject({ url: '/model/charts/0/confusion-matrix.svg' });
    expect(cm.statusCode).toBe(200);
    expect(cm.headers['content-type']).toContain('image/svg+xml');
    expect(cm.body).toContain('>964<');
    const roc = await t.app.inject({ url: '/model/charts/0/roc.svg' });
    expect(roc.body).toContain('AUC 0.9900');
    const missing = await t.app.inject({ url: '/model/charts/7/roc.svg' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ status_code: 404, request_id: expect.any(String) });
  });

  it('should show that the model has no operating point and decides at the default 0.5', async () => {
    const res = await t.app.inject({ url: '/model' });
    expect(res.body).toContain(
      '<dd id="operating-point-threshold">0.5 (the default; this model has no operating point)</dd>',
    );
    expect(res.body).not.toContain('id="operating-point-cv"');
  });

  it('should write metric names in words, counts as integers and each F1 with its evaluation set', async () => {
    const res = await t.app.inject({ url: '/model' });
    expect(res.body).toContain('<tr data-metric="rocAuc"><th scope="row">ROC AUC</th><td>0.9900</td></tr>');
    expect(res.body).toContain('<th scope="row">Matthews correlation (MCC)</th>');
    expect(res.body).not.toMatch(/>rocAuc</);
    expect(res.body).toContain('of 149 spam messages 134 caught and 15 missed');
    expect(res.body).not.toContain('No ROC');
    const [artifact] = tableRows(res.body, 'artifacts');
    expect(artifact).toContain('<span class="per-set">sms 0.9300</span>');
    expect(artifact).toContain('<span class="per-set">sms 0.9800</span>');
  });

  it("should show the training report's charts when they belong to the serving model", async () => {
    const page = await t.app.inject({ url: '/model' });
    expect(page.body).toContain('<img src="/model/report/roc_curve.svg" alt="ROC curve"');
    const svg = await t.app.inject({ url: '/model/report/roc_curve.svg' });
    expect(svg.statusCode).toBe(200);
    expect(svg.body).toContain('<title>roc</title>');
    expect((await t.app.inject({ url: '/model/report/report.json' })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/model/report/..%2Fv1.json' })).statusCode).toBe(404);
    writeFileSync(join(t.modelDir, 'report', 'report.json'), JSON.stringify({ model: { version: 'another' } }));
    expect((await t.app.inject({ url: '/model/report/roc_curve.svg' })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/model' })).body).not.toContain('/model/report/');
  });

  it('should serve the stylesheet', async () => {
    const res = await t.app.inject({ url: '/static/style.css' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/css');
  });

  it('should offer labelled feedback buttons under the verdict, carrying the message, request id and channel', async () => {
    const text = 'WINNER! Claim your <b>prize</b> "now"';
    const res = await t.app.inject(form({ text, channel: 'sms' }, '/', { 'x-request-id': 'web-fb-1' }));
    expect(res.statusCode).toBe(200);
    const feedbackForm = /<form method="post" action="\/feedback"[\s\S]*?<\/form>/.exec(res.body)?.[0] ?? '';
    expect(feedbackForm).toContain(
      '<input type="hidden" name="text" value="WINNER! Claim your &lt;b&gt;prize&lt;/b&gt; &quot;now&quot;">',
    );
    expect(feedbackForm).toContain('<input type="hidden" name="request_id" value="web-fb-1">');
    expect(feedbackForm).toContain('<input type="hidden" name="channel" value="sms">');
    expect(feedbackForm).toContain('<input type="hidden" name="source" value="web">');
    expect(feedbackForm).toContain('<legend>');
    expect(feedbackForm).toContain(
      '<button type="submit" name="label" value="spam" id="feedback-spam">This is spam</button>',
    );
    expect(feedbackForm).toContain(
      '<button type="submit" name="label" value="not_spam" id="feedback-not-spam">This is not spam</button>',
    );
    expect(res.body).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(res.body).not.toMatch(/\son\w+=/i);
  });

  it('should save a label posted without JavaScript, redirect (303) and say whether it was new, relabelled or unchanged', async () => {
    const text = 'Free entry in 2 a wkly comp to win FA Cup final tkts';
    const fields = { text, request_id: 'web-fb-2', channel: 'sms', source: 'web' };
    const created = await t.app.inject(feedback({ ...fields, label: 'spam' }));
    expect(created.statusCode).toBe(303);
    const location = created.headers.location as string;
    expect(location).toMatch(/^\/feedback\/saved\?outcome=created&label=spam&id=[0-9a-f-]{36}$/);
    const page = await t.app.inject({ url: location });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.body).toContain('data-outcome="created" data-label="spam">Thank you: saved as spam</h2>');
    const id = new URL(location, 'http://x').searchParams.get('id');
    expect(page.body).toContain(`<code id="feedback-id">${id}</code>`);

    const stored = await t.app.get(FeedbackService, { strict: false }).list({ limit: 10, offset: 0 });
    expect(stored.items.find((item) => item.id === id)).toMatchObject({
      text,
      label: 'spam',
      request_id: 'web-fb-2',
      channel: 'sms',
      source: 'web',
      relabel_count: 0,
    });

    const relabelled = await t.app.inject(feedback({ ...fields, label: 'not_spam' }));
    expect(relabelled.statusCode).toBe(303);
    expect(relabelled.headers.location).toBe(`/feedback/saved?outcome=relabelled&label=not_spam&id=${id}`);
    const relabelledPage = await t.app.inject({ url: relabelled.headers.location as string });
    expect(relabelledPage.body).toContain('Relabelled: now not spam');
    expect(relabelledPage.body).toContain('This message was labelled spam before');

    // Without a source the web route counts the label as the page's; the same label again changes nothing.
    const unchanged = await t.app.inject(feedback({ text, label: 'not_spam' }));
    expect(unchanged.headers.location).toBe(`/feedback/saved?outcome=unchanged&label=not_spam&id=${id}`);
    expect((await t.app.inject({ url: unchanged.headers.location as string })).body).toContain(
      'Unchanged: already not spam',
    );
    const after = await t.app.get(FeedbackService, { strict: false }).list({ limit: 10, offset: 0 });
    expect(after.items.find((item) => item.id === id)).toMatchObject({ label: 'not_spam', relabel_count: 1 });
  });

  it('should accept the post from a browser that sends only a same-host Origin, and from non-browser clients', async () => {
    const sameHost = await t.app.inject(
      feedback(
        { text: 'See you at the station at half past six', label: 'not_spam' },
        { host: 'spam.example:8080', origin: 'http://spam.example:8080' },
      ),
    );
    expect(sameHost.statusCode).toBe(303);
    const noHeaders = await t.app.inject(feedback({ text: 'Can you pick up some milk?', label: 'not_spam' }, {}));
    expect(noHeaders.statusCode).toBe(303);
  });

  it.each([
    [
      'Sec-Fetch-Site: cross-site',
      { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
      'Sec-Fetch-Site: cross-site',
    ],
    ['Sec-Fetch-Site: same-site', { 'sec-fetch-site': 'same-site' }, 'Sec-Fetch-Site: same-site'],
    ['another Origin', { origin: 'https://evil.example' }, 'Origin: https://evil.example'],
    ['an opaque Origin', { origin: 'null' }, 'Origin: null'],
  ])('should refuse a feedback post from another site (%s) with 403 and save nothing', async (_case, headers, why) => {
    const text = `cross-site poison ${why}`;
    const res = await t.app.inject(feedback({ text, label: 'spam' }, headers));
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('role="alert"');
    expect(res.body).toContain(`Not saved: the form was posted from another`);
    expect(res.body).toContain(why);
    const stored = await t.app.get(FeedbackService, { strict: false }).list({ limit: 500, offset: 0 });
    expect(stored.items.some((item) => item.text === text)).toBe(false);
  });

  it.each([
    ['an unknown label', { text: 'hello', label: 'ham' }, 'label', 'must be one of spam, not_spam'],
    ['a missing label', { text: 'hello' }, 'label', 'must be one of spam, not_spam'],
    ['an empty text', { text: '', label: 'spam' }, 'text', 'must not be empty'],
    ['a white-space text', { text: '  \n ', label: 'spam' }, 'text', 'must not be empty or only white space'],
    [
      'an oversized text',
      { text: 'x'.repeat(501), label: 'spam' },
      'text',
      'must be at most 500 characters (FEEDBACK_MAX_TEXT_CHARS), got 501',
    ],
    [
      'an unknown channel',
      { text: 'hello', label: 'spam', channel: 'fax' },
      'channel',
      'must be one of sms, email, auto',
    ],
    ['a bad source', { text: 'hello', label: 'spam', source: 'we b!' }, 'source', 'may only hold letters, digits'],
    ['an overlong request id', { text: 'hello', label: 'spam', request_id: 'r'.repeat(129) }, 'request_id', '128'],
  ])('should show %s as a 400 page naming the field, never a 500', async (_case, fields, field, message) => {
    const res = await t.app.inject(feedback(fields));
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('<h1>Feedback not saved</h1>');
    const item = new RegExp(`<li data-field="${field}"><strong>${field}</strong> ([^<]*)</li>`).exec(res.body);
    expect(item?.[1]).toContain(message);
    // The form again, so the label can be given once the problem is fixed.
    expect(res.body).toContain('<label for="feedback-text">Message</label>');
    expect(res.body).toContain('<button type="submit" name="label" value="spam">This is spam</button>');
  });

  it('should refuse a text sent twice, a JSON body and a body that is not a form with 400 pages', async () => {
    const twice = await t.app.inject({ ...feedback({}), payload: 'text=a&text=b&label=spam' });
    expect(twice.statusCode).toBe(400);
    expect(twice.body).toContain('<strong>text</strong> must be a string');
    const json = await t.app.inject({
      method: 'POST',
      url: '/feedback',
      headers: { 'content-type': 'application/json', ...SAME_ORIGIN },
      payload: JSON.stringify({ label: 'spam' }),
    });
    expect(json.statusCode).toBe(400);
    expect(json.body).toContain('data-field="text"');
    const empty = await t.app.inject({ method: 'POST', url: '/feedback', headers: SAME_ORIGIN });
    expect(empty.statusCode).toBeGreaterThanOrEqual(400);
    expect(empty.statusCode).toBeLessThan(500);
  });

  it('should answer malformed feedback posts with pages below 500', async () => {
    const field = fc.constantFrom('text', 'label', 'request_id', 'channel', 'source', 'x', 'text[]', '__proto__');
    const value = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.constantFrom('spam', 'not_spam', '', ' ', 'sms', 'web', '%00', '\uFFFD', 'x'.repeat(600)),
    );
    const contentType = fc.constantFrom(
      'application/x-www-form-urlencoded',
      'application/x-www-form-urlencoded; charset=iso-8859-1',
      'application/json',
      'text/plain',
    );
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(field, value), { maxLength: 8 }), contentType, async (pairs, type) => {
        const payload =
          type === 'application/json'
            ? JSON.stringify(Object.fromEntries(pairs))
            : pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
        const res = await t.app.inject({
          method: 'POST',
          url: '/feedback',
          headers: { 'content-type': type, ...SAME_ORIGIN },
          payload,
        });
        seen.add(res.statusCode);
        expect(res.statusCode).toBeLessThan(500);
      }),
      { numRuns: 200, seed: 20261127 },
    );
    expect(seen.has(400)).toBe(true);
  });

  it('should answer a failure on a page route with an HTML 500 page, no internals', async () => {
    const presenter = t.app.get(ModelPagePresenter, { strict: false });
    const view = jest.spyOn(presenter, 'view').mockRejectedValueOnce(new Error('boom at /srv/secret/path'));
    try {
      const res = await t.app.inject({ url: '/model', headers: { 'x-request-id': 'page-500' } });
      expect(res.statusCode).toBe(500);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body).toContain('<h1>500 · Internal Server Error</h1>');
      expect(res.body).toContain('<code id="request-id">page-500</code>');
      expect(res.body).not.toContain('boom');
      expect(res.body).not.toContain('/srv/secret');
    } finally {
      view.mockRestore();
    }
  });

  it('should answer an unknown address with an HTML 404 for a browser and JSON for others', async () => {
    const browser = await t.app.inject({ url: '/no-such-page', headers: { accept: 'text/html,*/*;q=0.8' } });
    expect(browser.statusCode).toBe(404);
    expect(browser.headers['content-type']).toContain('text/html');
    expect(browser.body).toContain('<h1>404 · Not Found</h1>');
    expect(browser.body).toContain('There is no page at this address.');
    const client = await t.app.inject({ url: '/no-such-page' });
    expect(client.json()).toMatchObject({ status_code: 404 });
    const api = await t.app.inject({ url: '/api/v1/nope', headers: { accept: 'text/html' } });
    expect(api.headers['content-type']).toContain('application/json');
  });

  it('should answer with a 503 page, no stack trace, when the feedback store fails', async () => {
    const service = t.app.get(FeedbackService, { strict: false });
    const submit = jest.spyOn(service, 'submit').mockRejectedValueOnce(new Error('Connection terminated unexpectedly'));
    try {
      const res = await t.app.inject(feedback({ text: 'WINNER! prize', label: 'spam' }));
      expect(res.statusCode).toBe(503);
      expect(res.body).toContain('your label was not saved');
      expect(res.body).not.toContain('Connection terminated');
      expect(res.body).toContain('<label for="feedback-text">Message</label>');
    } finally {
      submit.mockRestore();
    }
  });

  it('should keep the fields that were fine in the form of the error page, so a retry saves them', async () => {
    const res = await t.app.inject(
      feedback({ text: 'Sorry I missed your call', label: 'ham', request_id: 'web-fb-9', channel: 'fax' }),
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('<input type="hidden" name="request_id" value="web-fb-9">');
    expect(res.body).not.toContain('name="channel"');
    expect(res.body).toContain('>Sorry I missed your call</textarea>');
    const retry = await t.app.inject(
      feedback({ text: 'Sorry I missed your call', request_id: 'web-fb-9', source: 'web', label: 'not_spam' }),
    );
    expect(retry.statusCode).toBe(303);
  });

  it('should escape the message on the feedback error page', async () => {
    const res = await t.app.inject(feedback({ text: '<script>alert(1)</script>', label: 'maybe' }));
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toContain('<script>alert(1)</script>');
    expect(res.body).toContain('>&lt;script&gt;alert(1)&lt;/script&gt;</textarea>');
  });

  it('should refuse a confirmation page with bad parameters with 400 naming each', async () => {
    const res = await t.app.inject({ url: '/feedback/saved?outcome=deleted&label=spam&id=<x>' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('<strong>outcome</strong> must be one of created, relabelled, unchanged');
    expect(res.body).toContain('<strong>id</strong> must be a UUID');
    expect(res.body).not.toContain('<strong>label</strong>');
    expect(res.body).not.toContain('<x>');
  });

  it('should show the training runs and the registered versions with their aliases from the local tracking store', async () => {
    const res = await t.app.inject({ url: '/model' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Tracking store: <strong>local</strong>');
    const runs = tableRows(res.body, 'runs');
    expect(runs).toHaveLength(2);
    expect(runs[0]).toContain('run-v2');
    expect(runs[0]).toContain(`<code>${V2}</code>`);
    expect(runs[0]).toContain('registered v2');
    expect(runs[1]).toContain('run-v1');
    expect(runs[1]).toMatch(/^<tr class="active"/);
    expect(runs[1]).toContain('serving');
    // F1 of figures(134, 2, 964, 15): 268 / 285.
    expect(runs[1]).toContain(`<td>${(268 / 285).toFixed(4)}</td>`);
    const versions = tableRows(res.body, 'versions');
    expect(versions).toHaveLength(2);
    expect(versions[0]).toContain('<td>v2</td>');
    expect(versions[0]).toContain('<span class="alias alias-challenger">challenger</span>');
    expect(versions[0]).toContain('challenger: ');
    expect(versions[1]).toContain('<td>v1</td>');
    expect(versions[1]).toContain('<span class="alias alias-champion">champion</span>');
    expect(versions[1]).toContain('<span class="serving">serving</span>');

    // The page reads the store on every view: a run tracked now shows at once, newest first.
    const third = await logTrainingRun(registry, { ...trainingInput(V3, figures(140, 1, 965, 9)), runName: 'run-v3' });
    await promoteIfBetter(registry, { modelName: 'spam-classifier', version: third.version!.version });
    const again = await t.app.inject({ url: '/model' });
    expect(tableRows(again.body, 'runs')[0]).toContain('run-v3');
    const top = tableRows(again.body, 'versions')[0];
    expect(top).toContain('<td>v3</td>');
    expect(top).toContain('alias-champion');
    expect(tableRows(again.body, 'versions')[2]).not.toContain('alias-champion');
    expect(again.body).toMatch(/<td>finished · registered v3/);

    await rollbackChampion(registry, { modelName: 'spam-classifier' });
    const rolledBack = tableRows((await t.app.inject({ url: '/model' })).body, 'versions')[0];
    expect(rolledBack).toContain('<td>rolled back: rolled back to v1 at ');
    expect(rolledBack).not.toContain('rolled_back');
  });

  it('should limit the textarea to what the body limit carries in any script, and explain a 413 as a page', async () => {
    const home = await t.app.inject({ url: '/' });
    // (1 MiB − 1 KiB) / 9 bytes (a non-Latin character, url-encoded), to the thousand below.
    expect(home.body).toContain('maxlength="116000"');
    expect(home.body).toContain('up to 116000 characters');
    const tooLarge = await t.app.inject(form({ text: 'Привет '.repeat(40_000), channel: 'auto' }));
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.headers['content-type']).toContain('text/html');
    expect(tooLarge.body).toContain('<h1>413 · Payload Too Large</h1>');
    expect(tooLarge.body).toContain('Your text is still in the form:');
  });

  it('should show the source of a raw email behind a disclosure, under the text the model read', async () => {
    const email =
      'From: Prize Desk <prize@example.com>\nTo: you@example.org\nSubject: WINNER <b>now</b>\n' +
      'Content-Type: text/html\n\n<html><body><p>Claim your <font color=red>prize</font> now</p></body></html>';
    const res = await t.app.inject(form({ text: email, channel: 'email' }));
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/<details class="raw-source" id="raw-source">\s*<summary>Source as submitted/);
    expect(res.body).toContain('&lt;font color&#x3D;red&gt;prize&lt;/font&gt;');
    const preview = /<p class="preview" id="preview">([\s\S]*?)<\/p>/.exec(res.body)?.[1] ?? '';
    expect(preview).not.toContain('&lt;font');
    const sms = await t.app.inject(form({ text: 'WINNER! Claim your prize now', channel: 'sms' }));
    expect(sms.body).not.toContain('raw-source');
  });

  it('should detect a SpamAssassin mbox email on auto and carry that channel into the feedback form', async () => {
    const corpus = packageCorpusDir();
    const name = listCorpusFiles(corpus).find((n) => n.startsWith('spam-2/'))!;
    const email = readFileSync(join(corpus, name), 'utf8');
    expect(email.startsWith('From ')).toBe(true);
    const res = await t.app.inject(form({ text: email, channel: 'auto' }));
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<dt>Channel</dt><dd>email</dd>');
    expect(res.body).toContain('<input type="hidden" name="channel" value="email">');
    expect(res.body).toContain('id="raw-source"');
  });

  it('should say when only the first CLASSIFY_MAX_CHARS characters were read', async () => {
    const long = 'see you at home tonight '.repeat(1_100).slice(0, 25_000);
    const res = await t.app.inject(form({ text: long, channel: 'auto' }));
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(
      '<p class="truncation-note" id="truncation-note">Only the first 20,000 of 25,000 characters were read (CLASSIFY_MAX_CHARS).</p>',
    );
    const short = await t.app.inject(form({ text: long.slice(0, 20_000), channel: 'auto' }));
    expect(short.body).not.toContain('truncation-note');
  });

  it('should let Swagger UI style itself inline on the docs routes only, scripts still from the origin', async () => {
    const docs = await t.app.inject({ url: '/api/docs' });
    const csp = String(docs.headers['content-security-policy']);
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(String((await t.app.inject({ url: '/' })).headers['content-security-policy'])).toMatch(
      /style-src 'self'(;|$)/,
    );
  });
});

describe('web page without the platform modules', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      codec: new KeywordArtifactCodec(),
      prepare: (dir) => {
        writeKeywordArtifact(dir, 'v1.json', keywordArtifact(V1, '2026-11-01T00:00:00.000Z'));
      },
    });
  });
  afterAll(() => t.close());

  it('should show no feedback buttons and answer a feedback post with a 404 page', async () => {
    const res = await t.app.inject(form({ text: 'WINNER! prize' }));
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('action="/feedback"');
    const post = await t.app.inject(feedback({ text: 'WINNER! prize', label: 'spam' }));
    expect(post.statusCode).toBe(404);
    expect(post.body).toContain('Feedback is not available on this server');
    expect(post.body).not.toContain('feedback-text');
  });

  it('should say that no tracking store is configured and list the model folder', async () => {
    const res = await t.app.inject({ url: '/model' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('No tracking store is configured');
    expect(tableRows(res.body, 'artifacts')).toHaveLength(1);
  });
});

describe('web page with MLflow unreachable', () => {
  let t: TestApp;
  let url: string;
  beforeAll(async () => {
    url = await MlflowServerDouble.unusedUrl();
    t = await startTestApp({
      codec: new KeywordArtifactCodec(),
      platformModules: [ChampionFollowerModule.forRoot()],
      env: { MLFLOW_TRACKING_URI: url, MLFLOW_MAX_ATTEMPTS: '1', MLFLOW_REQUEST_TIMEOUT_MS: '1000' },
      prepare: (dir) => {
        writeKeywordArtifact(dir, 'v1.json', keywordArtifact(V1, '2026-11-01T00:00:00.000Z'));
      },
    });
  });
  afterAll(() => t.close());

  it('should render the model page with a message instead of the history, the model folder still listed', async () => {
    const res = await t.app.inject({ url: '/model' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Tracking store: <strong>mlflow</strong>');
    expect(res.body).toMatch(
      /<p class="errors" role="alert" id="tracking-error">The tracking store could not be read \([^)]+\)/,
    );
    // The reason is shown, not the internal address of the registry.
    expect(res.body).not.toContain(new URL(url).host);
    expect(res.body).not.toContain(t.dir);
    expect(res.body).not.toContain('id="runs"');
    expect(res.body).toContain(`<span id="model-version">${V1}</span>`);
    expect(tableRows(res.body, 'artifacts')).toHaveLength(1);
    expect(res.body).toContain('<span class="bad">Last check failed:');
  });
});

/** The rows of the table with this id, each from `<tr` to `</tr>`. */
function tableRows(html: string, id: string): string[] {
  return tableBody(html, id).match(/<tr[\s\S]*?<\/tr>/g) ?? [];
}

function tableBody(html: string, id: string): string {
  const table = new RegExp(`<table[^>]*id="${id}"[\\s\\S]*?</table>`).exec(html)?.[0] ?? '';
  return /<tbody>([\s\S]*)<\/tbody>/.exec(table)?.[1] ?? '';
}
