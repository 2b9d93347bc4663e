import { fitTinyPipeline } from '../tiny-corpus.fixture';
import type { OperatingPoint } from '../types';
import { loadPipelineAsync } from './artifact-loader';
import { canonicalJson } from './canonical-json';
import { createArtifact, parseArtifact, pipelineFromArtifact, serializeArtifact } from './model-artifact';

const TRAINING = { fingerprint: 'sha256:abc123', rows: 12, spam: 6, ham: 6, sources: ['tiny'] };
const CREATED = new Date('2026-12-02T10:00:00Z');
const POINT: OperatingPoint = {
  threshold: 0.8,
  maxFpRate: 0.001,
  chosenBy: 'lowest threshold keeping the false-positive rate ≤ 0.1 % on out-of-fold probabilities',
  cv: { fpRate: 0.0008, recall: 0.93, precision: 0.99, f1: 0.96, fp: 3, fn: 40 },
};

function artifact(operatingPoint?: OperatingPoint) {
  const pipeline = fitTinyPipeline('logistic_regression');
  return createArtifact({
    vectorizer: pipeline.vectorizer,
    model: pipeline.model,
    metrics: {},
    training: TRAINING,
    createdAt: CREATED,
    ...(operatingPoint ? { operatingPoint } : {}),
  });
}

/** Edits the operating point and signs again (checksum and content hash), so only the edited value is wrong. */
function withEditedPoint(edit: (point: Record<string, unknown>) => void): string {
  const a = JSON.parse(serializeArtifact(artifact(POINT))) as {
    metadata: { operatingPoint: Record<string, unknown> };
  } & Record<string, unknown>;
  edit(a.metadata.operatingPoint);
  delete a.checksum;
  const { createHash } = jest.requireActual<typeof import('node:crypto')>('node:crypto');
  return canonicalJson({ ...a, checksum: createHash('sha256').update(canonicalJson(a)).digest('hex') });
}

describe('operating point in the artifact', () => {
  it('is stored, covered by the content hash, and decides the labels of the loaded pipeline', async () => {
    const plain = artifact();
    const chosen = artifact(POINT);
    expect(plain.metadata.operatingPoint).toBeUndefined();
    expect(chosen.metadata.operatingPoint).toEqual(POINT);
    expect(chosen.metadata.contentHash).not.toBe(plain.metadata.contentHash);

    const parsed = parseArtifact(serializeArtifact(chosen), 'model.json');
    const pipeline = pipelineFromArtifact(parsed);
    expect(pipeline.threshold).toBe(0.8);
    expect(pipelineFromArtifact(parseArtifact(serializeArtifact(plain))).threshold).toBe(0.5);
    const loaded = await loadPipelineAsync(serializeArtifact(chosen), 'model.json', { inThreadMaxBytes: 0 });
    expect(loaded.pipeline.threshold).toBe(0.8);
    expect(loaded.artifact.metadata.operatingPoint).toEqual(POINT);
  });

  it('lets the caller decide with another threshold, and says which threshold decided', () => {
    const pipeline = pipelineFromArtifact(artifact(POINT));
    const text = 'claim your free prize, call now';
    const p = pipeline.classify(text).spamProbability;
    expect(pipeline.classify(text)).toMatchObject({ threshold: 0.8, label: p >= 0.8 ? 1 : 0 });
    expect(pipeline.classify(text, { threshold: p })).toMatchObject({ threshold: p, label: 1 });
    expect(pipeline.classify(text, { threshold: Math.min(1, p + 1e-9) }).label).toBe(0);
    expect(() => pipeline.classify(text, { threshold: 0 })).toThrow(
      'threshold: expected a number greater than 0 and at most 1, got 0',
    );
  });

  it('refuses an edited content hash when the operating point was changed', () => {
    const a = JSON.parse(serializeArtifact(artifact(POINT))) as { metadata: { operatingPoint: { threshold: number } } };
    a.metadata.operatingPoint.threshold = 0.01;
    const { createHash } = jest.requireActual<typeof import('node:crypto')>('node:crypto');
    const body = { ...(a as unknown as Record<string, unknown>) };
    delete body.checksum;
    const signed = canonicalJson({ ...body, checksum: createHash('sha256').update(canonicalJson(body)).digest('hex') });
    expect(() => parseArtifact(signed, 'edited.json')).toThrow('metadata.contentHash does not match');
  });

  it("decides a message of a known channel at that channel's threshold", async () => {
    const perChannel: OperatingPoint = {
      ...POINT,
      channels: {
        sms: { threshold: 0.3, maxFpRate: 0.001, cv: null },
        email: { threshold: 0.9, maxFpRate: 0.004, cv: POINT.cv },
      },
    };
    const loaded = await loadPipelineAsync(serializeArtifact(artifact(perChannel)), 'model.json');
    const { pipeline } = loaded;
    expect(pipeline.thresholdFor('sms')).toBe(0.3);
    expect(pipeline.thresholdFor('email')).toBe(0.9);
    expect(pipeline.thresholdFor()).toBe(0.8);
    const text = 'claim your free prize, call now';
    expect(pipeline.classify(text, { channel: 'sms' }).threshold).toBe(0.3);
    expect(pipeline.classify(text, { channel: 'email', threshold: 0.5 }).threshold).toBe(0.5);
    expect(() =>
      parseArtifact(
        withEditedPoint((point) => (point.channels = { fax: {} })),
        'edited.json',
      ),
    ).toThrow('metadata.operatingPoint.channels: expected keys sms, email');
    const badEntry = withEditedPoint(
      (point) => (point.channels = { sms: { threshold: 2, maxFpRate: 0.001, cv: null } }),
    );
    expect(() => parseArtifact(badEntry, 'edited.json')).toThrow(
      'metadata.operatingPoint.channels.sms.threshold: expected a number > 0 and ≤ 1',
    );
  });

  it.each([
    ['threshold', 0, 'metadata.operatingPoint.threshold: expected a number > 0 and ≤ 1'],
    ['threshold', 1.5, 'metadata.operatingPoint.threshold: expected a number > 0 and ≤ 1'],
    ['maxFpRate', 1, 'metadata.operatingPoint.maxFpRate: expected a number ≥ 0 and < 1'],
    ['chosenBy', '', 'metadata.operatingPoint.chosenBy: expected a non-empty string'],
    ['cv', 'x', 'metadata.operatingPoint.cv: expected an object or null'],
  ])('refuses %s = %j with the field and the rule', (key, value, message) => {
    expect(() =>
      parseArtifact(
        withEditedPoint((point) => (point[key] = value)),
        'edited.json',
      ),
    ).toThrow(message);
  });
});
