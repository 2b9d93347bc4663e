import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTinyJsonl } from '../../../test/fixtures/training/tiny-corpus';
import type { CliIo } from './cli-io';
import { runTrainCli, vectorizerFromOptions, type AfterTraining, type TrainCliOptions } from './train-command';

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
    expect(cli.out()).toMatch(/cv \(3 folds, train\)/);
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
    expect(summary).toMatchObject({ algorithm: 'svm', cv: null, params: { 'model.C': 0.5, n_train: 73 } });
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
