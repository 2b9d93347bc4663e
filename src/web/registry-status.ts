import type { TrackingHistory } from './tracking-history';

/**
 * What the model page says beside "Serving <model>": the registry version that serves and the `champion` alias
 * together, e.g. `v3 (champion)`, or `v2 — champion is v3, swapping at the next check` while the follower has not
 * yet loaded a new champion. Undefined without a registry, or when it could not be read.
 */
export function registryStatus(
  tracking: TrackingHistory | undefined,
  followed: { version?: string } | undefined,
): string | undefined {
  if (!tracking || tracking.error) return undefined;
  const champion = tracking.versions.find((v) => v.champion);
  const serving = tracking.versions.find((v) => v.serving && v.champion) ?? tracking.versions.find((v) => v.serving);
  const servingName = serving ? `v${serving.version}` : 'not registered';
  if (!champion) return `${servingName} — the registry has no champion yet`;
  if (serving?.version === champion.version) return `v${serving.version} (champion)`;
  if (followed && followed.version !== champion.version) {
    return `${servingName} — champion is v${champion.version}, swapping at the next check`;
  }
  return `${servingName} — champion is v${champion.version} (this model was loaded by hand)`;
}
