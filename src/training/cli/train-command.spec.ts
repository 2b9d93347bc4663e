import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipelineFromArtifact, readArtifactFile } from '../../engine';
import { tinyRows, writeTinyJsonl } from '../../../test/fixtures/training/tiny-corpus';
import { evaluate } from '../evaluation/metrics';
import { DEFAULT_MAX_FP_RATE } from '../evaluation/operating-point';
import type { CliIo } from './cli-io';
import {
  operatingPointLine,
  runTrainCli,
  vectorizerFromOptions,
  type AfterTraining,
  type TrainCliOptions,
} from './train-command';

function collector() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: {}, interactive: false };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

describe(runTrainCli.name, () => {
  let dir: string;
  let data: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'train-cli-'));
    data = writeTinyJsonl(join(dir, 'tiny.jsonl'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('should train on a labelled file, print a summary table and write the artifact', async () => {
    const cli = collector();
    const out = join(dir, 'nb');
    const code = await runTrainCli(
      [
        '--algorithm',
        'naive_bayes',
        '--analyzer',
        'seed',
        '--max-features',
        '3000',
        '--ngram',
        '1,2',
        '--data',
        data,
        '--out',
        out,
        '--folds',
        '3',
      ],
      cli.io,
    );
    expect(cli.err()).toContain('[');
    expect(code).toBe(0);
    expect(cli.out()).toMatch(/^model \d{8}T\d{6}Z-[0-9a-f]{8}: naive_bayes on seed 1-2 \(/);
    expect(cli.out()).toMatch(/^cv \(3 folds, train(, at p ≥ 0\.5)?\)\s+72\s/m);
    expect(cli.out()).toMatch(/tiny\.jsonl test\s+18\s+1\.0000/);
    expect(existsSync(join(out, 'model.json'))).toBe(true);
    expect(existsSync(join(out, 'report', 'report.json'))).toBe(true);
  });

  it('should print JSON with --json, add feedback rows, and call the tracking hook for --register', async () => {
    const cli = collector();
    const feedback = join(dir, 'feedback.csv');
    writeFileSync(feedback, 'text,label\n"Call me when you land",ham\n');
    const tracked: Array<[string, boolean]> = [];
    const hook: AfterTraining = async (result, options) => {
      tracked.push([result.artifact.metadata.algorithm, options.promote]);
    };
    const args = [
      '--algorithm',
      'svm',
      '--analyzer',
      'char_wb',
      '--C',
      '0.5',
      '--class-weight',
      'none',
      '--data',
      data,
      '--out',
      join(dir, 'svm'),
    ];
    const code = await runTrainCli(
      [...args, '--json', '--no-progress', '--folds', '0', '--feedback', feedback, '--promote'],
      cli.io,
      hook,
    );
    expect(code).toBe(0);
    const summary = JSON.parse(cli.out());
    expect(summary).toMatchObject({
      algorithm: 'svm',
      cv: null,
      params: { 'model.C': 0.5, 'model.classWeight': null, n_train: 73 },
    });
    expect(cli.err()).toBe('');
    expect(tracked).toEqual([['svm', true]]);
  });

  it('should report a tracking failure as a warning and keep exit code 0', async () => {
    const cli = collector();
    const failing: AfterTraining = async () => {
      throw new Error('MLflow is down');
    };
    const args = ['--algorithm', 'naive_bayes', '--data', data, '--out', join(dir, 'r'), '--folds', '0', '--register'];
    expect(await runTrainCli(args, cli.io, failing)).toBe(0);
    expect(cli.err()).toContain('warning: the model is trained but tracking failed: MLflow is down');
  });

  it.each([
    [
      ['--algorithm', 'perceptron'],
      /option '--algorithm <name>' argument 'perceptron' is invalid\. Allowed choices are naive_bayes, svm, logistic_regression, random_forest, best\./,
    ],
    [['--max-features', 'lots'], /max features must be a whole number from 1 to 10000000, got "lots"/],
    [['--ngram', '2,1'], /ngram must be "min,max" with 1 ≤ min ≤ max ≤ 10, got "2,1"/],
    [['--seed', '-3'], /seed must be a whole number from 0/],
    [['--C', '0'], /C must be a number > 0, got "0"/],
    [['--analyzer', 'bpe'], /Allowed choices are union, char_wb, word, seed/],
    [['--unknown'], /unknown option '--unknown'/],
    [
      ['--algorithm', 'naive_bayes', '--C', '1'],
      /option '--C <c>' applies to svm and logistic_regression only, not naive_bayes/,
    ],
    [['--algorithm', 'svm', '--alpha', '1'], /option '--alpha <a>' applies to naive_bayes only, not svm/],
  ])('should exit 2 with one line for %j', async (args, message) => {
    const cli = collector();
    expect(await runTrainCli([...args, '--data', data], cli.io)).toBe(2);
    expect(cli.err()).toMatch(message);
    expect(cli.err().trim().split('\n')).toHaveLength(1);
  });

  it('should exit 3 when the data is missing or malformed', async () => {
    const missing = collector();
    expect(await runTrainCli(['--data', join(dir, 'nope.csv')], missing.io)).toBe(3);
    expect(missing.err()).toBe(`error: ${join(dir, 'nope.csv')}: file not found\n`);
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"text":"a","label":"spam"}\n{"text":"b","label":"eggs"}\n');
    const malformed = collector();
    expect(await runTrainCli(['--data', bad], malformed.io)).toBe(3);
    expect(malformed.err()).toMatch(/bad\.jsonl:2: "label" must be/);
    const noDir = collector();
    expect(await runTrainCli(['--data', 'sms', '--data-dir', join(dir, 'empty')], noDir.io)).toBe(3);
    expect(noDir.err()).toMatch(/no SMS data/);
  });

  it('should exit 1 when training fails', async () => {
    const blank = join(dir, 'blank.jsonl');
    writeFileSync(blank, Array.from({ length: 20 }, (_, i) => JSON.stringify({ text: '!!', label: i % 2 })).join('\n'));
    const cli = collector();
    expect(
      await runTrainCli(
        ['--algorithm', 'naive_bayes', '--analyzer', 'word', '--data', blank, '--out', join(dir, 'x')],
        cli.io,
      ),
    ).toBe(1);
    expect(cli.err()).toMatch(/^error: training failed: /m);
  });

  it('should print help with exit code 0', async () => {
    const cli = collector();
    expect(await runTrainCli(['--help'], cli.io)).toBe(0);
    expect(cli.out()).toContain('--register');
  });
});

describe(`${runTrainCli.name} --test and --max-fp-rate`, () => {
  let dir: string;
  let data: string;
  let test: string;
  /** The test file's rows: other numbers in the same templates, 14 ham and 7 spam. */
  const testRows = tinyRows(111).slice(90);
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'train-cli-test-'));
    data = writeTinyJsonl(join(dir, 'tiny.jsonl'));
    test = join(dir, 'held-out.csv');
    writeFileSync(
      test,
      `text,label\n${testRows.map((r) => `"${r.text.replace(/"/g, '""')}",${r.label ? 'spam' : 'ham'}`).join('\n')}\n`,
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('should train on every --data row and report figures on the --test rows, equal to evaluating them anew', async () => {
    const cli = collector();
    const args = [
      '--algorithm',
      'naive_bayes',
      '--analyzer',
      'word',
      '--max-features',
      'all',
      '--folds',
      '3',
      '--json',
    ];
    const files = ['--data', data, '--test', test, '--max-fp-rate', '0.05', '--out', join(dir, 'nb'), '--no-progress'];
    const code = await runTrainCli([...args, ...files], cli.io);
    expect(cli.err()).not.toMatch(/error/);
    expect(code).toBe(0);
    const summary = JSON.parse(cli.out());
    expect(Object.keys(summary)).toEqual(
      expect.arrayContaining(['artifactPath', 'evaluation', 'cv', 'operatingPoint', 'params', 'version']),
    );
    expect(Object.keys(summary.evaluation)).toEqual(['held-out.csv']);
    expect(summary.params).toMatchObject({ n_train: 90, 'n_eval_held-out.csv': 21, 'n_eval_held-out.csv_spam': 7 });
    expect(summary.cv).toMatchObject({ folds: 3, n: 90 });
    expect(summary.params.max_features).toBeNull();
    expect(summary.operatingPoint).toMatchObject({ maxFpRate: 0.05, threshold: expect.any(Number) });
    expect(summary.operatingPoint.chosenBy).toEqual(expect.any(String));
    const figures = summary.evaluation['held-out.csv'];
    expect(figures).toMatchObject({ n: testRows.length, tp: expect.any(Number), mcc: expect.any(Number) });
    expect(figures.fp + figures.tn).toBe(testRows.filter((r) => r.label === 0).length);
    expect(figures.tp + figures.fn).toBe(7);

    // The saved model, loaded anew, on the test file's rows: same counts at its operating point.
    const pipeline = pipelineFromArtifact(await readArtifactFile(summary.artifactPath));
    const classified = testRows.map((r) => pipeline.classify(r.text));
    const anew = evaluate(
      testRows.map((r) => r.label),
      classified.map((c) => c.spamProbability),
      summary.operatingPoint.threshold,
    );
    expect(figures).toEqual(JSON.parse(JSON.stringify(anew)));
    const flagged = classified.filter((c) => c.label === 1).length;
    expect(figures.tp + figures.fp).toBe(flagged);
  });

  it('should print the test file as its own row of the table', async () => {
    const cli = collector();
    const args = ['--algorithm', 'naive_bayes', '--folds', '0', '--no-progress', '--max-fp-rate', 'none'];
    const code = await runTrainCli([...args, '--data', data, '--test', test, '--out', join(dir, 'table')], cli.io);
    expect(cli.err()).toBe('note: 7 of the 21 --test rows have the same text as a --data row\n');
    expect(code).toBe(0);
    expect(cli.out()).toMatch(/^held-out\.csv test\s+21\s/m);
    expect(cli.out()).not.toMatch(/tiny\.jsonl test/);
    expect(cli.out()).toMatch(/ 90 training rows/);
    expect(cli.out()).toMatch(/^operating point: spam at p ≥ 0\.5 \(/m);
  });

  it('should warn, not fail, when the test file holds one class only', async () => {
    const hamOnly = join(dir, 'ham-only.jsonl');
    writeFileSync(hamOnly, '{"text":"See you at the station at six","label":"ham"}\n');
    const cli = collector();
    const args = ['--algorithm', 'naive_bayes', '--folds', '0', '--no-progress', '--json'];
    expect(await runTrainCli([...args, '--data', data, '--test', hamOnly, '--out', join(dir, 'ham')], cli.io)).toBe(0);
    expect(cli.err()).toBe(
      `warning: option '--test <file>': ${hamOnly} holds only ham rows (1): of its figures only the false positives and accuracy say something\n`,
    );
    const summary = JSON.parse(cli.out());
    expect(summary.evaluation['ham-only.jsonl']).toMatchObject({ n: 1, tp: 0, fn: 0 });
    expect(summary.operatingPoint.maxFpRate).toBe(DEFAULT_MAX_FP_RATE);
  });

  it.each([
    [
      [],
      /^error: option '--test <file>' needs '--data <file>' \(a labelled file that then trains with all its rows\), not the built-in corpus "sms"\n$/,
    ],
    [['--data', 'all'], /needs '--data <file>'.*not the built-in corpus "all"/],
    [['--feedback-from-database'], /^error: option '--test <file>' does not apply with --feedback-from-database/],
  ])('should exit 2 for --test with %j', async (args, message) => {
    const cli = collector();
    expect(await runTrainCli(['--test', join(dir, 'held-out.csv'), ...args], cli.io)).toBe(2);
    expect(cli.err()).toMatch(message);
    expect(cli.err().trim().split('\n')).toHaveLength(1);
  });

  it.each(['-1', '1', 'abc', '', '0.1%'])('should exit 2 for --max-fp-rate %j', async (value) => {
    const cli = collector();
    expect(await runTrainCli(['--max-fp-rate', value, '--data', data], cli.io)).toBe(2);
    expect(cli.err()).toBe(
      `error: option '--max-fp-rate <rate>' argument '${value}' is invalid. max fp rate must be a number with ` +
        `0 ≤ rate < 1 (a fraction: 0.001 = 0.1 %) or "none", got ${JSON.stringify(value)}\n`,
    );
  });

  it('should refuse --max-fp-rate with --feedback-from-database', async () => {
    const cli = collector();
    const called: string[] = [];
    const code = await runTrainCli(
      ['--feedback-from-database', '--max-fp-rate', '0.01'],
      cli.io,
      undefined,
      async () => {
        called.push('retrain');
        return 0;
      },
    );
    expect(code).toBe(2);
    expect(called).toEqual([]);
    expect(cli.err()).toMatch(/^error: option '--max-fp-rate <rate>' does not apply with --feedback-from-database/);
  });

  it.each([
    ['missing.csv', undefined, ': file not found'],
    ['empty.jsonl', '', ': no data rows'],
    ['empty.csv', '', ':1: empty file: expected a header with "text" and "label" columns'],
    ['sheet.xlsx', 'PK', ': unknown file type: expected .csv, .jsonl, .ndjson, .tsv or SMSSpamCollection'],
    ['bad.csv', 'text,label\n"hi",maybe\n', ':2: label must be'],
  ])('should exit 3 naming --test and the file for %s', async (name, content, problem) => {
    const path = join(dir, name);
    if (content !== undefined) writeFileSync(path, content);
    const cli = collector();
    expect(await runTrainCli(['--data', data, '--test', path, '--no-progress'], cli.io)).toBe(3);
    expect(cli.err()).toMatch(/^error: option '--test <file>': /);
    expect(cli.err()).toContain(`${path}${problem}`);
    expect(cli.err().trim().split('\n')).toHaveLength(1);
  });

  it('should exit 3 when the --data file of --test has too few rows of a class', async () => {
    const oneSpam = join(dir, 'one-spam.jsonl');
    writeFileSync(oneSpam, '{"text":"win","label":"spam"}\n{"text":"hi","label":"ham"}\n{"text":"yo","label":"ham"}\n');
    const cli = collector();
    expect(await runTrainCli(['--data', oneSpam, '--test', test], cli.io)).toBe(3);
    expect(cli.err()).toBe(`error: ${oneSpam}: needs at least 2 spam and 2 ham rows to train, has 1 spam and 2 ham\n`);
  });
});

describe(operatingPointLine.name, () => {
  it('should say where the model calls spam and how that threshold was chosen', () => {
    const cv = { fpRate: 0.0008, recall: 0.941, precision: 0.99, f1: 0.96, fp: 3, fn: 30 };
    const chosenBy = 'lowest threshold keeping the false-positive rate ≤ 0.1 % on out-of-fold probabilities';
    expect(operatingPointLine({ threshold: 0.731245, maxFpRate: 0.001, chosenBy, cv })).toBe(
      `operating point: spam at p ≥ 0.731245 (${chosenBy}: out-of-fold FP rate 0.08 %, recall 94.1 %)`,
    );
    expect(operatingPointLine({ threshold: 0.5, maxFpRate: null, chosenBy: 'default 0.5', cv: null })).toBe(
      'operating point: spam at p ≥ 0.5 (default 0.5)',
    );
  });
});

describe(vectorizerFromOptions.name, () => {
  it('should build the analyzers from the options', () => {
    const options = {
      analyzer: 'union',
      ngram: [1, 3],
      charNgram: [2, 4],
      maxFeatures: 500,
      sublinear: false,
    } as TrainCliOptions;
    expect(vectorizerFromOptions(options)).toMatchObject({
      analyzers: [
        { kind: 'char_wb', ngramRange: [2, 4] },
        { kind: 'word', ngramRange: [1, 3] },
      ],
      maxFeatures: 500,
      sublinearTf: false,
    });
  });
});
