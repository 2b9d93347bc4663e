import {
  comparedPercents,
  decisionWords,
  modelThresholdWords,
  operatingPointWords,
  percentText,
} from './threshold-words';
import { unitNote } from './classify-page.presenter';
import { formThreshold, WebClassifyFormPipe } from './web-classify.dto';

describe(comparedPercents.name, () => {
  it('should show one decimal when that keeps the comparison', () => {
    expect(comparedPercents(0.9731, 0.73)).toEqual({ probability: '97.3 %', threshold: '73 %', sign: '≥' });
    expect(comparedPercents(0.4, 0.5)).toEqual({ probability: '40 %', threshold: '50 %', sign: '<' });
  });

  it('should add decimals until the shown numbers compare as the exact ones did', () => {
    expect(comparedPercents(0.73119, 0.7312)).toEqual({ probability: '73.119 %', threshold: '73.12 %', sign: '<' });
    expect(comparedPercents(0.7312, 0.7312)).toEqual({ probability: '73.1 %', threshold: '73.1 %', sign: '≥' });
    expect(comparedPercents(0.73125, 0.7312)).toEqual({ probability: '73.13 %', threshold: '73.12 %', sign: '≥' });
    expect(comparedPercents(0.001119, 0.0005595)).toEqual({ probability: '0.11 %', threshold: '0.06 %', sign: '≥' });
    expect(comparedPercents(0.73125, 0.731251)).toEqual({
      probability: '73.125 %',
      threshold: '73.1251 %',
      sign: '<',
    });
  });
});

const RECORDED = { recorded: true, channels: {} };
const PER_CHANNEL = {
  recorded: true,
  channels: {
    sms: { threshold: 0.62, max_fp_rate: 0.001, cv: null },
    email: { threshold: 0.913, max_fp_rate: 0.004, cv: null },
  },
};

describe(decisionWords.name, () => {
  it('should say the verdict, the comparison and where the threshold came from', () => {
    expect(decisionWords(0.9731, { threshold: 0.73, threshold_source: 'model', channel: 'sms' }, RECORDED)).toBe(
      "Spam: spam probability 97.3 % ≥ threshold 73 %, the model's operating point",
    );
    expect(decisionWords(0.646, { threshold: 0.73, threshold_source: 'model', channel: 'sms' }, RECORDED)).toBe(
      "Not spam: spam probability 64.6 % < threshold 73 %, the model's operating point",
    );
    expect(decisionWords(0.2, { threshold: 0.1, threshold_source: 'request', channel: 'sms' }, PER_CHANNEL)).toBe(
      'Spam: spam probability 20 % ≥ threshold 10 %, the threshold you gave',
    );
    expect(
      decisionWords(
        0.2,
        { threshold: 0.5, threshold_source: 'model', channel: 'sms' },
        { recorded: false, channels: {} },
      ),
    ).toBe(
      'Not spam: spam probability 20 % < threshold 50 %, the default threshold (this model has no operating point)',
    );
  });

  it('should name the channel whose own threshold decided', () => {
    expect(decisionWords(0.7, { threshold: 0.62, threshold_source: 'model', channel: 'sms' }, PER_CHANNEL)).toBe(
      "Spam: spam probability 70 % ≥ threshold 62 %, the model's operating point for SMS",
    );
    expect(decisionWords(0.7, { threshold: 0.913, threshold_source: 'model', channel: 'email' }, PER_CHANNEL)).toBe(
      "Not spam: spam probability 70 % < threshold 91.3 %, the model's operating point for e-mail",
    );
  });
});

describe(modelThresholdWords.name, () => {
  const base = { threshold: 0.7, max_fp_rate: 0.001, chosen_by: 'x', cv: null };
  it("should give the model's threshold, or each channel's, in one line", () => {
    expect(modelThresholdWords({ ...base, channels: {}, recorded: true })).toBe('0.7 (operating point)');
    expect(modelThresholdWords({ ...base, ...PER_CHANNEL })).toBe(
      'SMS 0.62, e-mail 0.913 (operating points per channel)',
    );
    expect(modelThresholdWords({ ...base, recorded: true, channels: { sms: PER_CHANNEL.channels.sms } })).toBe(
      'SMS 0.62, others 0.7 (operating points per channel)',
    );
    expect(modelThresholdWords({ ...base, threshold: 0.5, channels: {}, recorded: false })).toBe('0.5 (default)');
  });
});

describe(operatingPointWords.name, () => {
  const cv = { fp_rate: 0.00078, recall: 0.9123, precision: 0.9951, f1: 0.95188, fp: 3, fn: 52 };
  it('should show the threshold, the target false-positive rate, how it was chosen and the CV figures', () => {
    expect(
      operatingPointWords({
        threshold: 0.731204,
        max_fp_rate: 0.001,
        chosen_by: 'lowest threshold keeping the false-positive rate ≤ 0.1 % on out-of-fold probabilities',
        cv,
        channels: {},
        recorded: true,
      }),
    ).toEqual({
      threshold: '0.731204 (spam from 73.12 %)',
      target: 'at most 0.1 %',
      chosen: 'Lowest threshold keeping the false-positive rate ≤ 0.1 % on out-of-fold probabilities.',
      rows: [
        {
          name: 'Training rows',
          threshold: '0.731204',
          target: '≤ 0.1 %',
          fpRate: '0.078 % (3 not-spam flagged)',
          recall: '91.2 % (52 spam missed)',
          precision: '99.5 %',
          f1: '0.9519',
        },
      ],
      perChannel: false,
      recorded: true,
    });
  });

  it('should add a row per channel with its own threshold', () => {
    const words = operatingPointWords({
      threshold: 0.7,
      max_fp_rate: null,
      chosen_by: 'x',
      cv: null,
      channels: { email: { threshold: 0.913, max_fp_rate: 0.004, cv } },
      recorded: true,
    });
    expect(words.perChannel).toBe(true);
    expect(words.rows.map((r) => [r.name, r.threshold, r.target, r.fpRate])).toEqual([
      ['All training rows', '0.7', 'none', '–'],
      ['e-mail rows', '0.913', '≤ 0.4 %', '0.078 % (3 not-spam flagged)'],
    ]);
  });

  it('should say "none" for a point not chosen for a false-positive rate, and the default for an old model', () => {
    expect(
      operatingPointWords({
        threshold: 0.5,
        max_fp_rate: null,
        chosen_by: 'default 0.5',
        cv: null,
        channels: {},
        recorded: true,
      }),
    ).toMatchObject({ threshold: '0.5 (spam from 50 %)', target: 'none', chosen: 'Default 0.5.', rows: [] });
    expect(
      operatingPointWords({
        threshold: 0.5,
        max_fp_rate: null,
        chosen_by: 'x',
        cv: null,
        channels: {},
        recorded: false,
      }),
    ).toEqual({
      threshold: '0.5 (the default; this model has no operating point)',
      rows: [],
      perChannel: false,
      recorded: false,
    });
  });

  it('should write percentages with at most the digits asked for', () => {
    expect(percentText(0.73)).toBe('73 %');
    expect(percentText(0.0009, 3)).toBe('0.09 %');
  });
});

describe('the form threshold', () => {
  it.each([
    ['', undefined],
    ['  ', undefined],
    ['0.8', 0.8],
    ['0,8', 0.8],
    ['.25', 0.25],
    ['1', 1],
    ['0', 'invalid'],
    ['1.5', 'invalid'],
    ['-0.2', 'invalid'],
    ['x', 'invalid'],
    ['1e-3', 'invalid'],
    ['Infinity', 'invalid'],
  ])('should read %j as %j', (raw, expected) => {
    expect(formThreshold(raw)).toBe(expected);
  });

  it('should pass a valid threshold on and keep a bad one for the form shown again', () => {
    const pipe = new WebClassifyFormPipe();
    expect(pipe.transform({ text: 'hi', threshold: '0.3' })).toEqual({ valid: true, text: 'hi', threshold: 0.3 });
    expect(pipe.transform({ text: 'hi', threshold: '' })).toEqual({ valid: true, text: 'hi' });
    expect(pipe.transform({ text: 'hi', threshold: '2' })).toEqual({
      valid: false,
      text: 'hi',
      threshold: '2',
      errors: ['Threshold must be a number greater than 0 and at most 1 (for example 0.8), or empty.'],
    });
  });
});

describe(unitNote.name, () => {
  const explanation = { baseline: -4.54, total: 2.1, towardsSpam: [], towardsHam: [] };
  it("should say where spam starts at the threshold that decided, in the weights' unit", () => {
    expect(unitNote({ ...explanation, unit: 'log_odds' }, 0.5)).toContain(
      '(spam from 0.00, the threshold 0.5 in log-odds;',
    );
    expect(unitNote({ ...explanation, unit: 'log_odds' }, 0.7)).toContain(
      '(spam from +0.85, the threshold 0.7 in log-odds;',
    );
    expect(unitNote({ ...explanation, unit: 'log_odds' }, 1)).toContain(
      '(spam only at a probability of 1, the threshold;',
    );
    expect(unitNote({ ...explanation, unit: 'probability' }, 0.35)).toContain('(spam from 0.35, the threshold)');
  });
});
