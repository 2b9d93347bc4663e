import { ServiceUnavailableException } from '@nestjs/common';

/** Socket errors and PostgreSQL codes meaning "the database is not reachable now", not "this request is wrong". */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOENT',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000', // connection_exception
  '08001', // sqlclient_unable_to_establish_sqlconnection
  '08006', // connection_failure
]);
const UNREACHABLE_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|is not open/iu;
/** SQLite's SQLITE_BUSY and SQLITE_LOCKED: another process held the file longer than the busy timeout. */
const SQLITE_BUSY_CODES = new Set([5, 6]);

/** True when the error says the feedback database cannot be reached (down, restarting, refusing connections, busy). */
export function isFeedbackStoreUnavailable(error: unknown): boolean {
  // Duck-typed: socket errors may come from another realm (node's own Error under Jest's VM), failing instanceof.
  if (typeof error !== 'object' || error === null) return false;
  const { code, errcode, message } = error as { code?: unknown; errcode?: unknown; message?: unknown };
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
  if (code === 'ERR_SQLITE_ERROR' && typeof errcode === 'number' && SQLITE_BUSY_CODES.has(errcode & 0xff)) return true;
  return typeof message === 'string' && UNREACHABLE_MESSAGES.test(message);
}

/** Runs a store call; an unreachable database becomes 503 (retry later) instead of a 500. */
export async function withFeedbackStore<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isFeedbackStoreUnavailable(error)) {
      throw new ServiceUnavailableException('the feedback store is unavailable right now; try again shortly');
    }
    throw error;
  }
}
