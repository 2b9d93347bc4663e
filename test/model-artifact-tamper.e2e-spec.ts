import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineArtifactCodec } from '../src/classifier/engine-adapters';
import type { DefaultModelTrainer } from '../src/classifier/model-artifact.port';
import { canonicalJson, createArtifact, serializeArtifact, type ModelArtifact } from '../src/engine';
import { fitTinyPipeline } from '../src/engine/tiny-corpus.fixture';
import { startTestApp, type TestApp } from './fixtures/service/test-app';

const ADMIN_TOKEN = 'tamper-admin-token-0123456789abcdef';
const ADMIN = { authorization: `Bearer ${ADMIN_TOKEN}` };
const SECRET = 'root:x:0:0:root:/root:/bin/bash';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

function goodArtifact(): ModelArtifact {
  const pipeline = fitTinyPipeline('logistic_regression');
  return createArtifact({
    vectorizer: pipeline.vectorizer,
    model: pipeline.model,
    metrics: {},
    training: { fingerprint: 'tiny', rows: 12, spam: 6, ham: 6, sources: ['tiny'] },
    createdAt: new Date('2026-11-01T00:00:00Z'),
  });
}

/** What an attacker with write access to MODEL_DIR can do: edit the weights and recompute the checksum. */
function editedAndResigned(original: ModelArtifact, rehash: boolean): string {
  const a = JSON.parse(serializeArtifact(original)) as Record<string, unknown> & {
    model: { bias: number };
    metadata: Record<string, unknown>;
  };
  a.model.bias += 5;
  if (rehash) {
    const contentHash = sha256(
      canonicalJson({ vectorizer: a.vectorizer, model: a.model, training: a.metadata.training }),
    );
    a.metadata.contentHash = contentHash;
    a.metadata.version = `${String(a.metadata.version).slice(0, 16)}-${contentHash.slice(0, 8)}`;
  }
  delete a.checksum;
  return `${canonicalJson({ ...a, checksum: sha256(canonicalJson(a)) })}\n`;
}

describe('a bad model artifact at start', () => {
  const started: TestApp[] = [];
  let training: jest.Mock;

  beforeAll(() => {
    process.env.ADMIN_API_TOKEN = ADMIN_TOKEN;
  });
  afterAll(() => {
    delete process.env.ADMIN_API_TOKEN;
  });
  beforeEach(() => {
    training = jest.fn(() => Promise.reject(new Error('the default model must not be trained')));
  });
  afterEach(async () => {
    for (const t of started.splice(0)) await t.close();
  });

  async function start(prepare: (modelDir: string) => void): Promise<TestApp> {
    const t = await startTestApp({
      codec: new EngineArtifactCodec(),
      trainer: { train: training } as unknown as DefaultModelTrainer,
      prepare: (dir) => {
        mkdirSync(dir, { recursive: true });
        prepare(dir);
      },
    });
    started.push(t);
    return t;
  }

  const ready = (t: TestApp, admin = false) => t.app.inject({ url: '/health/ready', headers: admin ? ADMIN : {} });
  const messages = (t: TestApp) => t.logs.map((line) => String(line.msg ?? line.message ?? ''));

  it('should refuse a tampered model.json: not ready, not replaced by a default model, kept aside', async () => {
    const tampered = serializeArtifact(goodArtifact()).replace(/"bias":[-0-9.e]+/, '"bias":7');
    const t = await start((dir) => writeFileSync(join(dir, 'model.json'), tampered));

    expect(training).not.toHaveBeenCalled();
    expect((await ready(t)).statusCode).toBe(503);
    const details = (await ready(t, true)).json().details.error.model;
    expect(details.message).toMatch(
      /^MODEL_DIR holds 1 artifact\(s\) and none passes verification, so no model serves from it and the default model is not trained over them: model\.json \(moved to rejected\/model\.json\.\d{8}T\d{6}Z\): checksum mismatch: the content was modified or corrupted/,
    );
    const predicted = await t.app.inject({
      method: 'POST',
      url: '/api/v1/predictions',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ text: 'hello' }),
    });
    expect(predicted.statusCode).toBe(503);

    expect(existsSync(join(t.modelDir, 'model.json'))).toBe(false);
    const [aside] = readdirSync(join(t.modelDir, 'rejected'));
    expect(readFileSync(join(t.modelDir, 'rejected', aside), 'utf8')).toBe(tampered);
    expect(messages(t)).toContainEqual(expect.stringMatching(/^refused artifact model\.json moved to rejected\//));
  });

  it('should refuse a symbolic link to a file outside MODEL_DIR and never show its content', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'tamper-outside-'));
    try {
      writeFileSync(join(outside, 'passwd'), `${SECRET}\n`);
      const t = await start((dir) => symlinkSync(join(outside, 'passwd'), join(dir, 'model.json')));
      expect(training).not.toHaveBeenCalled();
      const answers = [
        await ready(t),
        await ready(t, true),
        await t.app.inject({ url: '/model' }),
        await t.app.inject({ url: '/api/v1/model' }),
      ];
      expect(answers[1].json().details.error.model.message).toContain('model.json (moved to rejected/model.json.');
      expect(answers[1].json().details.error.model.message).toContain(
        'a symbolic link; only regular files inside the model folder are read',
      );
      for (const answer of answers) expect(answer.body).not.toContain('root:x');
      expect(t.logs.map((line) => JSON.stringify(line)).join('\n')).not.toContain('root:x');
      expect(readFileSync(join(outside, 'passwd'), 'utf8')).toBe(`${SECRET}\n`);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('should refuse edited weights under a recomputed checksum, and give them another identity when rehashed', async () => {
    const original = goodArtifact();
    const t = await start((dir) => writeFileSync(join(dir, 'model.json'), editedAndResigned(original, false)));
    expect(training).not.toHaveBeenCalled();
    expect((await ready(t, true)).json().details.error.model.message).toContain(
      '): metadata.contentHash does not match the vectorizer, model and training it describes: the content was edited',
    );

    const rehashed = await start((dir) => writeFileSync(join(dir, 'model.json'), editedAndResigned(original, true)));
    expect((await ready(rehashed)).statusCode).toBe(200);
    const card = (await rehashed.app.inject({ url: '/api/v1/model' })).json();
    expect(card.version).toMatch(/^20261101T000000Z-[0-9a-f]{8}$/);
    expect(card.version).not.toBe(original.metadata.version);
    expect(card.checksum).not.toBe(original.checksum);
  });

  it('should serve a good artifact as before', async () => {
    const original = goodArtifact();
    const t = await start((dir) => writeFileSync(join(dir, 'model.json'), serializeArtifact(original)));
    expect((await ready(t)).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/v1/model' })).json().version).toBe(original.metadata.version);
    expect(training).not.toHaveBeenCalled();
  });
});
