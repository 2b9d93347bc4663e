import { InvalidArgumentError } from 'commander';
import { parseHoldoutFraction, parseIsoInstant, parseRunId } from './job-options';

describe(parseIsoInstant.name, () => {
  it('should read the instants the leader writes (Date.toISOString) and other zoned ISO 8601 forms', () => {
    expect(parseIsoInstant('2026-11-27T14:05:12.345Z').toISOString()).toBe('2026-11-27T14:05:12.345Z');
    expect(parseIsoInstant('2026-11-27T14:05Z').toISOString()).toBe('2026-11-27T14:05:00.000Z');
    expect(parseIsoInstant('2026-11-27T15:05:12+01:00').toISOString()).toBe('2026-11-27T14:05:12.000Z');
  });

  it.each([
    ['a word', 'yesterday'],
    ['a date without a time', '2026-11-27'],
    ['a time without a zone', '2026-11-27T14:05:12'],
    ['an impossible day', '2026-02-30T00:00:00Z'],
    ['an impossible month', '2026-13-01T00:00:00Z'],
    ['an impossible hour', '2026-11-27T24:00:00Z'],
    ['a number', '1764252312000'],
    ['nothing', ''],
  ])('should refuse %s, quoting the value', (_, raw) => {
    expect(() => parseIsoInstant(raw)).toThrow(InvalidArgumentError);
    expect(() => parseIsoInstant(raw)).toThrow(`must be an ISO 8601 instant with a zone`);
    expect(() => parseIsoInstant(raw)).toThrow(JSON.stringify(raw));
  });
});

describe(parseHoldoutFraction.name, () => {
  it('should accept the range FEEDBACK_HOLDOUT_FRACTION accepts, 0 (no held-out slice) included', () => {
    expect(parseHoldoutFraction('0')).toBe(0);
    expect(parseHoldoutFraction('0.2')).toBe(0.2);
    expect(parseHoldoutFraction('0.9')).toBe(0.9);
  });

  it.each(['-0.1', '1', '1.5', '0.95', 'abc', '', 'NaN', 'Infinity'])('should refuse %j naming the limits', (raw) => {
    expect(() => parseHoldoutFraction(raw)).toThrow('must be a number from 0 to 0.9');
  });
});

describe(parseRunId.name, () => {
  it('should accept the ids the leader makes', () => {
    expect(parseRunId('20261127T140512Z-3f9a1c')).toBe('20261127T140512Z-3f9a1c');
  });

  it.each(['', '-leading-dash', 'has space', 'a/b', 'x'.repeat(129)])('should refuse %j', (raw) => {
    expect(() => parseRunId(raw)).toThrow(InvalidArgumentError);
  });
});
