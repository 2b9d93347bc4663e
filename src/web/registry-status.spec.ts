import { registryStatus } from './registry-status';
import type { HistoryVersion, TrackingHistory } from './tracking-history';

function history(versions: Array<Pick<HistoryVersion, 'version' | 'champion' | 'serving'>>): TrackingHistory {
  return {
    store: { kind: 'local', location: '/tmp/registry' },
    experimentName: 'spam-classifier-training',
    modelName: 'spam-classifier',
    runs: [],
    versions: versions.map((v) => ({
      ...v,
      aliases: v.champion ? ['champion'] : [],
      challenger: false,
      createdAt: '2026-12-02T00:00:00.000Z',
      status: 'READY',
    })),
  };
}

describe(registryStatus.name, () => {
  it('should name the serving version and the champion alias together', () => {
    const both = history([
      { version: '2', champion: false, serving: false },
      { version: '1', champion: true, serving: true },
    ]);
    expect(registryStatus(both, { version: '1' })).toBe('v1 (champion)');
  });

  it('should say a swap is coming while the follower has not loaded the new champion', () => {
    const moved = history([
      { version: '2', champion: true, serving: false },
      { version: '1', champion: false, serving: true },
    ]);
    expect(registryStatus(moved, { version: '1' })).toBe('v1 — champion is v2, swapping at the next check');
    expect(registryStatus(moved, { version: '2' })).toBe('v1 — champion is v2 (this model was loaded by hand)');
  });

  it('should say when nothing is registered or there is no registry', () => {
    expect(registryStatus(history([]), undefined)).toBe('not registered — the registry has no champion yet');
    expect(registryStatus(undefined, undefined)).toBeUndefined();
    expect(registryStatus({ ...history([]), error: 'timeout' }, undefined)).toBeUndefined();
  });
});
