import {
  createArtifact,
  DEFAULT_VECTORIZER_CONFIG,
  fitModel,
  fitTfidfVectorizer,
  type OperatingPoint,
} from '../engine';
import { operatingPointSection } from './model-card';
import { buildRunPlan, DEFAULT_RUN_LOGGER_OPTIONS } from './run-logger';
import type { TrainingRunInput } from './run-input';

const POINT: OperatingPoint = {
  threshold: 0.731204,
  maxFpRate: 0.001,
  chosenBy: 'lowest threshold keeping the false-positive rate ≤ 0.1 % on out-of-fold probabilities of 4 training rows',
  cv: { fpRate: 0.00078, recall: 0.9123, precision: 0.9951, f1: 0.95188, fp: 3, fn: 52 },
};

function runInput(operatingPoint?: OperatingPoint): TrainingRunInput {
  const texts = ['win a free prize now', 'claim your cash prize', 'see you at dinner', 'call me when home'];
  const { vectorizer, matrix } = fitTfidfVectorizer(texts, DEFAULT_VECTORIZER_CONFIG);
  const artifact = createArtifact({
    vectorizer,
    model: fitModel('naive_bayes', matrix, Uint8Array.from([1, 1, 0, 0]), { alpha: 1 }, { seed: 1 }),
    metrics: {},
    training: { fingerprint: 'f', rows: 4, spam: 2, ham: 2, sources: ['tiny'] },
    ...(operatingPoint ? { operatingPoint } : {}),
    createdAt: new Date('2026-12-01T10:00:00.000Z'),
  });
  const sms = {
    n: 10,
    accuracy: 0.9,
    precision: 1,
    recall: 0.8,
    f1: 0.89,
    mcc: 0.8,
    rocAuc: 0.95,
    tp: 4,
    fp: 0,
    tn: 5,
    fn: 1,
  };
  return { artifactBytes: '{}', artifact, params: { seed: 1 }, evaluation: { sms }, durationMs: 1000 };
}

async function card(
  input: TrainingRunInput,
): Promise<{ card: string; plan: Awaited<ReturnType<typeof buildRunPlan>> }> {
  const plan = await buildRunPlan(input, { ...DEFAULT_RUN_LOGGER_OPTIONS, runTags: { gitCommit: 'abc' } });
  const file = plan.artifacts.find((a) => a.path === 'model_card.md');
  return { card: file!.bytes.toString(), plan };
}

describe('model card and run: the operating point', () => {
  it('should report the threshold, what it was chosen for and its CV figures', async () => {
    const { card: text } = await card(runInput(POINT));
    expect(text).toContain('the label is spam at probability ≥ 0.731204 (the operating point below;');
    expect(text).toContain(
      [
        '## Operating point',
        '- Threshold: 0.731204 (spam when the calibrated spam probability is ≥ 73.12 %)',
        '- Target false-positive rate: at most 0.1 %',
        `- Chosen by: ${POINT.chosenBy}`,
        '',
        'Out-of-fold figures on the training rows at each threshold:',
        '',
        '| rows | threshold | target FP rate | FP rate | recall | precision | F1 | FP | FN |',
        '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
        '| training | 0.731204 | ≤ 0.1 % | 0.078 % | 0.9123 | 0.9951 | 0.9519 | 3 | 52 |',
      ].join('\n'),
    );
  });

  it('should say 0.5 by default for a model without an operating point', async () => {
    const { card: text, plan } = await card(runInput());
    expect(text).toContain('the label is spam at probability ≥ 0.5 (the operating point below;');
    expect(text).toContain('## Operating point\n- Threshold: 0.5 (default; this model has no operating point)\n');
    expect(plan.params.threshold).toBe('0.5');
    expect(plan.params.max_fp_rate).toBeUndefined();
    expect(plan.metrics.filter((m) => m.key.startsWith('cv_threshold_'))).toEqual([]);
  });

  it('should log the threshold and the target as params, the CV figures as cv_threshold_* metrics', async () => {
    const { plan } = await card(runInput(POINT));
    expect(plan.params).toMatchObject({ threshold: '0.731204', max_fp_rate: '0.001' });
    expect(
      Object.fromEntries(plan.metrics.filter((m) => m.key.startsWith('cv_threshold_')).map((m) => [m.key, m.value])),
    ).toEqual({
      cv_threshold_fp_rate: 0.00078,
      cv_threshold_recall: 0.9123,
      cv_threshold_precision: 0.9951,
      cv_threshold_f1_score: 0.95188,
      cv_threshold_fp: 3,
      cv_threshold_fn: 52,
    });
  });

  it('should log the threshold each evaluation set was counted at, under the set only', async () => {
    const input = runInput(POINT);
    const { plan } = await card({ ...input, evaluation: { sms: { ...input.evaluation.sms, threshold: 0.731204 } } });
    expect(plan.metrics.find((m) => m.key === 'eval/sms/threshold')?.value).toBe(0.731204);
    expect(plan.metrics.find((m) => m.key === 'threshold')).toBeUndefined();
    const { plan: old } = await card(runInput());
    expect(old.metrics.find((m) => m.key === 'eval/sms/threshold')).toBeUndefined();
  });

  it('should let the training params say the threshold too, without a clash', async () => {
    const input = runInput(POINT);
    const { plan } = await card({ ...input, params: { ...input.params, threshold: 0.731204, max_fp_rate: 0.001 } });
    expect(plan.params).toMatchObject({ threshold: '0.731204', max_fp_rate: '0.001' });
  });

  it('should write nothing but the threshold for a point without CV figures', () => {
    expect(operatingPointSection({ threshold: 0.5, maxFpRate: null, chosenBy: 'default 0.5', cv: null })).toBe(
      [
        '- Threshold: 0.5 (spam when the calibrated spam probability is ≥ 50 %)',
        '- Target false-positive rate: none',
        '- Chosen by: default 0.5',
        '',
      ].join('\n'),
    );
  });

  it("should report and log each channel's own threshold and figures", async () => {
    const perChannel: OperatingPoint = {
      ...POINT,
      channels: {
        sms: { threshold: 0.62, maxFpRate: 0.001, cv: POINT.cv },
        email: { threshold: 0.913, maxFpRate: 0.004, cv: null },
      },
    };
    const { card: text, plan } = await card(runInput(perChannel));
    expect(text).toContain("the label is spam at probability ≥ its channel's threshold (sms 0.62, email 0.913)");
    expect(text).toContain(
      "- Per channel: sms 0.62, email 0.913; a message of that channel is decided at its channel's threshold, others at the threshold above",
    );
    expect(text).toContain('| all | 0.731204 | ≤ 0.1 % | 0.078 % |');
    expect(text).toContain('| sms | 0.62 | ≤ 0.1 % | 0.078 % | 0.9123 | 0.9951 | 0.9519 | 3 | 52 |');
    expect(text).toContain('| email | 0.913 | ≤ 0.4 % | – | – | – | – | – | – |');
    expect(plan.params).toMatchObject({
      threshold_sms: '0.62',
      max_fp_rate_sms: '0.001',
      threshold_email: '0.913',
      max_fp_rate_email: '0.004',
    });
    const metric = (key: string) => plan.metrics.find((m) => m.key === key)?.value;
    expect(metric('cv_threshold_sms_fp_rate')).toBe(0.00078);
    expect(metric('cv_threshold_sms_f1_score')).toBe(0.95188);
    expect(plan.metrics.filter((m) => m.key.startsWith('cv_threshold_email_'))).toEqual([]);
  });
});
