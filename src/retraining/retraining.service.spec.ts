import { feedbackContentHash } from '../feedback/feedback-text';
import { newRunId, RetrainingService, splitFeedback } from './retraining.service';

describe(RetrainingService.name, () => {
  const rows = Array.from({ length: 1000 }, (_, i) => {
    const text = `message number ${i}`;
    return { text, label: (i % 2) as 0 | 1, contentHash: feedbackContentHash(text) };
  });

  it('should hold out a stable share of the feedback by content hash', () => {
    const { train, holdout } = splitFeedback(rows, 0.2);
    expect(train.length + holdout.length).toBe(1000);
    expect(holdout.length).toBeGreaterThan(150);
    expect(holdout.length).toBeLessThan(250);
    // the same message stays on the same side whatever else is in the store
    const again = splitFeedback([...rows].reverse().slice(0, 500), 0.2);
    const held = new Set(holdout.map((r) => r.contentHash));
    expect(again.holdout.every((r) => held.has(r.contentHash))).toBe(true);
    expect(again.train.every((r) => !held.has(r.contentHash))).toBe(true);
  });

  it('should hold nothing out with a zero fraction', () => {
    expect(splitFeedback(rows, 0).holdout).toEqual([]);
  });

  it('should make sortable, unique run ids', () => {
    const a = newRunId(new Date('2026-11-27T14:05:12.345Z'));
    expect(a).toMatch(/^20261127T140512Z-[0-9a-f]{6}$/u);
    expect(newRunId(new Date('2026-11-27T14:05:12.345Z'))).not.toBe(a);
  });
});
