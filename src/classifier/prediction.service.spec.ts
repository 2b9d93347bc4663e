import type { Logger } from 'pino';
import type { HttpConfig } from '../http/http.config';
import type { ClassifierConfig } from './config/classifier.config';
import type { SpamClassifier } from '../engine';
import type { ActiveModel, ModelHolder } from './model-holder.service';
import { PredictionService } from './prediction.service';

describe(PredictionService.name, () => {
  const seen: string[] = [];
  const classifier: SpamClassifier = {
    algorithm: 'svm',
    classify(text, options) {
      seen.push(text);
      const spamProbability = text.includes('prize') ? 0.9 : 0.1;
      const threshold = options?.threshold ?? 0.5;
      return { label: spamProbability >= threshold ? 1 : 0, spamProbability, score: 0, threshold };
    },
    classifyBatch(texts, options) {
      return texts.map((t) => this.classify(t, options));
    },
  };
  const active = {
    classifier,
    artifact: { metadata: { version: 'v-test', algorithm: 'svm' } },
    source: 'test',
    loadedAt: new Date(),
  } as unknown as ActiveModel;
  const holder = { active: () => active } as unknown as ModelHolder;
  const logged: unknown[] = [];
  const root = { child: () => ({ info: (line: unknown) => logged.push(line) }) } as unknown as Logger;
  const serviceLogging = (predictionLogSampleRate: number): PredictionService =>
    new PredictionService(
      holder,
      { maxBatchSize: 10, maxTextChars: 100_000, classifyMaxChars: 1000, predictionLogSampleRate } as ClassifierConfig,
      { logTextPreviewChars: 0 } as HttpConfig,
      root,
    );
  const service = serviceLogging(1);
  const RAW = [
    'From: "Prize Desk" <win@lottery.example>',
    'Subject: You won a prize',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<p>Claim your <b>prize</b></p>',
  ].join('\r\n');

  beforeEach(() => {
    seen.length = 0;
    logged.length = 0;
  });

  it('should classify a short message synchronously and as it was sent', () => {
    const result = service.predict('lunch at noon?', 'auto', 'r1');
    expect(result).not.toBeInstanceOf(Promise);
    expect(seen).toEqual(['lunch at noon?']);
  });

  it('should classify a raw email from the text email models learn from, and log the submitted one', async () => {
    const result = await service.predict(RAW, 'auto', 'r2');
    expect(result).toMatchObject({ prediction: 'spam', channel: 'email' });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toContain('From: Prize Desk <win@lottery.example>');
    expect(seen[0]).toContain('Claim your prize');
    expect(seen[0]).not.toContain('<b>');
    expect(logged).toEqual([expect.objectContaining({ text_length: RAW.length })]);
  });

  it('should keep an explicit channel and detect an email on auto from its header block', () => {
    expect(service.predict('hello', 'email', 'c1')).toMatchObject({ channel: 'email' });
    expect(service.predict('Note: call me at 5', undefined, 'c2')).toMatchObject({ channel: 'sms' });
    expect(service.predict('WINNER!! claim now', undefined, 'c3')).toMatchObject({ channel: 'sms' });
    expect(seen).toEqual(['hello', 'Note: call me at 5', 'WINNER!! claim now']);
  });

  it('should report a text as an email exactly when the model reads it as one', async () => {
    const plain = await service.predict('Subject: hi\nwin a prize', 'auto', 'c4');
    expect(plain).toMatchObject({ channel: 'sms', prediction: 'spam' });
    expect(seen).toEqual(['Subject: hi\nwin a prize']);
    const raw = await service.predict('Subject: hi\nFrom: a@b.c\n\nwin a prize', 'auto', 'c5');
    expect(raw).toMatchObject({ channel: 'email', prediction: 'spam' });
    expect(seen[1]).toContain('hi\nwin a prize');
    expect(seen[1]).not.toContain('Subject: hi');
    expect(logged).toEqual([
      expect.objectContaining({ channel: 'sms' }),
      expect.objectContaining({ channel: 'email' }),
    ]);
  });

  it('should keep a raw email as it is on the sms channel', () => {
    service.predict(RAW, 'sms', 'r3');
    expect(seen).toEqual([RAW]);
  });

  it('should extract raw emails in a batch and keep the order', async () => {
    const batch = await service.predictBatch(
      [
        { id: 'a', text: 'see you soon' },
        { id: 'b', text: RAW, channel: 'email' },
      ],
      'r4',
    );
    expect(batch.results.map((r) => [r.id, r.channel, r.prediction])).toEqual([
      ['a', 'sms', 'not_spam'],
      ['b', 'email', 'spam'],
    ]);
    expect(seen[0]).toBe('see you soon');
    expect(seen[1]).toContain('You won a prize');
  });

  it('should read an email that starts with an mbox From line as an email on auto, and say so', async () => {
    const mbox = `From win@lottery.example  Thu Aug 22 12:36:23 2002\nReturn-Path: <win@lottery.example>\n${RAW}`;
    expect(await service.predict(mbox, 'auto', 'm1')).toMatchObject({ channel: 'email', prediction: 'spam' });
    expect(seen[0]).toContain('Claim your prize');
    expect(seen[0]).not.toContain('Return-Path');
    expect(logged).toEqual([expect.objectContaining({ channel: 'email' })]);
  });

  it('should say when only the first CLASSIFY_MAX_CHARS characters were read, and only then', async () => {
    expect(service.predict('a'.repeat(1000), 'sms', 't1')).not.toHaveProperty('truncated');
    expect(service.predict('a'.repeat(1500), 'sms', 't2')).toMatchObject({
      truncated: { read_chars: 1000, total_chars: 1500 },
    });
    const page = await service.classifyForPage('b'.repeat(1200), 'auto', 't3');
    expect(page.result.truncated).toEqual({ read_chars: 1000, total_chars: 1200 });
    const batch = await service.predictBatch([{ text: 'short' }, { id: 'long', text: 'c'.repeat(3000) }], 't4');
    expect(batch.results[0]).not.toHaveProperty('truncated');
    expect(batch.results[1]).toMatchObject({ id: 'long', truncated: { read_chars: 1000, total_chars: 3000 } });
  });

  it("should count an email's characters in the text read from it, and say when its source was cut", async () => {
    const long = `${RAW}${'<p>more prize text</p>'.repeat(60)}`;
    const read = await service.predict(long, 'email', 'e1');
    const text = seen[0];
    expect(read.truncated).toEqual({ read_chars: 1000, total_chars: text.length });
    const huge = `${RAW}${' '.repeat(4_050 - RAW.length)}`;
    const cut = await service.predict(huge, 'email', 'e2');
    expect(cut.truncated).toEqual({
      read_chars: seen[1].length,
      total_chars: seen[1].length,
      source_read_chars: 4000,
      source_total_chars: 4050,
    });
  });

  it("should decide with the request's threshold when given, say which threshold decided, and log it", async () => {
    expect(service.predict('lunch at noon?', 'sms', 'h1')).toMatchObject({
      prediction: 'not_spam',
      threshold: 0.5,
      threshold_source: 'model',
    });
    expect(service.predict('lunch at noon?', 'sms', 'h2', false, 0.05)).toMatchObject({
      prediction: 'spam',
      spam_probability: 0.1,
      confidence: 0.1,
      threshold: 0.05,
      threshold_source: 'request',
    });
    expect(await service.predict(RAW, 'auto', 'h3', true, 0.95)).toMatchObject({
      prediction: 'not_spam',
      channel: 'email',
      threshold: 0.95,
      threshold_source: 'request',
    });
    expect(logged).toEqual([
      expect.objectContaining({ request_id: 'h1', threshold: 0.5, threshold_source: 'model' }),
      expect.objectContaining({ request_id: 'h2', prediction: 'spam', threshold: 0.05, threshold_source: 'request' }),
      expect.objectContaining({
        request_id: 'h3',
        prediction: 'not_spam',
        threshold: 0.95,
        threshold_source: 'request',
      }),
    ]);
    const batch = await service.predictBatch(
      [{ text: 'see you soon' }, { text: RAW, channel: 'email' }],
      'h4',
      false,
      0.95,
    );
    expect(batch.results.map((r) => [r.prediction, r.threshold, r.threshold_source])).toEqual([
      ['not_spam', 0.95, 'request'],
      ['not_spam', 0.95, 'request'],
    ]);
    const page = await service.classifyForPage('win a prize', 'sms', 'h5', 0.95);
    expect(page.result).toMatchObject({ prediction: 'not_spam', threshold: 0.95, threshold_source: 'request' });
    expect(page.classification.threshold).toBe(0.95);
  });

  describe('prediction log sampling (PREDICTION_LOG_SAMPLE_RATE)', () => {
    const run = (rate: number, n: number): number => {
      const s = serviceLogging(rate);
      let counted = 0;
      s.onPrediction(() => counted++);
      for (let i = 0; i < n; i++) s.predict(`hello ${i}`, 'sms', `r${i}`);
      expect(counted).toBe(n);
      return logged.length;
    };

    it('should log every prediction at 1 and none at 0, while listeners (metrics) see every one', () => {
      expect(run(1, 50)).toBe(50);
      logged.length = 0;
      expect(run(0, 50)).toBe(0);
    });

    it('should log about the given share, each sampled line saying its rate', () => {
      const random = jest.spyOn(Math, 'random');
      let i = 0;
      random.mockImplementation(() => (i++ % 10) / 10);
      try {
        expect(run(0.3, 100)).toBe(30);
      } finally {
        random.mockRestore();
      }
      expect(logged.every((line) => (line as { log_sample_rate?: number }).log_sample_rate === 0.3)).toBe(true);
    });
  });
});
