import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readArtifactFile } from '../engine';
import { tinyRows } from '../../test/fixtures/training/tiny-corpus';
import { EngineDefaultModelTrainer } from './default-model-trainer';

const MINI_CORPUS = resolve(__dirname, '../../test/fixtures/training/mini-corpus');

describe(EngineDefaultModelTrainer.name, () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'default-model-trainer-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('should train the default model in a child process and resolve to the artifact it wrote', async () => {
    const dataDir = join(dir, 'data');
    mkdirSync(join(dataDir, 'sms-spam'), { recursive: true });
    const lines = tinyRows(40).map((r) => `${r.label ? 'spam' : 'ham'},"${r.text.replace(/"/g, '""')}",,,`);
    writeFileSync(join(dataDir, 'sms-spam', 'spam.csv'), `v1,v2,,,\r\n${lines.join('\r\n')}\r\n`, 'latin1');
    cpSync(MINI_CORPUS, join(dataDir, 'spamassassin', 'corpus'), { recursive: true });
    const trainer = new EngineDefaultModelTrainer({ ...process.env, SPAM_DATA_DIR: dataDir });
    expect(trainer.training()).toBeUndefined();
    const training = trainer.train(join(dir, 'models'));
    const seen: string[] = [];
    const sampler = setInterval(() => {
      const state = trainer.training();
      if (state?.step) seen.push(`${state.step.done}/${state.step.total} ${state.step.stage}`);
    }, 2);
    const { artifactPath } = await training.finally(() => clearInterval(sampler));
    expect(artifactPath).toBe(join(dir, 'models', 'model.json'));
    // The child's steps reach the parent while it trains; none is left once it is done.
    expect(seen.length).toBeGreaterThan(0);
    expect(seen[0]).toMatch(/^\d+\/\d+ /);
    expect(trainer.training()).toBeUndefined();
    const artifact = await readArtifactFile(artifactPath);
    expect(artifact.metadata.training.sources).toEqual(['email', 'sms']);
  }, 120_000);

  it('should reject with the reason the training process gave', async () => {
    const dataDir = join(dir, 'empty');
    mkdirSync(join(dataDir, 'spamassassin', 'corpus'), { recursive: true });
    const trainer = new EngineDefaultModelTrainer({ ...process.env, SPAM_DATA_DIR: dataDir });
    await expect(trainer.train(join(dir, 'models'))).rejects.toThrow(
      /^training the default model failed: .*no training data for the default model: .*no SMS data/,
    );
    expect(trainer.training()).toBeUndefined();
  }, 120_000);
});
