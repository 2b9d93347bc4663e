import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keywordArtifact, KeywordArtifactCodec, writeKeywordArtifact } from './fixtures/service/keyword-classifier';
import { startTestApp, type TestApp } from './fixtures/service/test-app';

const V1 = '20261101T000000Z-aaaa0001';
const form = (fields: Record<string, string>) => ({
  method: 'POST' as const,
  url: '/',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  payload: new URLSearchParams(fields).toString(),
});

describe('web page', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      codec: new KeywordArtifactCodec(),
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
  afterAll(() => t.close());

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
    expect(html).toContain('test-pod');
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

  it('should show the model page with metrics, charts and history', async () => {
    const res = await t.app.inject({ url: '/model' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`<span id="model-version">${V1}</span>`);
    expect(res.body).toContain('/model/charts/0/confusion-matrix.svg');
    expect(res.body).toContain('/model/charts/0/roc.svg');
    expect(res.body).toContain('serving');
    const cm = await t.app.inject({ url: '/model/charts/0/confusion-matrix.svg' });
    expect(cm.statusCode).toBe(200);
    expect(cm.headers['content-type']).toContain('image/svg+xml');
    expect(cm.body).toContain('>964<');
    const roc = await t.app.inject({ url: '/model/charts/0/roc.svg' });
    expect(roc.body).toContain('AUC 0.9900');
    const missing = await t.app.inject({ url: '/model/charts/7/roc.svg' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ statusCode: 404, request_id: expect.any(String) });
  });

  it("should show the training report's charts when they belong to the serving model", async () => {
    const page = await t.app.inject({ url: '/model' });
    expect(page.body).toContain('<img src="/model/report/roc_curve.svg" alt="roc curve"');
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
});
