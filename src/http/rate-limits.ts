/**
 * The two per-client budgets (per worker process, per THROTTLE_TTL_MS window, keyed by the client address — behind a
 * proxy the forwarded one only with TRUST_PROXY=true):
 * - `api`: the classification API (predictions, batch, KServe, the seed's /predict), API_RATE_LIMIT, 0 = off (default);
 * - `pages`: the page, its feedback form and the feedback API, THROTTLE_LIMIT.
 * Operational routes (health, metrics, docs) are never limited.
 */
export const API_THROTTLER = 'api';
export const PAGES_THROTTLER = 'pages';
export type ThrottlerName = typeof API_THROTTLER | typeof PAGES_THROTTLER;

const SETTING: Record<ThrottlerName, string> = { api: 'API_RATE_LIMIT', pages: 'THROTTLE_LIMIT' };

/** The 429's message: the limit, the window, the setting that sets it and when to retry. */
export function tooManyRequestsMessage(
  name: ThrottlerName,
  limit: number,
  windowMs: number,
  retryAfterSeconds: number,
): string {
  return (
    `too many requests from this client: at most ${limit} per ${windowMs / 1000} s (${SETTING[name]} per ` +
    `THROTTLE_TTL_MS); retry after ${retryAfterSeconds} s`
  );
}
