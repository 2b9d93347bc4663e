import { Writable } from 'node:stream';
import pino from 'pino';
import { pinoVaultLogger } from './vault-logger';

describe(pinoVaultLogger.name, () => {
  it('should write each level as a JSON line with context Vault', () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = pinoVaultLogger(pino(stream));
    logger.log('loaded');
    logger.warn('refresh failed');
    logger.error('broken');
    expect(lines.map((line) => JSON.parse(line) as { level: number; context: string; msg: string })).toEqual([
      expect.objectContaining({ level: 30, context: 'Vault', msg: 'loaded' }),
      expect.objectContaining({ level: 40, context: 'Vault', msg: 'refresh failed' }),
      expect.objectContaining({ level: 50, context: 'Vault', msg: 'broken' }),
    ]);
  });
});
