import type { Label } from '../../engine';

const SPAM_LABELS = new Set(['spam', '1']);
const HAM_LABELS = new Set(['ham', 'not_spam', '0']);
export const ACCEPTED_LABELS = 'spam, ham, not_spam, 1 or 0';

/** Maps a label as written in a data file to 1 (spam) / 0 (ham); undefined when it is none of the accepted ones. */
export function parseLabel(raw: unknown): Label | undefined {
  if (raw === 1 || raw === 0) return raw;
  if (raw === true) return 1;
  if (raw === false) return 0;
  if (typeof raw !== 'string') return undefined;
  const value = raw.trim().toLowerCase();
  if (SPAM_LABELS.has(value)) return 1;
  if (HAM_LABELS.has(value)) return 0;
  return undefined;
}
