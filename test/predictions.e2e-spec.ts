import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listCorpusFiles, packageCorpusDir } from '../src/training/datasets/spam-assassin';
import { keywordArtifact, KeywordArtifactCodec, writeKeywordArtifact } from './fixtures/service/keyword-classifier';
import { startTestApp, type TestApp } from './fixtures/service/test-app';

const SPAM = 'WINNER!! You have won a prize, claim your free cash now, call 0906';
const HAM = 'Are we still on for lunch tomorrow? Thanks, see you at home';

describe('POST /api/v1/predictions', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      codec: new KeywordArtifactCodec(),
      env: { MAX_TEXT_CHARS: '5000', MAX_BATCH_SIZE: '5', BODY_LIMIT_BYTES: '65536', CLASSIFY_MAX_CHARS: '1000' },
      prepare: (dir) => {
        writeKeywordArtifact(dir, 'v1.json', keywordArtifact('20261101T000000Z-aaaa0001', '2026-11-01T00:00:00.000Z'));
      },
    });
  });
  afterAll(() => t.close());

  const post = (payload: unknown, headers: Record<string, string> = {}, url = '/api/v1/predictions') =>
    t.app.inject({
      method: 'POST',
      url,
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
      headers: { 'content-type': 'application/json', ...headers },
    });

  it('should classify spam and not spam with the model named in the answer', async () => {
    const spam = await post({ text: SPAM, channel: 'sms' });
    expect(spam.statusCode).toBe(200);
    expect(spam.json()).toMatchObject({
      prediction: 'spam',
      channel: 'sms',
      model: { version: '20261101T000000Z-aaaa0001', algorithm: 'logistic_regression' },
    });
    expect(spam.json().spam_probability).toBeGreaterThan(0.5);
    expect(spam.json().confidence).toBeCloseTo(spam.json().spam_probability, 5);
    const ham = await post({ text: HAM });
    expect(ham.json()).toMatchObject({ prediction: 'not_spam' });
    expect(ham.json().confidence).toBeCloseTo(1 - ham.json().spam_probability, 5);
    expect(ham.json().explanation).toBeUndefined();
  });

  it('should add the words that drove the decision with ?explain=true, in log-odds of spam', async () => {
    const res = await post({ text: SPAM }, {}, '/api/v1/predictions?explain=true');
    expect(res.statusCode).toBe(200);
    const { explanation, spam_probability } = res.json();
    expect(Object.keys(explanation).sort()).toEqual(['baseline', 'total', 'towards_not_spam', 'towards_spam', 'unit']);
    expect(explanation.unit).toBe('log_odds');
    const words = explanation.towards_spam.map((w: { word: string }) => w.word);
    expect(words).toEqual(expect.arrayContaining(['winner', 'prize', 'claim']));
    expect(Object.keys(explanation.towards_spam[0]).sort()).toEqual(['weight', 'word']);
    expect(1 / (1 + Math.exp(-explanation.total))).toBeCloseTo(spam_probability, 5);
  });

  it('should say when only the first CLASSIFY_MAX_CHARS characters were read', async () => {
    const long = `${HAM} `.repeat(20).slice(0, 1200) + SPAM;
    const res = await post({ text: long });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      prediction: 'not_spam',
      truncated: { read_chars: 1000, total_chars: long.length },
    });
    expect(Object.keys(res.json().truncated).sort()).toEqual(['read_chars', 'total_chars']);
    expect((await post({ text: long.slice(0, 1000) })).json().truncated).toBeUndefined();
    const batch = await post(
      { messages: [{ text: HAM }, { id: 'long', text: long }] },
      {},
      '/api/v1/predictions/batch',
    );
    expect(batch.json().results[0].truncated).toBeUndefined();
    expect(batch.json().results[1]).toMatchObject({
      id: 'long',
      truncated: { read_chars: 1000, total_chars: long.length },
    });
  });

  it('should detect a SpamAssassin email that starts with an mbox From line as an email on auto', async () => {
    const corpus = packageCorpusDir();
    let file: string | undefined;
    for (const name of listCorpusFiles(corpus)) {
      file = readFileSync(join(corpus, name), 'utf8');
      if (file.startsWith('From ') && file.length < 4000) break;
    }
    expect(file).toBeDefined();
    for (const channel of ['auto', undefined])
      expect((await post({ text: file, channel })).json()).toMatchObject({ channel: 'email' });
    expect((await post({ text: file, channel: 'sms' })).json()).toMatchObject({ channel: 'sms' });
  });

  it('should honour and echo X-Request-Id, and make one when absent', async () => {
    const given = await post({ text: HAM }, { 'x-request-id': 'client-abc.123' });
    expect(given.headers['x-request-id']).toBe('client-abc.123');
    expect(given.json().request_id).toBe('client-abc.123');
    const made = await post({ text: HAM }, { 'x-request-id': 'bad id with spaces' });
    expect(made.json().request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(made.headers['x-request-id']).toBe(made.json().request_id);
  });

  it('should write exactly one log line per prediction with the stable fields and no text', async () => {
    const before = t.logs.length;
    await post({ text: SPAM }, { 'x-request-id': 'log-line-check' });
    const lines = t.logs
      .slice(before)
      .filter((l) => l.request_id === 'log-line-check' || (l.req as { id?: string })?.id === 'log-line-check');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      msg: 'prediction',
      request_id: 'log-line-check',
      prediction: 'spam',
      model_version: '20261101T000000Z-aaaa0001',
      pod_name: 'test-pod',
      channel: 'sms',
      text_length: SPAM.length,
    });
    expect(lines[0].text_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(typeof lines[0].latency_ms).toBe('number');
    expect(typeof lines[0].spam_probability).toBe('number');
    expect(JSON.stringify(lines[0])).not.toContain('WINNER');
  });

  it.each([
    ['missing text', {}, 'text'],
    ['text as a number (no coercion)', { text: 42 }, 'text'],
    ['empty text', { text: '' }, 'text'],
    ['whitespace text', { text: '   \n' }, 'text'],
    ['unknown channel', { text: 'hi', channel: 'fax' }, 'channel'],
    ['unknown key (not silently dropped)', { text: 'hi', extra: 1 }, 'extra'],
    ['text over MAX_TEXT_CHARS', { text: 'a'.repeat(5001) }, 'text'],
  ])('should answer 400 naming the field for %s', async (_case, body, field) => {
    const res = await post(body);
    expect(res.statusCode).toBe(400);
    const json = res.json();
    expect(json).toMatchObject({ status_code: 400, error: 'Bad Request', request_id: expect.any(String) });
    expect(json.details.map((d: { field: string }) => d.field)).toContain(field);
    expect(json.message).toContain(field);
  });

  it('should name the limit when the text is too long', async () => {
    const res = await post({ text: 'a'.repeat(5001) });
    expect(res.json().message).toBe('text must be at most 5000 characters (MAX_TEXT_CHARS), got 5001');
  });

  it('should answer 400 in the error shape for JSON that does not parse', async () => {
    const res = await post('{"text": "unterminated');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ status_code: 400, error: 'Bad Request', request_id: expect.any(String) });
    expect(res.json().message).toMatch(/JSON/);
  });

  it('should answer 413 in the error shape for a body over BODY_LIMIT_BYTES', async () => {
    const res = await post({ text: 'a'.repeat(70_000) });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({
      status_code: 413,
      error: 'Payload Too Large',
      message: expect.stringContaining('BODY_LIMIT_BYTES'),
    });
  });

  it('should answer 415 in the error shape for an unsupported content type', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/predictions',
      payload: '<text/>',
      headers: { 'content-type': 'application/xml' },
    });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ status_code: 415, request_id: expect.any(String) });
  });

  it('should answer 404 in the error shape for an unknown route', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here', headers: { 'x-request-id': 'nf-1' } });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      status_code: 404,
      error: 'Not Found',
      message: expect.any(String),
      request_id: 'nf-1',
    });
  });

  describe('batch', () => {
    it('should classify messages in order and echo their ids', async () => {
      const res = await post(
        {
          messages: [
            { id: 'a', text: SPAM },
            { text: HAM, channel: 'email' },
            { id: 'c', text: 'Subject: hi\nFrom: x@y.z\n\nlunch tomorrow?' },
          ],
        },
        {},
        '/api/v1/predictions/batch',
      );
      expect(res.statusCode).toBe(200);
      const { results, model, request_id } = res.json();
      expect(results).toEqual([
        expect.objectContaining({ id: 'a', prediction: 'spam', channel: 'sms' }),
        expect.objectContaining({ prediction: 'not_spam', channel: 'email' }),
        expect.objectContaining({ id: 'c', prediction: 'not_spam', channel: 'email' }),
      ]);
      expect(results[1].id).toBeUndefined();
      expect(model.version).toBe('20261101T000000Z-aaaa0001');
      expect(request_id).toEqual(expect.any(String));
    });

    it('should explain each message with ?explain=true, as the single route does', async () => {
      const res = await post(
        { messages: [{ text: SPAM }, { text: HAM }] },
        {},
        '/api/v1/predictions/batch?explain=true',
      );
      expect(res.statusCode).toBe(200);
      const single = await post({ text: SPAM }, {}, '/api/v1/predictions?explain=true');
      expect(res.json().results[0].explanation).toEqual(single.json().explanation);
      expect(res.json().results[1].explanation.towards_not_spam.length).toBeGreaterThan(0);
      const plain = await post({ messages: [{ text: SPAM }] }, {}, '/api/v1/predictions/batch');
      expect(plain.json().results[0].explanation).toBeUndefined();
      const bad = await post({ messages: [{ text: SPAM }] }, {}, '/api/v1/predictions/batch?explain=maybe');
      expect(bad.statusCode).toBe(400);
    });

    it('should refuse more than MAX_BATCH_SIZE messages naming the limit', async () => {
      const res = await post(
        { messages: Array.from({ length: 6 }, () => ({ text: HAM })) },
        {},
        '/api/v1/predictions/batch',
      );
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toContain('at most 5 items (MAX_BATCH_SIZE)');
      expect(res.json().details[0].field).toBe('messages');
    });

    it('should name the message at fault', async () => {
      const res = await post({ messages: [{ text: HAM }, { text: 7 }] }, {}, '/api/v1/predictions/batch');
      expect(res.statusCode).toBe(400);
      expect(res.json().details[0].field).toBe('messages.1.text');
      const long = await post(
        { messages: [{ text: HAM }, { text: 'b'.repeat(5001) }] },
        {},
        '/api/v1/predictions/batch',
      );
      expect(long.json().details[0]).toEqual({
        field: 'messages.1.text',
        message: 'must be at most 5000 characters (MAX_TEXT_CHARS)',
      });
      const empty = await post({ messages: [] }, {}, '/api/v1/predictions/batch');
      expect(empty.statusCode).toBe(400);
      expect(empty.json().details[0].field).toBe('messages');
    });
  });

  describe("the seed's routes", () => {
    it("should answer POST /predict in the seed's shape", async () => {
      const res = await post({ text: SPAM }, {}, '/predict');
      expect(res.statusCode).toBe(200);
      expect(Object.keys(res.json()).sort()).toEqual(['confidence', 'model_version', 'prediction', 'request_id']);
      expect(res.json().prediction).toBe('spam');
      expect((await post({ text: HAM }, {}, '/predict')).json().prediction).toBe('ham');
      const bad = await post({ txt: 'x' }, {}, '/predict');
      expect(bad.statusCode).toBe(400);
      expect(bad.json().details[0].field).toBe('text');
    });

    it('should answer GET /health, /ready and /info', async () => {
      expect((await t.app.inject({ url: '/health' })).json()).toEqual({
        status: 'healthy',
        model_loaded: true,
        model_version: '20261101T000000Z-aaaa0001',
      });
      expect((await t.app.inject({ url: '/ready' })).statusCode).toBe(200);
      const info = (await t.app.inject({ url: '/info' })).json();
      expect(info).toMatchObject({
        version: '20261101T000000Z-aaaa0001',
        algorithm: 'logistic_regression',
        training_data_fingerprint: 'sha256:20261101T000000Z-aaaa0001',
      });
    });
  });

  it('should send security headers and a CSP without inline scripts', async () => {
    const res = await t.app.inject({ url: '/' });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});
