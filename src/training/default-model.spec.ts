import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readArtifactFile } from '../engine';
import { tinyRows } from '../../test/fixtures/training/tiny-corpus';
import { DEFAULT_MODEL, trainDefaultModel } from './default-model';

const MINI_CORPUS = resolve(__dirname, '../../test/fixtures/training/mini-corpus');

function writeSmsCsv(dataDir: string, n: number): void {
  mkdirSync(join(dataDir, 'sms-spam'), { recursive: true });
  const lines = tinyRows(n).map((r) => `${r.label ? 'spam' : 'ham'},"${r.text.replace(/"/g, '""')}",,,`);
  writeFileSync(join(dataDir, 'sms-spam', 'spam.csv'), `v1,v2,,,\r\n${lines.join('\r\n')}\r\n`, 'latin1');
}

describe(trainDefaultModel.name, () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'default-model-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('should train the fixed configuration on SMS and email training rows and evaluate on each test part', async () => {
    const dataDir = join(dir, 'data');
    writeSmsCsv(dataDir, 60);
    cpSync(MINI_CORPUS, join(dataDir, 'spamassassin', 'corpus'), { recursive: true });
    const result = await trainDefaultModel({
      dataDir,
      outDir: join(dir, 'out'),
      createdAt: new Date('2026-11-27T00:00:00Z'),
    });
    expect(result.artifact.metadata.algorithm).toBe(DEFAULT_MODEL.algorithm);
    expect(result.artifact.metadata.training.sources).toEqual(['email', 'sms']);
    expect(result.artifact.metadata.training.rows).toBe(48 + 4);
    expect(Object.keys(result.evaluation)).toEqual(['sms']);
    expect(result.evaluation.sms.n).toBe(12);
    expect(result.cv).toBeNull();
    expect((await readArtifactFile(result.artifactPath)).checksum).toBe(result.artifact.checksum);
    // Chosen from the calibration's out-of-fold probabilities at the SMS default budget (too few email rows here
    // for a threshold of their own).
    expect(result.operatingPoint).toMatchObject({ maxFpRate: 0.001 });
    expect(result.operatingPoint.chosenBy).toContain('3-fold cross-validation of the calibration');
    expect(result.artifact.metadata.operatingPoint).toEqual(result.operatingPoint);
    expect(result.evaluation.sms.threshold).toBe(result.operatingPoint.threshold);
    expect(result.params).toMatchObject({
      max_chars: 20_000,
      min_df: 5,
      max_features: 30_000,
      'model.calibrationFolds': 3,
    });
  });

  it('should train on the SMS data alone when the email corpus cannot be used, with extra rows', async () => {
    const dataDir = join(dir, 'data');
    writeSmsCsv(dataDir, 45);
    mkdirSync(join(dataDir, 'spamassassin', 'corpus', 'spam-1'), { recursive: true });
    writeFileSync(join(dataDir, 'spamassassin', 'corpus', 'spam-1', '1.txt'), 'Subject: only spam\r\n\r\nbuy\r\n');
    const extra = { text: 'see you at the gym', label: 0 as const, source: 'feedback', weight: 2 };
    const result = await trainDefaultModel({ dataDir, outDir: join(dir, 'out'), extraRows: [extra] });
    expect(result.artifact.metadata.training.sources).toEqual(['feedback', 'sms']);
  });

  it('should refuse to train without any data', async () => {
    const dataDir = join(dir, 'empty');
    mkdirSync(join(dataDir, 'spamassassin', 'corpus'), { recursive: true });
    await expect(trainDefaultModel({ dataDir, outDir: join(dir, 'out') })).rejects.toThrow(
      /no training data for the default model: .*no SMS data/,
    );
  });
});
