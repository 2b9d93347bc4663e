import type { OperatingPoint } from '../src/engine';
import { keywordArtifact, KeywordArtifactCodec, writeKeywordArtifact } from './fixtures/service/keyword-classifier';
import { startTestApp, type TestApp } from './fixtures/service/test-app';

/** p ≈ 0.475 on the keyword model (bias −1, "call" +0.9): between any threshold a test asks for. */
const MIDDLE = 'call';
/** p ≈ 0.646 ("free" +1.6): spam at 0.5, not spam at the model's operating point 0.73. */
const LEANING = 'free';
const SPAM = 'WINNER!! You have won a prize, claim your free cash now, call 0906';
const HAM = 'Are we still on for lunch tomorrow? Thanks, see you at home';
const RAW_EMAIL = [
  'From: "Desk" <desk@example.org>',
  'To: someone@example.org',
  'Subject: call',
  'Content-Type: text/html; charset=utf-8',
  '',
  '<p>call</p>',
].join('\r\n');

const POINT: OperatingPoint = {
  threshold: 0.73,
  maxFpRate: 0.001,
  chosenBy: 'out-of-fold probabilities of 5-fold cross-validation of the calibration',
  cv: { fpRate: 0.0009, recall: 0.91, precision: 0.99, f1: 0.95, fp: 4, fn: 60 },
};
const V_POINT = '20261201T000000Z-bbbb0001';
const V_OLD = '20261101T000000Z-aaaa0001';

const BAD_THRESHOLDS: Array<[string, unknown]> = [
  ['0', 0],
  ['1.5', 1.5],
  ['"x"', 'x'],
  ['-1', -1],
  ['"0.5" (a string)', '0.5'],
  ['null', null],
];

describe('decision thresholds: a model with an operating point', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      codec: new KeywordArtifactCodec(),
      prepare: (dir) => {
        writeKeywordArtifact(
          dir,
          'v1.json',
          keywordArtifact(V_POINT, '2026-12-01T00:00:00.000Z', undefined, undefined, POINT),
        );
      },
    });
  });
  afterAll(() => t.close());

  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url,
      payload: JSON.stringify(payload),
      headers: { 'content-type': 'application/json', ...headers },
    });

  it("should decide at the model's operating point and say so in every answer", async () => {
    const leaning = await post('/api/v1/predictions', { text: LEANING });
    expect(leaning.statusCode).toBe(200);
    expect(leaning.json()).toMatchObject({ prediction: 'not_spam', threshold: 0.73, threshold_source: 'model' });
    expect(leaning.json().spam_probability).toBeCloseTo(0.646, 3);
    // Not spam although p > 0.5: the confidence in "not spam" is below one half.
    expect(leaning.json().confidence).toBeCloseTo(0.354, 3);
    const spam = await post('/api/v1/predictions', { text: SPAM });
    expect(spam.json()).toMatchObject({ prediction: 'spam', threshold: 0.73, threshold_source: 'model' });
  });

  it("should let the body's threshold decide instead: the same text spam at 0.01, not spam at 0.99", async () => {
    const low = await post('/api/v1/predictions', { text: MIDDLE, threshold: 0.01 });
    const high = await post('/api/v1/predictions', { text: MIDDLE, threshold: 0.99 });
    expect(low.statusCode).toBe(200);
    expect(low.json()).toMatchObject({ prediction: 'spam', threshold: 0.01, threshold_source: 'request' });
    expect(high.json()).toMatchObject({ prediction: 'not_spam', threshold: 0.99, threshold_source: 'request' });
    expect(low.json().spam_probability).toBe(high.json().spam_probability);
    const half = await post('/api/v1/predictions', { text: LEANING, threshold: 0.5 });
    expect(half.json()).toMatchObject({ prediction: 'spam', threshold: 0.5, threshold_source: 'request' });
    const one = await post('/api/v1/predictions', { text: SPAM, threshold: 1 });
    expect(one.json()).toMatchObject({ prediction: 'not_spam', threshold: 1 });
  });

  it('should take the threshold with a raw email and with ?explain=true', async () => {
    const low = await post('/api/v1/predictions?explain=true', { text: RAW_EMAIL, channel: 'email', threshold: 0.01 });
    expect(low.statusCode).toBe(200);
    expect(low.json()).toMatchObject({
      prediction: 'spam',
      channel: 'email',
      threshold: 0.01,
      threshold_source: 'request',
    });
    expect(low.json().explanation.towards_spam.map((w: { word: string }) => w.word)).toContain('call');
    const high = await post('/api/v1/predictions', { text: RAW_EMAIL, threshold: 0.99 });
    expect(high.json()).toMatchObject({ prediction: 'not_spam', channel: 'email', threshold: 0.99 });
  });

  it('should decide a whole batch with one body-level threshold, each result saying which', async () => {
    const messages = [
      { id: 'm', text: MIDDLE },
      { id: 'l', text: LEANING },
      { id: 'e', text: RAW_EMAIL },
      { text: HAM },
    ];
    const model = await post('/api/v1/predictions/batch', { messages });
    expect(model.statusCode).toBe(200);
    expect(
      model.json().results.map((r: Record<string, unknown>) => [r.prediction, r.threshold, r.threshold_source]),
    ).toEqual([
      ['not_spam', 0.73, 'model'],
      ['not_spam', 0.73, 'model'],
      ['not_spam', 0.73, 'model'],
      ['not_spam', 0.73, 'model'],
    ]);
    const low = await post('/api/v1/predictions/batch', { messages, threshold: 0.3 });
    expect(
      low.json().results.map((r: Record<string, unknown>) => [r.id, r.prediction, r.threshold, r.threshold_source]),
    ).toEqual([
      ['m', 'spam', 0.3, 'request'],
      ['l', 'spam', 0.3, 'request'],
      ['e', 'spam', 0.3, 'request'],
      [undefined, 'not_spam', 0.3, 'request'],
    ]);
  });

  it.each(BAD_THRESHOLDS)(
    'should answer threshold %s with a 400 naming the field and the range',
    async (_name, threshold) => {
      for (const [url, body] of [
        ['/api/v1/predictions', { text: MIDDLE, threshold }],
        ['/api/v1/predictions/batch', { messages: [{ text: MIDDLE }], threshold }],
      ] as const) {
        const res = await post(url, body, { 'x-request-id': 'bad-threshold' });
        expect(res.statusCode).toBe(400);
        expect(res.json()).toEqual({
          status_code: 400,
          error: 'Bad Request',
          message: `threshold must be a number greater than 0 and at most 1, got ${JSON.stringify(threshold)}`,
          details: [{ field: 'threshold', message: 'must be a number greater than 0 and at most 1' }],
          request_id: 'bad-threshold',
        });
      }
    },
  );

  it('should still refuse a threshold per message of a batch: there is one per request', async () => {
    const res = await post('/api/v1/predictions/batch', { messages: [{ text: MIDDLE, threshold: 0.2 }] });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toBe('messages.0.threshold is not allowed');
  });

  it('should log the threshold that decided each prediction and where it came from', async () => {
    const before = t.logs.length;
    await post('/api/v1/predictions', { text: MIDDLE }, { 'x-request-id': 'log-model' });
    await post('/api/v1/predictions', { text: MIDDLE, threshold: 0.2 }, { 'x-request-id': 'log-request' });
    await post(
      '/api/v1/predictions/batch',
      { messages: [{ text: MIDDLE }, { text: HAM }], threshold: 0.9 },
      { 'x-request-id': 'log-batch' },
    );
    const lines = t.logs.slice(before).filter((l) => l.msg === 'prediction');
    expect(lines.map((l) => [l.request_id, l.prediction, l.threshold, l.threshold_source])).toEqual([
      ['log-model', 'not_spam', 0.73, 'model'],
      ['log-request', 'spam', 0.2, 'request'],
      ['log-batch', 'not_spam', 0.9, 'request'],
      ['log-batch', 'not_spam', 0.9, 'request'],
    ]);
  });

  it("should answer the KServe route at the model's point or at parameters.threshold, and say which", async () => {
    const infer = (body: Record<string, unknown>) =>
      post('/v2/models/spam-classifier/infer', {
        inputs: [{ name: 'text', shape: [2], datatype: 'BYTES', data: [MIDDLE, SPAM] }],
        ...body,
      });
    const model = await infer({});
    expect(model.statusCode).toBe(200);
    expect(model.json().parameters).toEqual({ threshold: 0.73, threshold_source: 'model' });
    expect(model.json().outputs.map((o: { name: string }) => o.name)).toEqual(['label', 'spam_probability']);
    expect(model.json().outputs[0].data).toEqual(['not_spam', 'spam']);
    const low = await infer({ parameters: { threshold: 0.01 }, outputs: [{ name: 'label' }, { name: 'threshold' }] });
    expect(low.json().parameters).toEqual({ threshold: 0.01, threshold_source: 'request' });
    expect(low.json().outputs).toEqual([
      { name: 'label', shape: [2], datatype: 'BYTES', data: ['spam', 'spam'] },
      { name: 'threshold', shape: [2], datatype: 'FP64', data: [0.01, 0.01] },
    ]);
    const bad = await infer({ parameters: { threshold: 2 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      message: 'parameters.threshold must be a number greater than 0 and at most 1, got 2',
      details: [{ field: 'parameters.threshold', message: 'must be a number greater than 0 and at most 1' }],
    });
    const meta = (await t.app.inject({ url: '/v2/models/spam-classifier' })).json();
    expect(meta.outputs).toContainEqual({ name: 'threshold', datatype: 'FP64', shape: [-1] });
  });

  it('should show the threshold that decided on the page, and the operating point on the model page', async () => {
    const page = await t.app.inject({
      method: 'POST',
      url: '/',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ text: LEANING, channel: 'sms' }).toString(),
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-prediction="not_spam"');
    expect(page.body).toContain(
      'Not spam: spam probability 64.6 % &lt; threshold 73 %, the model&#x27;s operating point</p>',
    );
    expect(page.body).toContain('<dd id="fact-threshold">0.73 (operating point)</dd>');
    const model = await t.app.inject({ url: '/model' });
    expect(model.body).toContain('<dd id="operating-point-threshold">0.73 (spam from 73 %)</dd>');
    expect(model.body).toContain('<dd id="operating-point-target">at most 0.1 %</dd>');
    expect(model.body).toContain(
      '<dd id="operating-point-chosen">Out-of-fold probabilities of 5-fold cross-validation of the calibration.</dd>',
    );
    expect(model.body).toContain(
      '<th scope="row">Training rows</th><td>0.73</td><td>≤ 0.1 %</td><td>0.09 % (4 not-spam flagged)</td><td>91 % (60 spam missed)</td><td>99 %</td><td>0.9500</td>',
    );
  });

  it("should show the operating point on the model's card", async () => {
    const res = await t.app.inject({ url: '/api/v1/model' });
    expect(res.statusCode).toBe(200);
    expect(res.json().operating_point).toEqual({
      threshold: 0.73,
      max_fp_rate: 0.001,
      chosen_by: POINT.chosenBy,
      cv: { fp_rate: 0.0009, recall: 0.91, precision: 0.99, f1: 0.95, fp: 4, fn: 60 },
      channels: {},
      recorded: true,
    });
  });
});

describe('decision thresholds: a model made before operating points', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      codec: new KeywordArtifactCodec(),
      prepare: (dir) => {
        writeKeywordArtifact(dir, 'v1.json', keywordArtifact(V_OLD, '2026-11-01T00:00:00.000Z'));
      },
    });
  });
  afterAll(() => t.close());

  it('should decide at 0.5 and say that the model has no operating point', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/predictions',
      payload: JSON.stringify({ text: LEANING }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.json()).toMatchObject({ prediction: 'spam', threshold: 0.5, threshold_source: 'model' });
    const card = (await t.app.inject({ url: '/api/v1/model' })).json();
    expect(card.operating_point).toEqual({
      threshold: 0.5,
      max_fp_rate: null,
      chosen_by: 'the default 0.5: this model records no operating point',
      cv: null,
      channels: {},
      recorded: false,
    });
  });
});

describe('decision thresholds: a model with a threshold per channel', () => {
  let t: TestApp;
  const PER_CHANNEL: OperatingPoint = {
    threshold: 0.7,
    maxFpRate: 0.001,
    chosenBy:
      "lowest threshold keeping the false-positive rate ≤ 0.1 %; each channel's own threshold from its own rows",
    cv: null,
    channels: {
      sms: {
        threshold: 0.3,
        maxFpRate: 0.001,
        cv: { fpRate: 0.001, recall: 0.9, precision: 0.99, f1: 0.94, fp: 4, fn: 70 },
      },
      email: { threshold: 0.9, maxFpRate: 0.004, cv: null },
    },
  };

  beforeAll(async () => {
    t = await startTestApp({
      codec: new KeywordArtifactCodec(),
      prepare: (dir) => {
        writeKeywordArtifact(
          dir,
          'v1.json',
          keywordArtifact('20261202T000000Z-cccc0001', '2026-12-02T00:00:00.000Z', undefined, undefined, PER_CHANNEL),
        );
      },
    });
  });
  afterAll(() => t.close());

  const post = (url: string, payload: unknown) =>
    t.app.inject({
      method: 'POST',
      url,
      payload: JSON.stringify(payload),
      headers: { 'content-type': 'application/json' },
    });

  it("should decide each message at its channel's threshold, single, batch and KServe alike", async () => {
    expect((await post('/api/v1/predictions', { text: MIDDLE, channel: 'sms' })).json()).toMatchObject({
      prediction: 'spam',
      channel: 'sms',
      threshold: 0.3,
      threshold_source: 'model',
    });
    expect((await post('/api/v1/predictions', { text: MIDDLE, channel: 'email' })).json()).toMatchObject({
      prediction: 'not_spam',
      channel: 'email',
      threshold: 0.9,
      threshold_source: 'model',
    });
    const batch = await post('/api/v1/predictions/batch', {
      messages: [
        { text: MIDDLE, channel: 'sms' },
        { text: MIDDLE, channel: 'email' },
        { text: RAW_EMAIL },
        { text: MIDDLE },
      ],
    });
    expect(batch.json().results.map((r: Record<string, unknown>) => [r.channel, r.prediction, r.threshold])).toEqual([
      ['sms', 'spam', 0.3],
      ['email', 'not_spam', 0.9],
      ['email', 'not_spam', 0.9],
      ['sms', 'spam', 0.3],
    ]);
    // The request's threshold decides every channel alike.
    const typed = await post('/api/v1/predictions/batch', {
      messages: [
        { text: MIDDLE, channel: 'sms' },
        { text: MIDDLE, channel: 'email' },
      ],
      threshold: 0.4,
    });
    expect(
      typed.json().results.map((r: Record<string, unknown>) => [r.prediction, r.threshold, r.threshold_source]),
    ).toEqual([
      ['spam', 0.4, 'request'],
      ['spam', 0.4, 'request'],
    ]);
    const infer = await post('/v2/models/spam-classifier/infer', {
      inputs: [{ name: 'text', shape: [2], datatype: 'BYTES', data: [MIDDLE, RAW_EMAIL] }],
      outputs: [{ name: 'label' }, { name: 'threshold' }],
    });
    expect(infer.json().outputs).toEqual([
      { name: 'label', shape: [2], datatype: 'BYTES', data: ['spam', 'not_spam'] },
      { name: 'threshold', shape: [2], datatype: 'FP64', data: [0.3, 0.9] },
    ]);
  });

  it("should show each channel's threshold on the card and the pages", async () => {
    const card = (await t.app.inject({ url: '/api/v1/model' })).json();
    expect(card.operating_point.channels).toEqual({
      sms: {
        threshold: 0.3,
        max_fp_rate: 0.001,
        cv: { fp_rate: 0.001, recall: 0.9, precision: 0.99, f1: 0.94, fp: 4, fn: 70 },
      },
      email: { threshold: 0.9, max_fp_rate: 0.004, cv: null },
    });
    const page = await t.app.inject({
      method: 'POST',
      url: '/',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ text: MIDDLE, channel: 'sms' }).toString(),
    });
    expect(page.body).toContain(
      'Spam: spam probability 47.5 % ≥ threshold 30 %, the model&#x27;s operating point for SMS</p>',
    );
    expect(page.body).toContain('<dd id="fact-threshold">SMS 0.3, e-mail 0.9 (operating points per channel)</dd>');
    expect(page.body).not.toContain('placeholder=');
    const model = await t.app.inject({ url: '/model' });
    expect(model.body).toContain('each channel below has its own, which decides its messages');
    expect(model.body).toMatch(
      /<th scope="row">SMS rows<\/th><td>0.3<\/td><td>≤ 0.1 %<\/td><td>0.1 % \(4 not-spam flagged\)<\/td>/,
    );
    expect(model.body).toMatch(/<th scope="row">e-mail rows<\/th><td>0.9<\/td><td>≤ 0.4 %<\/td><td>–<\/td>/);
    const metrics = (await t.app.inject({ url: '/metrics' })).body;
    for (const [channel, value] of [
      ['any', '0.7'],
      ['sms', '0.3'],
      ['email', '0.9'],
    ])
      expect(metrics).toContain(
        `spam_model_threshold{version="20261202T000000Z-cccc0001",channel="${channel}"} ${value}\n`,
      );
  });
});
