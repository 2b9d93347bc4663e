import { createHash } from 'node:crypto';

/**
 * The text semantics of feedback dedupe: Unicode NFKC, every run of white space as one space, trimmed.
 * Case is kept on purpose: "FREE" and "free" are different evidence for a spam model.
 */
export function normaliseFeedbackText(text: string): string {
  return text.normalize('NFKC').replace(/\s+/gu, ' ').trim();
}

/** sha256 hex of the normalised text: the identity of a message in the feedback store. */
export function feedbackContentHash(text: string): string {
  return createHash('sha256').update(normaliseFeedbackText(text), 'utf8').digest('hex');
}
