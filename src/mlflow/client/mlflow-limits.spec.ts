import { MlflowValidationError } from './mlflow-errors';
import { MLFLOW_LIMITS, splitLogBatch, validateAlias, validateKey } from './mlflow-limits';

describe(splitLogBatch.name, () => {
  it('should keep every chunk within the per-kind, entity and byte limits and lose nothing', () => {
    const batch = {
      params: Array.from({ length: 230 }, (_, i) => ({ key: `p${i}`, value: 'v'.repeat(5900) })),
      tags: Array.from({ length: 150 }, (_, i) => ({ key: `t${i}`, value: 'x' })),
      metrics: Array.from({ length: 2100 }, (_, i) => ({ key: 'm', value: i, timestamp: 1, step: i })),
    };
    const chunks = splitLogBatch(batch, 200_000);
    for (const chunk of chunks) {
      expect(chunk.params.length).toBeLessThanOrEqual(MLFLOW_LIMITS.maxParamsPerBatch);
      expect(chunk.tags.length).toBeLessThanOrEqual(MLFLOW_LIMITS.maxTagsPerBatch);
      expect(chunk.metrics.length).toBeLessThanOrEqual(MLFLOW_LIMITS.maxMetricsPerBatch);
      expect(chunk.params.length + chunk.tags.length + chunk.metrics.length).toBeLessThanOrEqual(1000);
      expect(Buffer.byteLength(JSON.stringify(chunk))).toBeLessThanOrEqual(200_000 + 1000);
    }
    expect(chunks.flatMap((c) => c.params)).toEqual(batch.params);
    expect(chunks.flatMap((c) => c.tags)).toEqual(batch.tags);
    expect(chunks.flatMap((c) => c.metrics)).toEqual(batch.metrics);
  });

  it('should send nothing for an empty batch', () => {
    expect(splitLogBatch({ params: [], tags: [], metrics: [] })).toEqual([]);
  });

  it('should refuse a NaN metric and a tag value over 8000 characters', () => {
    expect(() => splitLogBatch({ params: [], tags: [], metrics: [{ key: 'm', value: NaN, timestamp: 0 }] })).toThrow(
      'metric "m" must be a number, got NaN',
    );
    expect(() => splitLogBatch({ params: [], metrics: [], tags: [{ key: 't', value: 'x'.repeat(8001) }] })).toThrow(
      'tag "t" value has 8001 characters; MLflow accepts at most 8000',
    );
  });
});

describe(validateKey.name, () => {
  it("should accept MLflow's characters and refuse others", () => {
    expect(() => validateKey('metric', 'eval/test/f1_score-1.0 x')).not.toThrow();
    expect(() => validateKey('metric', 'f1@test')).toThrow(MlflowValidationError);
    expect(() => validateKey('metric', '')).toThrow(/1 to 250/);
  });
});

describe(validateAlias.name, () => {
  it('should refuse reserved and malformed aliases', () => {
    expect(() => validateAlias('champion')).not.toThrow();
    expect(() => validateAlias('shadow-2_b')).not.toThrow();
    for (const alias of ['latest', 'LATEST', 'v3', '', 'a b', 'a.b'])
      expect(() => validateAlias(alias)).toThrow(MlflowValidationError);
  });
});
