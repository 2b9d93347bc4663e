/**
 * `npm run bench:nested-cv [-- --json] [--set sms|email] [--seeds 7,8] [--folds 5] [--max-fp-rate R|none]
 * [--data-dir DIR]`
 *
 * Nested cross-validation of the whole `--algorithm best` procedure on the TRAINING rows of the shared split only:
 * the rows are cut into stratified outer folds (one round per seed); inside each outer training part the search,
 * the fit and the operating point run exactly as `npm run train -- --algorithm best` runs them, and the model is
 * scored on the outer held-out fold at the threshold it chose. The inner CV's winner's score is optimistic (it is
 * the best of many noisy scores, and the threshold rests on the few highest-scoring ham); this is the estimate of
 * what the procedure does on rows it never saw, without touching a test row. Use it to judge a change to the search
 * grid or to the threshold rule.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEmailCorpus, loadSmsCorpus } from '../src/training/datasets/corpora';
import { resolveDataDir } from '../src/training/datasets/data-dir';
import { meanAndSd } from '../src/training/evaluation/metrics';
import { stratifiedKFold } from '../src/training/evaluation/stratified-split';
import { trainModel } from '../src/training/trainer';
import { exitOnHelp, integerArg, machine, parseBenchArgs, progress, round, runBench } from './bench-support';

const USAGE = `
npm run bench:nested-cv -- [--json] [--set sms|email] [--seeds 7,8] [--folds 5] [--max-fp-rate R|none]
                           [--data-dir DIR]

Nested cross-validation of "--algorithm best" (search, fit and operating point inside each outer fold) on the
training rows of the shared split; the test rows are never read. Prints each outer fold's F1, false positives and
threshold, and their mean ± sd.
  --set NAME          sms (default) or email
  --seeds LIST        one round of outer folds per seed (default 7,8)
  --folds K           outer folds per round, 2 to 10 (default 5)
  --max-fp-rate R     the operating point's budget, 0 ≤ R < 1, or none for 0.5 (default: each channel's default)
  --data-dir DIR      data folder (default: $SPAM_DATA_DIR or ../shared/data)
  --json              one JSON document on stdout
SMS takes about 30 s per seed on 2 idle cores, email about 2 min.
`;

interface Options {
  readonly set: 'sms' | 'email';
  readonly seeds: readonly number[];
  readonly folds: number;
  readonly maxFpRate: number | null | undefined;
  readonly dataDir: string;
  readonly json: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const args = parseBenchArgs(argv, ['set', 'seeds', 'folds', 'max-fp-rate', 'data-dir'], []);
  const set = args.values.get('set') ?? 'sms';
  if (set !== 'sms' && set !== 'email')
    throw new Error(`option --set must be sms or email, got ${JSON.stringify(set)}`);
  const rawSeeds = args.values.get('seeds') ?? '7,8';
  const seeds = rawSeeds.split(',').map((s) => Number(s.trim()));
  if (seeds.length === 0 || seeds.length > 10 || seeds.some((s) => !Number.isInteger(s) || s < 0 || s > 1_000_000)) {
    throw new Error(
      `option --seeds must be 1 to 10 whole numbers from 0 to 1000000, comma-separated, got ${JSON.stringify(rawSeeds)}`,
    );
  }
  const rawRate = args.values.get('max-fp-rate');
  let maxFpRate: number | null | undefined;
  if (rawRate === 'none') maxFpRate = null;
  else if (rawRate !== undefined) {
    maxFpRate = Number(rawRate);
    if (rawRate.trim() === '' || !(maxFpRate >= 0 && maxFpRate < 1)) {
      throw new Error(
        `option --max-fp-rate must be a number from 0 to below 1, or none, got ${JSON.stringify(rawRate)}`,
      );
    }
  }
  return {
    set,
    seeds,
    folds: integerArg(args, 'folds', 5, 2, 10),
    maxFpRate,
    dataDir: resolveDataDir(args.values.get('data-dir')),
    json: args.json,
  };
}

async function main(): Promise<void> {
  exitOnHelp(process.argv.slice(2), USAGE);
  const options = parseOptions(process.argv.slice(2));
  progress(`loading ${options.set}`);
  const corpus = options.set === 'sms' ? await loadSmsCorpus(options.dataDir) : await loadEmailCorpus(options.dataDir);
  const rows = corpus.train;
  const labels = Uint8Array.from(rows, (row) => row.label);
  const started = Date.now();
  const folds: Array<Record<string, unknown>> = [];
  for (const seed of options.seeds) {
    for (const [index, fold] of stratifiedKFold(labels, options.folds, seed).entries()) {
      const out = mkdtempSync(join(tmpdir(), 'bench-nested-cv-'));
      const foldStarted = Date.now();
      try {
        const result = await trainModel({
          algorithm: 'best',
          train: fold.train.map((i) => rows[i]),
          evaluationSets: { held: fold.test.map((i) => rows[i]) },
          outDir: out,
          cvFolds: 0,
          png: false,
          // No time budget: a busy machine must not change which candidates are searched.
          searchBudgetMs: Number.POSITIVE_INFINITY,
          ...(options.maxFpRate === undefined ? {} : { maxFpRate: options.maxFpRate }),
        });
        const m = result.evaluation.held;
        const entry = {
          seed,
          fold: index,
          nHeld: m.n,
          hamHeld: m.fp + m.tn,
          f1: round(m.f1),
          fp: m.fp,
          fn: m.fn,
          threshold: round(m.threshold),
          chosen: result.search?.[0]?.candidate ?? null,
          seconds: round((Date.now() - foldStarted) / 1000, 1),
        };
        folds.push(entry);
        progress(
          `seed ${seed} fold ${index + 1}/${options.folds}: F1 ${entry.f1} FP ${entry.fp} FN ${entry.fn} thr ${entry.threshold} [${String(entry.chosen)}] (${entry.seconds} s)`,
        );
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    }
  }
  const summary = (key: 'f1' | 'fp' | 'fn') => {
    const { mean, sd } = meanAndSd(folds.map((f) => f[key] as number));
    return key === 'f1' ? { mean: round(mean), sd: round(sd) } : { mean: round(mean, 2), sd: round(sd, 2) };
  };
  const report = {
    benchmark: 'nested-cv',
    generatedAt: new Date().toISOString(),
    machine: machine(),
    set: options.set,
    rows: rows.length,
    split: corpus.split,
    seeds: options.seeds,
    outerFolds: options.folds,
    maxFpRate: options.maxFpRate === undefined ? 'each channel default' : options.maxFpRate,
    mean: { f1: summary('f1'), fp: summary('fp'), fn: summary('fn') },
    folds,
    seconds: round((Date.now() - started) / 1000, 1),
  };
  if (options.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  process.stdout.write(
    `nested CV of --algorithm best on the ${options.set} training rows (${rows.length}; ${options.seeds.length} × ${options.folds} outer folds)\n` +
      `  F1 ${report.mean.f1.mean} ± ${report.mean.f1.sd}   FP per held-out fold ${report.mean.fp.mean} ± ${report.mean.fp.sd}   FN ${report.mean.fn.mean} ± ${report.mean.fn.sd}   (${report.seconds} s)\n`,
  );
}

runBench(main);
