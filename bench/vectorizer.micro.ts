/**
 * Micro-benchmark of the hot path: TF-IDF transform (+ a linear score) per SMS and per email, with the default
 * (best-model) vectorizer fitted on the training rows. The official benchmark is `npm run bench:classify`.
 *   npm run build && node dist/bench/vectorizer.micro.js
 */
import {
  fitTfidfVectorizer,
  DEFAULT_VECTORIZER_CONFIG,
  createArtifact,
  parseArtifact,
  pipelineFromArtifact,
  serializeArtifact,
  fitModel,
  type SparseVector,
} from '../src/engine';
import type { LabelledText } from '../src/training/datasets/labelled-text';
import { loadEmailCorpus, loadSmsCorpus } from '../src/training/datasets/corpora';
import { resolveDataDir } from '../src/training/datasets/data-dir';

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function score(x: SparseVector, weights: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.indices.length; i++) s += weights[x.indices[i]] * x.values[i];
  return s;
}

async function measure(name: string, train: readonly string[], test: readonly string[], calls: number): Promise<void> {
  let t = performance.now();
  const { vectorizer } = fitTfidfVectorizer(train, DEFAULT_VECTORIZER_CONFIG);
  const fitMs = performance.now() - t;
  const weights = Float64Array.from({ length: vectorizer.nFeatures }, (_, i) => Math.sin(i));
  let sink = 0;
  for (let i = 0; i < 2000; i++) sink += score(vectorizer.transform(test[i % test.length]), weights);
  const times = new Float64Array(calls);
  for (let i = 0; i < calls; i++) {
    const text = test[i % test.length];
    const start = process.hrtime.bigint();
    sink += score(vectorizer.transform(text), weights);
    times[i] = Number(process.hrtime.bigint() - start) / 1000;
  }
  times.sort();
  // The same calls timed in CPU time: on a shared machine, wall time also counts the time other processes ran.
  const cpuTimes = new Float64Array(calls);
  for (let i = 0; i < calls; i++) {
    const text = test[i % test.length];
    const start = process.cpuUsage();
    sink += score(vectorizer.transform(text), weights);
    const used = process.cpuUsage(start);
    cpuTimes[i] = used.user + used.system;
  }
  cpuTimes.sort();
  t = performance.now();
  const cpu = process.cpuUsage();
  let batch = 0;
  while (performance.now() - t < 1000) {
    for (const text of test) sink += score(vectorizer.transform(text), weights);
    batch += test.length;
  }
  const perSecond = (batch / (performance.now() - t)) * 1000;
  const cpuPerSecond = (batch / process.cpuUsage(cpu).user) * 1e6;
  const chars = test.reduce((a, s) => a + s.length, 0) / test.length;
  console.log(
    `${name}: ${vectorizer.nFeatures} columns, fit ${fitMs.toFixed(0)} ms on ${train.length} texts; ` +
      `mean ${chars.toFixed(0)} chars; transform+score median ${percentile(times, 0.5).toFixed(1)} µs, ` +
      `p99 ${percentile(times, 0.99).toFixed(1)} µs (CPU time: median ${percentile(cpuTimes, 0.5).toFixed(0)} µs, ` +
      `p99 ${percentile(cpuTimes, 0.99).toFixed(0)} µs); batch ${perSecond.toFixed(0)} /s wall, ` +
      `${cpuPerSecond.toFixed(0)} /s of CPU time` +
      (sink === 42 ? ' ' : ''),
  );
}

/** Artifact load time and heap of a loaded model (run with --expose-gc for the heap figure). */
function measureLoad(train: readonly LabelledText[]): void {
  const { vectorizer, matrix } = fitTfidfVectorizer(
    train.map((r) => r.text),
    DEFAULT_VECTORIZER_CONFIG,
  );
  const y = Uint8Array.from(train, (r) => r.label);
  const model = fitModel('svm', matrix, y, { C: 1, classWeight: 'balanced' }, { seed: 42 });
  const bytes = serializeArtifact(
    createArtifact({
      vectorizer,
      model,
      metrics: {},
      training: {
        fingerprint: 'bench',
        rows: y.length,
        spam: y.filter((v) => v === 1).length,
        ham: y.filter((v) => v === 0).length,
        sources: ['sms'],
      },
    }),
  );
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage();
  const t = performance.now();
  const pipeline = pipelineFromArtifact(parseArtifact(bytes));
  const loadMs = performance.now() - t;
  gc?.();
  const after = process.memoryUsage();
  const mb = (n: number): string => (n / 1024 / 1024).toFixed(1);
  console.log(
    `artifact: ${mb(bytes.length)} MB, ${vectorizer.nFeatures} features; parse + build ${loadMs.toFixed(0)} ms; ` +
      (gc
        ? `heap +${mb(after.heapUsed - before.heapUsed)} MB, array buffers +${mb(after.arrayBuffers - before.arrayBuffers)} MB`
        : 'run with --expose-gc for heap') +
      (pipeline.classify('x').label === 1 ? ' ' : ''),
  );
}

async function main(): Promise<void> {
  const dataDir = resolveDataDir();
  const sms = await loadSmsCorpus(dataDir);
  measureLoad(sms.train);
  await measure(
    'sms',
    sms.train.map((r) => r.text),
    sms.test.map((r) => r.text),
    5000,
  );
  const email = await loadEmailCorpus(dataDir);
  await measure(
    'email',
    email.train.map((r) => r.text),
    email.test.map((r) => r.text),
    2000,
  );
}

void main();
