import type { CoordinationV1Api, V1Lease } from '@kubernetes/client-node';
import { kubernetesErrorMessage, kubernetesStatusCode, microTime } from './kubernetes-client';

export interface LeadershipState {
  /** This replica's identity. */
  readonly identity: string;
  readonly isLeader: boolean;
  /** Who holds the lease as last seen (undefined when nobody does or it is unknown). */
  readonly leader: string | undefined;
}

export type LeadershipListener = (state: LeadershipState) => void;

/** Port: "does this replica train?". Outside Kubernetes the single instance leads (`SingleInstanceLeadership`). */
export abstract class Leadership {
  abstract start(): Promise<void>;
  /** Stops taking part; a leader releases the lease (holderIdentity cleared) so another replica takes over at once. */
  abstract stop(): Promise<void>;
  abstract state(): LeadershipState;
  abstract onChange(listener: LeadershipListener): () => void;

  isLeader(): boolean {
    return this.state().isLeader;
  }
}

export class SingleInstanceLeadership extends Leadership {
  constructor(private readonly identity: string) {
    super();
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  state(): LeadershipState {
    return { identity: this.identity, isLeader: true, leader: this.identity };
  }

  /** Leadership never changes here: nothing to tell. */
  onChange(_listener: LeadershipListener): () => void {
    return () => undefined;
  }
}

export interface LeaseElectorOptions {
  readonly leaseName: string;
  readonly namespace: string;
  readonly identity: string;
  /** How long a lease is valid after its last renewal (Kubernetes' leaseDurationSeconds). */
  readonly leaseDurationSeconds: number;
  /** A leader that could not renew for this long steps down, before others may take over. */
  readonly renewDeadlineSeconds: number;
  /** How often the leader renews and followers try to acquire. */
  readonly retrySeconds: number;
  readonly logger?: { log(message: string): void; warn(message: string): void };
  readonly now?: () => number;
}

/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection does it: read the lease; take it
 * when absent, released (no holder) or expired; renew it while holding it; every write carries the
 * resourceVersion that was read, so of two replicas racing only one succeeds (the other gets 409 Conflict).
 * Expiry is judged by when *this* replica last saw the lease change (local clock), never by comparing clocks.
 */
export class LeaseLeaderElector extends Leadership {
  private leading = false;
  private observedLeader: string | undefined;
  /** The lease record as last seen, and the local time it was first seen so. */
  private observedRecord = '';
  private observedAt = 0;
  private lastRenewAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private cycle: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<LeadershipListener>();
  private readonly now: () => number;

  constructor(
    private readonly api: CoordinationV1Api,
    private readonly options: LeaseElectorOptions,
  ) {
    super();
    this.now = options.now ?? Date.now;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.tick();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.cycle;
    if (this.leading) await this.release();
    this.setLeading(false, undefined);
  }

  state(): LeadershipState {
    return {
      identity: this.options.identity,
      isLeader: this.leading,
      leader: this.leading ? this.options.identity : this.observedLeader,
    };
  }

  onChange(listener: LeadershipListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** One acquire-or-renew attempt; public so tests can step without waiting for the timer. */
  async tryAcquireOrRenew(): Promise<boolean> {
    return (await this.attempt()) === 'held';
  }

  /** held: this replica holds the lease now; other: another replica validly holds it; conflict: lost a write race. */
  private async attempt(): Promise<'held' | 'other' | 'conflict'> {
    const { namespace, leaseName: name, identity } = this.options;
    const now = this.now();
    let lease: V1Lease | undefined;
    try {
      lease = await this.api.readNamespacedLease({ name, namespace });
    } catch (error) {
      if (kubernetesStatusCode(error) !== 404) throw error;
    }

    if (!lease) {
      try {
        await this.api.createNamespacedLease({ namespace, body: this.leaseBody(undefined, now, 0) });
      } catch (error) {
        if (kubernetesStatusCode(error) === 409) return 'conflict'; // another replica created it first
        throw error;
      }
      this.observe(identity, `${identity}@created`, now);
      return 'held';
    }

    const holder = lease.spec?.holderIdentity || undefined;
    const record = `${holder ?? ''}@${String(lease.spec?.renewTime?.toISOString?.() ?? lease.spec?.renewTime ?? '')}@${lease.metadata?.resourceVersion}`;
    if (record !== this.observedRecord) {
      this.observedRecord = record;
      this.observedAt = now;
    }
    this.observedLeader = holder;
    const durationMs = (lease.spec?.leaseDurationSeconds ?? this.options.leaseDurationSeconds) * 1000;
    const heldByOther = holder !== undefined && holder !== identity;
    if (heldByOther && this.observedAt + durationMs > now) return 'other';

    const transitions = (lease.spec?.leaseTransitions ?? 0) + (holder === identity ? 0 : 1);
    const body = this.leaseBody(lease, now, transitions);
    try {
      await this.api.replaceNamespacedLease({ name, namespace, body });
    } catch (error) {
      if (kubernetesStatusCode(error) === 409) return 'conflict'; // lost the race for this version
      throw error;
    }
    this.observe(identity, `${identity}@${now}`, now);
    return 'held';
  }

  private leaseBody(current: V1Lease | undefined, now: number, transitions: number): V1Lease {
    const { leaseName: name, namespace, identity, leaseDurationSeconds } = this.options;
    const keepAcquire = current?.spec?.holderIdentity === identity && current.spec.acquireTime;
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name,
        namespace,
        ...(current?.metadata?.resourceVersion ? { resourceVersion: current.metadata.resourceVersion } : {}),
      },
      spec: {
        holderIdentity: identity,
        leaseDurationSeconds,
        acquireTime: keepAcquire ? current.spec!.acquireTime : microTime(now),
        renewTime: microTime(now),
        leaseTransitions: transitions,
      },
    };
  }

  private observe(holder: string, record: string, now: number): void {
    this.observedLeader = holder;
    this.observedRecord = record;
    this.observedAt = now;
  }

  private async tick(): Promise<void> {
    this.cycle = (async () => {
      const now = this.now();
      try {
        const outcome = await this.attempt();
        if (outcome === 'held') {
          this.lastRenewAt = now;
          this.setLeading(true, this.options.identity);
        } else if (outcome === 'other' || !this.leading) {
          this.setLeading(false, this.observedLeader);
        } else if (now - this.lastRenewAt >= this.options.renewDeadlineSeconds * 1000) {
          this.stepDown(`could not renew for ${this.options.renewDeadlineSeconds}s (write conflicts)`);
        }
      } catch (error) {
        const reason = kubernetesErrorMessage(error);
        this.options.logger?.warn(`lease ${this.options.namespace}/${this.options.leaseName}: ${reason}`);
        if (this.leading && now - this.lastRenewAt >= this.options.renewDeadlineSeconds * 1000) {
          this.stepDown(`could not renew for ${this.options.renewDeadlineSeconds}s (${reason})`);
        }
      }
    })();
    await this.cycle;
    if (this.running) this.timer = setTimeout(() => void this.tick(), this.options.retrySeconds * 1000);
  }

  private stepDown(reason: string): void {
    this.options.logger?.warn(`${this.options.identity} stops leading: ${reason}`);
    this.setLeading(false, undefined);
  }

  private setLeading(leading: boolean, leader: string | undefined): void {
    const changed = leading !== this.leading || leader !== this.observedLeader;
    const gained = leading && !this.leading;
    const lost = !leading && this.leading;
    this.leading = leading;
    this.observedLeader = leader;
    if (gained)
      this.options.logger?.log(
        `${this.options.identity} leads (lease ${this.options.namespace}/${this.options.leaseName})`,
      );
    if (lost) this.options.logger?.log(`${this.options.identity} no longer leads`);
    if (changed || gained || lost) for (const listener of this.listeners) listener(this.state());
  }

  /** Clears holderIdentity so a follower can take the lease at its next attempt instead of waiting for expiry. */
  private async release(): Promise<void> {
    const { namespace, leaseName: name, identity } = this.options;
    try {
      const lease = await this.api.readNamespacedLease({ name, namespace });
      if (lease.spec?.holderIdentity !== identity) return;
      await this.api.replaceNamespacedLease({
        name,
        namespace,
        body: {
          ...lease,
          spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime(this.now()) },
        },
      });
      this.options.logger?.log(`${identity} released lease ${namespace}/${name}`);
    } catch (error) {
      this.options.logger?.warn(`releasing lease ${namespace}/${name} failed: ${kubernetesErrorMessage(error)}`);
    }
  }
}
