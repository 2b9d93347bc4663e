import { Writable } from 'node:stream';
import pino from 'pino';
import { SecretsService } from './secrets.service';
import { SECRET_REDACTION_PATHS, redactDeep, redactSecretValues, secretRedactionPinoOptions } from './redaction';

describe(secretRedactionPinoOptions.name, () => {
  const secrets = new SecretsService({ ADMIN_API_TOKEN: 'admin-secret-123', DATABASE_PASSWORD: 'db-secret-456' });

  function capture(): { log: pino.Logger; output: () => string } {
    const chunks: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        chunks.push(String(chunk));
        done();
      },
    });
    return { log: pino(secretRedactionPinoOptions(secrets), stream), output: () => chunks.join('') };
  }

  it('should mask fields by name and secret values anywhere', () => {
    const { log, output } = capture();
    log.info({ req: { headers: { authorization: 'Bearer anything' } }, password: 'by-name' }, 'request');
    log.info({ items: ['x admin-secret-123 y'], depth: { a: { b: { c: 'db-secret-456' } } } }, 'objects');
    log.error(new Error('failed with db-secret-456'), 'error');
    log.warn('template %s', 'admin-secret-123');
    const text = output();
    for (const secret of ['Bearer anything', 'by-name', 'admin-secret-123', 'db-secret-456'])
      expect(text).not.toContain(secret);
    expect(text).toContain('"authorization":"[REDACTED]"');
    expect(text).toContain('failed with [REDACTED]');
    expect(text).toMatch(/"err":\{"type":"Error","message":"failed with \[REDACTED\]"/);
  });

  it('should expose path lists and plain helpers', () => {
    expect(SECRET_REDACTION_PATHS).toEqual(
      expect.arrayContaining(['req.headers.authorization', 'password', 'client_token']),
    );
    expect(redactSecretValues('token admin-secret-123', secrets)).toBe('token [REDACTED]');
    class Request {
      url = '/admin-secret-123';
    }
    const request = new Request();
    expect(redactDeep(request, secrets)).toBe(request);
    expect(redactDeep({ n: 1, s: null, list: [{ t: 'admin-secret-123' }] }, secrets)).toEqual({
      n: 1,
      s: null,
      list: [{ t: '[REDACTED]' }],
    });
  });
});
