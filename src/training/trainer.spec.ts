import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readArtifactFile, serializeArtifact, SEED_VECTORIZER_CONFIG } from '../engine';
import { tinyRows } from '../../test/fixtures/training/tiny-corpus';
import type { LabelledText } from './datasets/labelled-text';
import { SEARCH_VECTORIZERS, type SearchCandidate } from './hyperparameter-search';
import { fingerprintRows, trainModel, type TrainingProgress } from './trainer';

describe(trainModel.name, () => {
  let out: string;
  const rows = tinyRows(90);
  const train = rows.slice(0, 72);
  const test = rows.slice(72);
  beforeEach(() => {
    out = mkdtempSync(join(tmpdir(), 'trainer-'));
  });
  afterEach(() => rmSync(out, { recursive: true, force: true }));

  it('should fit, evaluate, write a loadable artifact and a report folder, and report progress', async () => {
    const events: TrainingProgress[] = [];
    const result = await trainModel({
      algorithm: 'naive_bayes',
      train,
      evaluationSets: { tiny: test },
      vectorizer: SEED_VECTORIZER_CONFIG,
      params: { alpha: 0.5, calibrationFolds: 3 },
      cvFolds: 3,
      outDir: out,
      onProgress: (p) => events.push(p),
    });
    expect(result.evaluation.tiny.f1).toBe(1);
    expect(result.evaluation.tiny.n).toBe(18);
    expect(result.cv?.folds).toBe(3);
    expect(result.cv?.perFold).toHaveLength(3);
    const loaded = await readArtifactFile(result.artifactPath);
    expect(loaded.checksum).toBe(result.artifact.checksum);
    expect(loaded.metadata.algorithm).toBe('naive_bayes');
    expect(loaded.metadata.training).toMatchObject({ rows: 72, spam: 24, ham: 48, sources: ['tiny'] });
    expect(result.pipeline.classify('WINNER! Call now to claim your cash prize').label).toBe(1);
    expect(readdirSync(result.reportDir).sort()).toEqual([
      'confusion_matrix_tiny.png',
      'confusion_matrix_tiny.svg',
      'precision_recall_curve.png',
      'precision_recall_curve.svg',
      'report.json',
      'roc_curve.png',
      'roc_curve.svg',
      'training_stats.json',
    ]);
    const stats = JSON.parse(readFileSync(join(result.reportDir, 'training_stats.json'), 'utf8'));
    expect(stats).toMatchObject({ algorithm: 'naive_bayes', model_version: loaded.metadata.version });
    expect(stats.metrics.tiny).toMatchObject({
      f1_score: 1,
      false_positives: 0,
      confusion_matrix: [
        [12, 0],
        [0, 6],
      ],
    });
    expect(result.params).toMatchObject({
      algorithm: 'naive_bayes',
      analyzers: 'seed 1-2',
      max_features: 3000,
      n_train: 72,
      n_train_spam: 24,
      n_eval_tiny: 18,
      'model.alpha': 0.5,
      seed: 42,
    });
    expect(events[events.length - 1]).toMatchObject({ done: events[0].total, total: events[0].total });
    expect(events.map((e) => e.done)).toEqual([...events.map((e) => e.done)].sort((a, b) => a - b));
  });

  it('should choose the best candidate by cross-validation and list every candidate', async () => {
    const candidates: SearchCandidate[] = [
      {
        algorithm: 'naive_bayes',
        vectorizerName: 'word 1-2',
        vectorizer: SEARCH_VECTORIZERS['word 1-2'],
        params: { alpha: 0.1, calibrationFolds: 3 },
      },
      {
        algorithm: 'logistic_regression',
        vectorizerName: 'char_wb 2-5',
        vectorizer: SEARCH_VECTORIZERS['char_wb 2-5'],
        params: { C: 10, calibrationFolds: 3 },
      },
    ];
    const result = await trainModel({
      algorithm: 'best',
      candidates,
      train,
      evaluationSets: { tiny: test },
      outDir: out,
      png: false,
    });
    expect(result.search).toHaveLength(2);
    expect(result.search![0].objective).toBeGreaterThanOrEqual(result.search![1].objective);
    expect(result.artifact.metadata.algorithm).toBe(result.search![0].algorithm);
    expect(result.params.selection).toBe('best by stratified CV on the training rows');
    expect(existsSync(join(result.reportDir, 'roc_curve.png'))).toBe(false);
    expect(result.timings.searchMs).toBeGreaterThanOrEqual(0);
  });

  it('should give the same artifact for the same data, seed and creation time', async () => {
    const request = {
      algorithm: 'svm' as const,
      train,
      vectorizer: SEARCH_VECTORIZERS['char_wb 2-5'],
      params: { calibrationFolds: 3 },
      cvFolds: 0,
      createdAt: new Date('2026-11-27T12:00:00Z'),
      png: false,
    };
    const a = await trainModel({ ...request, outDir: join(out, 'a') });
    const b = await trainModel({ ...request, outDir: join(out, 'b') });
    expect(serializeArtifact(b.artifact)).toBe(serializeArtifact(a.artifact));
    expect(readFileSync(b.artifactPath, 'utf8')).toBe(readFileSync(a.artifactPath, 'utf8'));
    expect(a.cv).toBeNull();
  });

  it('should let weighted feedback rows change the model and the fingerprint', async () => {
    const feedback: LabelledText = { text: 'Running late, call me now', label: 1, source: 'feedback', weight: 50 };
    const base = {
      algorithm: 'logistic_regression' as const,
      vectorizer: SEARCH_VECTORIZERS['word 1-2'],
      cvFolds: 0,
      png: false,
    };
    const plain = await trainModel({ ...base, train, outDir: join(out, 'plain') });
    const weighted = await trainModel({ ...base, train: [...train, feedback], outDir: join(out, 'weighted') });
    const text = 'Running late, call me now';
    expect(weighted.pipeline.classify(text).spamProbability).toBeGreaterThan(
      plain.pipeline.classify(text).spamProbability,
    );
    expect(weighted.artifact.metadata.training.sources).toEqual(['feedback', 'tiny']);
    expect(fingerprintRows([...train, feedback])).not.toBe(fingerprintRows([...train, { ...feedback, weight: 1 }]));
  });

  it('should refuse training rows without both classes', async () => {
    await expect(trainModel({ algorithm: 'svm', train: [], outDir: out })).rejects.toThrow('training data: no rows');
    await expect(
      trainModel({ algorithm: 'svm', train: train.filter((r) => r.label === 0), outDir: out }),
    ).rejects.toThrow('training data: needs both classes, got 0 spam and 48 ham rows');
  });
});
