import type { FastifyRequest } from 'fastify';
import { FieldValidationError } from './error-response';
import { jsonBodyParser, MAX_JSON_DEPTH, nestsDeeperThan } from './json-body-parser';

describe(nestsDeeperThan.name, () => {
  const deep = (n: number): Buffer => Buffer.from('['.repeat(n) + ']'.repeat(n));

  it('should count arrays and objects up to the limit and stop past it', () => {
    expect(nestsDeeperThan(deep(MAX_JSON_DEPTH), MAX_JSON_DEPTH)).toBe(false);
    expect(nestsDeeperThan(deep(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH)).toBe(true);
    expect(nestsDeeperThan(Buffer.from('{"a":{"b":[{"c":1}]}}'), 3)).toBe(true);
    expect(nestsDeeperThan(Buffer.from('{"a":{"b":[{"c":1}]}}'), 4)).toBe(false);
    expect(nestsDeeperThan(Buffer.from('[[],[],[],[]]'), 2)).toBe(false);
  });

  it('should not count brackets inside strings, escaped quotes included', () => {
    expect(nestsDeeperThan(Buffer.from(JSON.stringify({ text: '[[[[{{{{' })), 1)).toBe(false);
    expect(nestsDeeperThan(Buffer.from(JSON.stringify({ text: 'say \\"[[[[\\" \\\\' })), 1)).toBe(false);
    expect(nestsDeeperThan(Buffer.from(JSON.stringify({ text: '"', inner: [[1]] })), 2)).toBe(true);
  });

  it('should scan a 1 MB body in milliseconds, stopping early on 500,000 levels', () => {
    const deepest = deep(500_000);
    const flat = Buffer.from(JSON.stringify({ text: 'x'.repeat(1_000_000) }));
    const started = performance.now();
    expect(nestsDeeperThan(deepest, MAX_JSON_DEPTH)).toBe(true);
    expect(nestsDeeperThan(flat, MAX_JSON_DEPTH)).toBe(false);
    expect(performance.now() - started).toBeLessThan(250);
  });
});

describe(jsonBodyParser.name, () => {
  const request = {} as FastifyRequest;
  const parsed: string[] = [];
  const parser = jsonBodyParser((_req, body, done) => {
    parsed.push(body);
    done(null, JSON.parse(body));
  });
  const run = (body: Buffer): { error: Error | null; value?: unknown } => {
    let outcome: { error: Error | null; value?: unknown } = { error: null };
    parser(request, body, (error, value) => (outcome = { error, value }));
    return outcome;
  };

  beforeEach(() => (parsed.length = 0));

  it('should hand a UTF-8 body of normal depth to the JSON parser as text', () => {
    expect(run(Buffer.from('{"text":"café ✓ 😀","channel":"sms"}'))).toEqual({
      error: null,
      value: { text: 'café ✓ 😀', channel: 'sms' },
    });
  });

  it('should refuse a body nested deeper than the limit with a 400 naming it, before parsing', () => {
    const { error } = run(Buffer.from('['.repeat(10_000) + ']'.repeat(10_000)));
    expect(error).toBeInstanceOf(FieldValidationError);
    expect((error as FieldValidationError).httpStatus).toBe(400);
    expect(error?.message).toBe(`the JSON body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep`);
    expect(parsed).toEqual([]);
  });

  it('should refuse invalid UTF-8 with a 400, before parsing', () => {
    for (const bytes of [
      [0xc3, 0x28],
      [0xff, 0xfe],
      [0xed, 0xa0, 0x80],
      [0xe2, 0x82],
    ]) {
      const body = Buffer.concat([Buffer.from('{"text":"a'), Buffer.from(bytes), Buffer.from('"}')]);
      const { error } = run(body);
      expect(error).toBeInstanceOf(FieldValidationError);
      expect(error?.message).toBe('the JSON body is not valid UTF-8');
    }
    expect(parsed).toEqual([]);
  });
});
