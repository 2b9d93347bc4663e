import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Validator } from '@seriousme/openapi-schema-validator';
import { FeedbackController } from '../src/feedback/feedback.controller';
import { TrainingRunsController } from '../src/retraining/training-runs.controller';
import { createTrainingTestApp, type TrainingTestApp } from './support/training-test-app';

describe(FeedbackController.name, () => {
  let harness: TrainingTestApp;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    harness = await createTrainingTestApp({ FEEDBACK_MAX_TEXT_CHARS: '1000', RETRAIN_MIN_NEW_FEEDBACK: '1000' });
    app = harness.app;
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
  });

  const post = (payload: unknown) =>
    app.inject({ method: 'POST', url: '/api/v1/feedback', payload: payload as object });

  it('should store new feedback (201 created), then answer unchanged and relabelled (200) for the same text', async () => {
    const created = await post({
      text: 'Free entry in 2 a wkly comp',
      label: 'spam',
      channel: 'sms',
      request_id: 'req-1',
      source: 'web',
    });
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body).toMatchObject({
      outcome: 'created',
      feedback: {
        text: 'Free entry in 2 a wkly comp',
        label: 'spam',
        channel: 'sms',
        request_id: 'req-1',
        source: 'web',
        relabel_count: 0,
      },
    });
    expect(body.feedback.content_hash).toMatch(/^[0-9a-f]{64}$/u);

    const again = await post({ text: 'Free  entry in 2 a wkly comp ', label: 'spam' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ outcome: 'unchanged', feedback: { id: body.feedback.id } });

    const relabelled = await post({ text: 'Free entry in 2 a wkly comp', label: 'not_spam' });
    expect(relabelled.statusCode).toBe(200);
    expect(relabelled.json()).toMatchObject({
      outcome: 'relabelled',
      feedback: { id: body.feedback.id, label: 'not_spam', relabel_count: 1 },
    });
  });

  it.each([
    ['an unknown label', { text: 'x', label: 'ham' }, 'label', 'label must be one of spam, not_spam'],
    ['a missing text', { label: 'spam' }, 'text', 'text'],
    ['an empty text', { text: '', label: 'spam' }, 'text', 'text must not be empty'],
    ['a white-space text', { text: '   \n ', label: 'spam' }, 'text', 'text must not be empty or only white space'],
    [
      'an oversized text',
      { text: 'a'.repeat(1001), label: 'spam' },
      'text',
      'text must be at most 1000 characters (FEEDBACK_MAX_TEXT_CHARS), got 1001',
    ],
    ['a number as text', { text: 42, label: 'spam' }, 'text', 'text must be a string'],
    [
      'an unknown channel',
      { text: 'x', label: 'spam', channel: 'fax' },
      'channel',
      'channel must be one of sms, email, auto',
    ],
    ['an unknown key', { text: 'x', label: 'spam', extra: 1 }, 'extra', 'extra'],
  ])('should refuse %s with 400 naming the field', async (_case, payload, field, message) => {
    const response = await post(payload);
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body).toMatchObject({ status_code: 400, error: 'Bad Request' });
    expect(body.message).toContain(message);
    expect(JSON.stringify(body.details)).toContain(field);
    expect(body.request_id).toEqual(expect.any(String));
  });

  it.each([
    ['a form post', 'application/x-www-form-urlencoded', 'text=WINNER+claim+your+prize&label=not_spam'],
    ['a text/plain post', 'text/plain', '{"text":"WINNER claim your prize","label":"not_spam"}'],
    ['a multipart post', 'multipart/form-data; boundary=x', '--x--'],
  ])('should refuse %s with 415 naming application/json, storing nothing', async (_case, type, payload) => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/feedback',
      headers: { 'content-type': type, origin: 'http://elsewhere.example' },
      payload,
    });
    expect(response.statusCode).toBe(415);
    expect(response.json()).toMatchObject({
      status_code: 415,
      error: 'Unsupported Media Type',
      details: { accepted: ['application/json'] },
    });
    expect(response.json().message).toMatch(/application\/json/u);
    const list = await app.inject({ url: '/api/v1/feedback?label=not_spam', headers: harness.admin });
    expect(list.json().items.map((i: { text: string }) => i.text)).not.toContain('WINNER claim your prize');
  });

  it('should name the accepted type in the details of a 415 for a form the service can parse', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/feedback',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'text=x&label=spam',
    });
    expect(response.json()).toMatchObject({
      message: 'unsupported Content-Type "application/x-www-form-urlencoded"; this route accepts application/json only',
      details: { accepted: ['application/json'] },
    });
  });

  it('should accept JSON with a charset parameter', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/feedback',
      headers: { 'content-type': 'Application/JSON; charset=utf-8' },
      payload: JSON.stringify({ text: 'labelled with a charset', label: 'spam' }),
    });
    expect(response.statusCode).toBe(201);
  });

  it('should require the admin token to list and delete', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/v1/feedback' })).statusCode).toBe(401);
    const wrong = await app.inject({
      method: 'GET',
      url: '/api/v1/feedback',
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrong.statusCode).toBe(403);
    const del = await app.inject({ method: 'DELETE', url: '/api/v1/feedback/00000000-0000-4000-8000-000000000000' });
    expect(del.statusCode).toBe(401);
  });

  it('should list paginated and filtered by label and date, newest label first', async () => {
    const before = new Date().toISOString();
    for (const [i, label] of ['spam', 'not_spam', 'spam'].entries()) {
      expect((await post({ text: `listed message ${i}`, label })).statusCode).toBe(201);
      await new Promise((r) => setTimeout(r, 3));
    }
    const list = (query: string) =>
      app.inject({ method: 'GET', url: `/api/v1/feedback?${query}`, headers: harness.admin });

    const firstPage = await list(`from=${encodeURIComponent(before)}&limit=2`);
    expect(firstPage.statusCode).toBe(200);
    expect(firstPage.json()).toMatchObject({ total: 3, limit: 2, offset: 0 });
    expect(firstPage.json().items.map((i: { text: string }) => i.text)).toEqual([
      'listed message 2',
      'listed message 1',
    ]);
    const secondPage = await list(`from=${encodeURIComponent(before)}&limit=2&offset=2`);
    expect(secondPage.json().items.map((i: { text: string }) => i.text)).toEqual(['listed message 0']);

    const spam = await list(`label=spam&from=${encodeURIComponent(before)}`);
    expect(spam.json().items.map((i: { text: string }) => i.text)).toEqual(['listed message 2', 'listed message 0']);
    const none = await list(`to=${encodeURIComponent(before)}&label=spam`);
    expect(none.json().items.every((i: { labelled_at: string }) => i.labelled_at < before)).toBe(true);

    for (const [query, message] of [
      ['limit=0', 'limit must be an integer from 1 to 500'],
      ['limit=501', 'limit must be an integer from 1 to 500'],
      ['offset=-1', 'offset must be an integer from 0 to 2147483647'],
      ['offset=99999999999999999999', 'offset must be an integer from 0 to 2147483647'],
      ['label=ham', 'label must be one of'],
      ['from=yesterday', 'from must be an ISO 8601 date'],
      ['from=2026-12-01&to=2026-11-01', 'from must not be after to'],
    ]) {
      const bad = await list(query);
      expect(bad.statusCode).toBe(400);
      expect(bad.json().message).toContain(message);
    }
  });

  it('should delete by id (unlearn): 204, then 404 for the same id, 400 for a malformed one', async () => {
    const { feedback } = (await post({ text: 'to be unlearned', label: 'spam' })).json();
    const del = () => app.inject({ method: 'DELETE', url: `/api/v1/feedback/${feedback.id}`, headers: harness.admin });
    expect((await del()).statusCode).toBe(204);
    const gone = await del();
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toMatchObject({ status_code: 404, message: `feedback ${feedback.id} not found` });
    const malformed = await app.inject({ method: 'DELETE', url: '/api/v1/feedback/42', headers: harness.admin });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().message).toContain('id must be a UUID');
  });

  describe(TrainingRunsController.name, () => {
    const runs = (method: 'GET' | 'POST', url = '/api/v1/training/runs', payload?: unknown, headers = harness.admin) =>
      app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });

    it('should require the admin token', async () => {
      expect((await runs('POST', undefined, { force: true }, {} as typeof harness.admin)).statusCode).toBe(401);
      expect(
        (await runs('GET', '/api/v1/training/runs/x', undefined, { authorization: 'Bearer wrong' })).statusCode,
      ).toBe(403);
    });

    it('should answer 200 without an id when too few labels are new, naming both numbers and how to force', async () => {
      const response = await runs('POST');
      expect(response.statusCode).toBe(200);
      const body = response.json();
      expect(body).toMatchObject({ state: 'skipped', needed: 1000 });
      expect(body.id).toBeUndefined();
      expect(body.reason).toBe(
        `${body.new_labels} new labels since the last run, 1000 needed (RETRAIN_MIN_NEW_FEEDBACK); send {"force": true} to train anyway`,
      );
    });

    it('should refuse a non-boolean force and answer 404 for an unknown run', async () => {
      const bad = await runs('POST', undefined, { force: 'yes' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().message).toContain('force must be true or false');
      const unknown = await runs('GET', '/api/v1/training/runs/20261127T000000Z-000000');
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().message).toBe('training run 20261127T000000Z-000000 not found');
      expect((await runs('GET')).json()).toEqual({ items: [], total: 0, limit: 50, offset: 0 });
      const badPage = await runs('GET', '/api/v1/training/runs?limit=0');
      expect(badPage.statusCode).toBe(400);
      expect(badPage.json().message).toBe('limit must be an integer from 1 to 500');
    });
  });

  it('should describe its routes in a valid OpenAPI document with examples', async () => {
    const doc = SwaggerModule.createDocument(
      app,
      new DocumentBuilder().setTitle('training').setVersion('1').addBearerAuth().build(),
    );
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/v1/feedback',
      '/api/v1/feedback/{id}',
      '/api/v1/training/runs',
      '/api/v1/training/runs/{id}',
    ]);
    const schemas = doc.components?.schemas as Record<string, { properties: Record<string, { example?: unknown }> }>;
    expect(schemas.CreateFeedbackDto.properties.label.example).toBe('spam');
    expect(schemas.TrainingRunSkippedDto.properties.reason.example).toContain('50 needed (RETRAIN_MIN_NEW_FEEDBACK)');
    expect(Object.keys(schemas.TrainingRunPageDto.properties).sort()).toEqual(['items', 'limit', 'offset', 'total']);
  });

  describe('with FEEDBACK_API_AUTH=admin-token', () => {
    let locked: TrainingTestApp;

    beforeAll(async () => {
      locked = await createTrainingTestApp({ FEEDBACK_API_AUTH: 'admin-token' });
    }, 60_000);

    afterAll(async () => {
      await locked?.close();
    });

    const label = (headers: Record<string, string>) =>
      locked.app.inject({
        method: 'POST',
        url: '/api/v1/feedback',
        headers,
        payload: { text: 'only the admin labels here', label: 'spam' },
      });

    it('should refuse an anonymous label (401) and a wrong token (403), and store one with the token', async () => {
      expect((await label({})).statusCode).toBe(401);
      expect((await label({ authorization: 'Bearer nope' })).statusCode).toBe(403);
      expect((await label(locked.admin)).statusCode).toBe(201);
    });
  });
});
