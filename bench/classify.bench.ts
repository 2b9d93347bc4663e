/**
 * `npm run bench:classify [-- --json] [--calls N] [--data-dir DIR] [--skip-search]`
 *
 * In-process speed of the engine on one core: single-message latency (median, p99 over ≥ 2,000 calls) for SMS and
 * email texts, batch throughput, training time per algorithm on the SMS training rows, the best model's whole
 * search + fit, artifact load time and the heap a loaded model holds. Progress on stderr; `--json` prints one JSON
 * document on stdout.
 *
 * Models: `sms best` = the model `--algorithm best` trains on the SMS training rows (with `--skip-search`: the
 * configuration it picks there, svm on char_wb 2–5); `default` = the service's default model (SMS + email rows).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  parseArtifact,
  pipelineFromArtifact,
  readArtifactFile,
  SEED_VECTORIZER_CONFIG,
  type SpamClassifier,
} from '../src/engine';
import { loadEmailCorpus, loadSmsCorpus } from '../src/training/datasets/corpora';
import { resolveDataDir } from '../src/training/datasets/data-dir';
import { trainDefaultModel } from '../src/training/default-model';
import { SEARCH_VECTORIZERS } from '../src/training/hyperparameter-search';
import { trainModel, type TrainingResult } from '../src/training/trainer';
import {
  exitOnHelp,
  integerArg,
  machine,
  median,
  parseBenchArgs,
  progress,
  quantile,
  round,
  runBench,
} from './bench-support';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function latency(classifier: SpamClassifier, texts: readonly string[], calls: number) {
  let sink = 0;
  for (let i = 0; i < Math.min(calls, 1000); i++) sink += classifier.classify(texts[i % texts.length]).score;
  const micros: number[] = new Array(calls);
  for (let i = 0; i < calls; i++) {
    const text = texts[i % texts.length];
    const start = process.hrtime.bigint();
    sink += classifier.classify(text).score;
    micros[i] = Number(process.hrtime.bigint() - start) / 1000;
  }
  if (Number.isNaN(sink)) progress('(NaN score)');
  return {
    calls,
    medianMicros: round(median(micros), 2),
    p99Micros: round(quantile(micros, 0.99), 2),
    meanChars: round(texts.reduce((s, t) => s + t.length, 0) / texts.length, 0),
  };
}

function throughput(classifier: SpamClassifier, texts: readonly string[], minMillis = 2000) {
  classifier.classifyBatch(texts);
  let messages = 0;
  const started = performance.now();
  while (performance.now() - started < minMillis) {
    classifier.classifyBatch(texts);
    messages += texts.length;
  }
  return { messages, messagesPerSecond: Math.round(messages / ((performance.now() - started) / 1000)) };
}

/** Memory a loaded model holds: JS heap plus typed-array buffers (weights, idf), after the JSON is collected. */
function memoryOf(load: () => unknown): { heapMB: number; arrayBuffersMB: number; totalMB: number; keep: unknown } {
  gc();
  gc();
  const before = process.memoryUsage();
  const keep = load();
  gc();
  gc();
  const after = process.memoryUsage();
  const heap = after.heapUsed - before.heapUsed;
  const buffers = after.arrayBuffers - before.arrayBuffers;
  const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);
  return { heapMB: mb(heap), arrayBuffersMB: mb(buffers), totalMB: mb(heap + buffers), keep };
}

const USAGE = `
npm run bench:classify -- [--json] [--calls N] [--data-dir DIR] [--skip-search]

In-process speed of the engine on one core: single-message latency (median, p99) for SMS and email, batch
throughput, training time per algorithm, the best model's search + fit, artifact load time and model memory.
  --calls N       single-message calls per measurement (at least 2,000)
  --data-dir DIR  where sms-spam/ and spamassassin/ are (default SPAM_DATA_DIR or ../shared/data)
  --skip-search   use the configuration the search picks instead of running the search
  --json          one JSON document on stdout (progress on stderr)
`;

async function main(): Promise<void> {
  exitOnHelp(process.argv.slice(2), USAGE);
  const args = parseBenchArgs(process.argv.slice(2), ['calls', 'data-dir'], ['skip-search']);
  const calls = integerArg(args, 'calls', 5000, 2000, 1_000_000);
  const dataDir = resolveDataDir(args.values.get('data-dir'));
  const out = mkdtempSync(join(tmpdir(), 'bench-classify-'));
  try {
    progress('loading the SMS and email corpora');
    const sms = await loadSmsCorpus(dataDir);
    const email = await loadEmailCorpus(dataDir);
    const smsTexts = sms.test.map((r) => r.text);
    const emailTexts = email.test.map((r) => r.text);

    const training: Record<string, unknown> = {};
    const fixed = [
      ['naive_bayes (seed configuration)', 'naive_bayes', SEED_VECTORIZER_CONFIG, { alpha: 1 }],
      ['naive_bayes (word 1-2)', 'naive_bayes', SEARCH_VECTORIZERS['word 1-2'], { alpha: 0.03 }],
      ['svm (char_wb 2-5)', 'svm', SEARCH_VECTORIZERS['char_wb 2-5'], { C: 1, classWeight: null }],
      [
        'logistic_regression (char_wb 2-5)',
        'logistic_regression',
        SEARCH_VECTORIZERS['char_wb 2-5'],
        { C: 30, classWeight: 'balanced' },
      ],
      [
        'random_forest (word 1-2 top 3000, 100 trees)',
        'random_forest',
        { ...SEARCH_VECTORIZERS['word 1-2'], maxFeatures: 3000 },
        { nEstimators: 100 },
      ],
    ] as const;
    for (const [name, algorithm, vectorizer, params] of fixed) {
      progress(`training ${name} on the SMS training rows`);
      const result = await trainModel({
        algorithm,
        vectorizer,
        params,
        train: sms.train,
        cvFolds: 0,
        png: false,
        outDir: join(out, 'fixed'),
      });
      training[name] = {
        seconds: round(result.timings.fitMs / 1000, 3),
        note: 'vectorizer + model + Platt calibration (5 folds)',
      };
    }
    let search: Record<string, unknown> | null = null;
    let smsBest: TrainingResult;
    if (!args.flags.has('skip-search')) {
      progress('best model: search by CV + fit on the SMS training rows');
      const started = Date.now();
      smsBest = await trainModel({ algorithm: 'best', train: sms.train, png: false, outDir: join(out, 'best') });
      search = {
        seconds: round((Date.now() - started) / 1000, 1),
        candidates: smsBest.search?.length,
        chosen: smsBest.search?.[0]?.candidate,
      };
    } else {
      progress('training the configuration the search picks on the SMS split');
      smsBest = await trainModel({
        algorithm: 'svm',
        vectorizer: SEARCH_VECTORIZERS['char_wb 2-5'],
        params: { C: 1, classWeight: null },
        train: sms.train,
        cvFolds: 0,
        png: false,
        outDir: join(out, 'sms-best'),
      });
    }

    progress('training the default model (SMS + email training rows)');
    const all = await trainDefaultModel({ dataDir, outDir: join(out, 'default') });

    const models: Record<string, unknown> = {};
    for (const [name, path] of [
      ['sms best', smsBest.artifactPath],
      ['default', all.artifactPath],
    ] as const) {
      progress(`${name}: load time, heap, latency, throughput`);
      const bytes = readFileSync(path);
      const loadMillis: number[] = [];
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        pipelineFromArtifact(await readArtifactFile(path));
        loadMillis.push(performance.now() - started);
      }
      const { keep, ...memory } = memoryOf(() => pipelineFromArtifact(parseArtifact(bytes.toString('utf8'), path)));
      const classifier = keep as SpamClassifier;
      models[name] = {
        artifactBytes: bytes.length,
        features: JSON.parse(bytes.toString('utf8')).metadata.nFeatures,
        loadMillis: { median: round(median(loadMillis), 1), max: round(Math.max(...loadMillis), 1) },
        memory,
        sms: latency(classifier, smsTexts, calls),
        email: latency(classifier, emailTexts, calls),
        batch: { sms: throughput(classifier, smsTexts) },
      };
    }
    const report = {
      benchmark: 'classify',
      generatedAt: new Date().toISOString(),
      machine: machine(),
      note: 'in-process, one core; latency = classify(text) incl. TF-IDF and calibrated probability',
      models,
      trainingOnSmsTrainingRows: training,
      bestSearchAndFit: search,
    };
    process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : textReport(report));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function textReport(report: {
  models: Record<string, unknown>;
  trainingOnSmsTrainingRows: Record<string, unknown>;
  bestSearchAndFit: unknown;
}): string {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(report.models)) {
    const m = value as {
      sms: { medianMicros: number; p99Micros: number };
      email: { medianMicros: number; p99Micros: number };
      batch: { sms: { messagesPerSecond: number } };
      loadMillis: { median: number };
      memory: { totalMB: number };
    };
    lines.push(
      `${name}: SMS ${m.sms.medianMicros} µs median / ${m.sms.p99Micros} µs p99; email ${m.email.medianMicros} / ${m.email.p99Micros} µs; ` +
        `batch ${m.batch.sms.messagesPerSecond} SMS/s; load ${m.loadMillis.median} ms; memory ${m.memory.totalMB} MB`,
    );
  }
  for (const [name, value] of Object.entries(report.trainingOnSmsTrainingRows)) {
    lines.push(`train ${name}: ${(value as { seconds: number }).seconds} s`);
  }
  if (report.bestSearchAndFit) lines.push(`best search + fit: ${JSON.stringify(report.bestSearchAndFit)}`);
  return `${lines.join('\n')}\n`;
}

runBench(main);
