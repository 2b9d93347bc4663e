import { KubernetesApiDouble } from './doubles/kubernetes-api';
import { kubeConfigFor, kubernetesClients } from '../src/retraining/kubernetes-client';
import {
  LeaseLeaderElector,
  SingleInstanceLeadership,
  type LeaseElectorOptions,
} from '../src/retraining/lease-leader-election';

const NAMESPACE = 'spam';
const LEASE = 'spam-classifier-trainer';

async function eventually(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe(LeaseLeaderElector.name, () => {
  let api: KubernetesApiDouble;
  const electors: LeaseLeaderElector[] = [];

  const elector = (identity: string, overrides: Partial<LeaseElectorOptions> = {}): LeaseLeaderElector => {
    const clients = kubernetesClients(kubeConfigFor(api.url, api.token));
    const e = new LeaseLeaderElector(clients.coordination, {
      leaseName: LEASE,
      namespace: NAMESPACE,
      identity,
      leaseDurationSeconds: 2,
      renewDeadlineSeconds: 1,
      retrySeconds: 0.1,
      ...overrides,
    });
    electors.push(e);
    return e;
  };

  beforeEach(async () => {
    api = new KubernetesApiDouble();
    await api.start();
  });

  afterEach(async () => {
    await Promise.all(electors.splice(0).map((e) => e.stop()));
    await api.stop();
  });

  it('should let exactly one of two racing replicas take a fresh lease', async () => {
    for (let round = 0; round < 5; round++) {
      const name = `race-${round}`;
      const a = elector('pod-a', { leaseName: name });
      const b = elector('pod-b', { leaseName: name });
      const results = await Promise.all([a.tryAcquireOrRenew(), b.tryAcquireOrRenew()]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const holder = api.lease(NAMESPACE, name)?.spec?.holderIdentity;
      expect(holder).toBe(results[0] ? 'pod-a' : 'pod-b');
    }
  });

  it('should elect one leader of two running electors, the other seeing who leads', async () => {
    const a = elector('pod-a');
    const b = elector('pod-b');
    await Promise.all([a.start(), b.start()]);
    await new Promise((r) => setTimeout(r, 500)); // several renew rounds
    const leaders = [a, b].filter((e) => e.isLeader());
    expect(leaders).toHaveLength(1);
    const [leader] = leaders;
    const follower = leader === a ? b : a;
    expect(follower.state()).toEqual({
      identity: follower.state().identity,
      isLeader: false,
      leader: leader.state().identity,
    });
    const lease = api.lease(NAMESPACE, LEASE)!;
    expect(lease.spec).toMatchObject({
      holderIdentity: leader.state().identity,
      leaseDurationSeconds: 2,
      leaseTransitions: 0,
    });
    expect(Number(lease.metadata.resourceVersion)).toBeGreaterThan(1001); // renewed, not just created
  });

  it('should hand over at once when the leader stops and releases the lease', async () => {
    const a = elector('pod-a');
    await a.start();
    expect(a.isLeader()).toBe(true);
    const b = elector('pod-b');
    const changes: boolean[] = [];
    b.onChange((s) => changes.push(s.isLeader));
    await b.start();
    expect(b.isLeader()).toBe(false);
    expect(b.state().leader).toBe('pod-a');

    await a.stop();
    expect(a.isLeader()).toBe(false);
    expect(api.lease(NAMESPACE, LEASE)?.spec?.holderIdentity).toBe('');
    await eventually(() => b.isLeader());
    expect(changes).toContain(true);
    expect(api.lease(NAMESPACE, LEASE)?.spec).toMatchObject({ holderIdentity: 'pod-b', leaseTransitions: 1 });
  });

  it('should take over only after the lease expires when the leader vanishes without releasing', async () => {
    const crashed = elector('pod-crashed');
    expect(await crashed.tryAcquireOrRenew()).toBe(true); // holds the lease, then never renews (no timer)
    const b = elector('pod-b');
    await b.start();
    expect(b.isLeader()).toBe(false);
    expect(b.state().leader).toBe('pod-crashed');
    await eventually(() => b.isLeader());
    const lease = api.lease(NAMESPACE, LEASE)!;
    expect(lease.spec).toMatchObject({ holderIdentity: 'pod-b', leaseTransitions: 1 });
    expect(await crashed.tryAcquireOrRenew()).toBe(false); // comes back: b holds a valid lease now
  });

  it('should keep leading through a failed renewal and step down once the renew deadline passes', async () => {
    const a = elector('pod-a', { retrySeconds: 0.2, renewDeadlineSeconds: 1, leaseDurationSeconds: 3 });
    await a.start();
    expect(a.isLeader()).toBe(true);
    api.failNext(503, 'ServiceUnavailable', /^GET .*leases/u);
    await new Promise((r) => setTimeout(r, 500));
    expect(a.isLeader()).toBe(true); // one failure within the deadline
    for (let i = 0; i < 100; i++) api.failNext(500, 'InternalError', /leases/u);
    await eventually(() => !a.isLeader());
  });

  it('should refuse a stale resourceVersion with 409 Conflict as the API server does', async () => {
    const a = elector('pod-a');
    expect(await a.tryAcquireOrRenew()).toBe(true);
    const { coordination } = kubernetesClients(kubeConfigFor(api.url, api.token));
    const lease = await coordination.readNamespacedLease({ name: LEASE, namespace: NAMESPACE });
    expect(await a.tryAcquireOrRenew()).toBe(true); // moves the version on
    await expect(
      coordination.replaceNamespacedLease({ name: LEASE, namespace: NAMESPACE, body: lease }),
    ).rejects.toMatchObject({
      code: 409,
    });
    await expect(coordination.readNamespacedLease({ name: 'absent', namespace: NAMESPACE })).rejects.toMatchObject({
      code: 404,
    });
  });
});

describe(SingleInstanceLeadership.name, () => {
  it('should always lead outside Kubernetes', async () => {
    const single = new SingleInstanceLeadership('laptop');
    await single.start();
    expect(single.state()).toEqual({ identity: 'laptop', isLeader: true, leader: 'laptop' });
    single.onChange(() => undefined)();
    await single.stop();
    expect(single.isLeader()).toBe(true);
  });
});
