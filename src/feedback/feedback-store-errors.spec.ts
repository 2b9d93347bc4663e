import { ServiceUnavailableException } from '@nestjs/common';
import { isFeedbackStoreUnavailable, withFeedbackStore } from './feedback-store-errors';

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe(isFeedbackStoreUnavailable.name, () => {
  it('should recognise refused, missing and dropped connections and shutdown codes', () => {
    expect(isFeedbackStoreUnavailable(withCode('connect ECONNREFUSED /x/.s.PGSQL.5432', 'ECONNREFUSED'))).toBe(true);
    expect(isFeedbackStoreUnavailable(withCode('connect ENOENT /x/.s.PGSQL.5432', 'ENOENT'))).toBe(true);
    expect(isFeedbackStoreUnavailable(withCode('terminating connection', '57P01'))).toBe(true);
    expect(isFeedbackStoreUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isFeedbackStoreUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
  });

  it('should recognise SQLite busy past the timeout (another process held the write lock), not other SQLite errors', () => {
    const sqlite = (message: string, errcode: number) =>
      Object.assign(new Error(message), { code: 'ERR_SQLITE_ERROR', errcode, errstr: message });
    expect(isFeedbackStoreUnavailable(sqlite('database is locked', 5))).toBe(true);
    expect(isFeedbackStoreUnavailable(sqlite('database is locked', 517))).toBe(true); // SQLITE_BUSY_SNAPSHOT
    expect(isFeedbackStoreUnavailable(sqlite('UNIQUE constraint failed: feedback.content_hash', 2067))).toBe(false);
  });

  it('should leave query errors and non-errors alone', () => {
    expect(isFeedbackStoreUnavailable(withCode('duplicate key value', '23505'))).toBe(false);
    expect(isFeedbackStoreUnavailable(new Error('syntax error at or near "SELEC"'))).toBe(false);
    expect(isFeedbackStoreUnavailable('ECONNREFUSED')).toBe(false);
  });
});

describe(withFeedbackStore.name, () => {
  it('should turn an unreachable store into 503 and pass other errors and results through', async () => {
    await expect(withFeedbackStore(() => Promise.resolve(7))).resolves.toBe(7);
    await expect(
      withFeedbackStore(() => Promise.reject(withCode('connect ECONNREFUSED', 'ECONNREFUSED'))),
    ).rejects.toBeInstanceOf(ServiceUnavailableException);
    const other = withCode('duplicate key value', '23505');
    await expect(withFeedbackStore(() => Promise.reject(other))).rejects.toBe(other);
  });
});
