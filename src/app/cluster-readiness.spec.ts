import { EventEmitter } from 'node:events';
import { ReadinessRegistry } from '../health/readiness.registry';
import type { ActiveModel, SwapListener } from '../classifier/model-holder.service';
import {
  CLUSTER_READINESS,
  ClusterReadinessBook,
  registerClusterReadiness,
  WORKER_MODEL,
  type ClusterReadinessMessage,
} from './cluster-readiness';

describe(ClusterReadinessBook.name, () => {
  it('should count the workers whose model is loaded, of the workers expected', () => {
    const book = new ClusterReadinessBook(2);
    expect(book.message()).toEqual({ type: CLUSTER_READINESS, ready: 0, expected: 2 });
    expect(book.report(1, { type: WORKER_MODEL, loaded: true })).toBe(true);
    expect(book.report(1, { type: WORKER_MODEL, loaded: true })).toBe(false);
    expect(book.message()).toMatchObject({ ready: 1, expected: 2 });
    expect(book.report(2, { type: WORKER_MODEL, loaded: true })).toBe(true);
    expect(book.message()).toMatchObject({ ready: 2, expected: 2 });
  });

  it('should count a worker that exited, or lost its model, as not ready until its replacement reports', () => {
    const book = new ClusterReadinessBook(2);
    book.report(1, { type: WORKER_MODEL, loaded: true });
    book.report(2, { type: WORKER_MODEL, loaded: true });
    expect(book.exited(2)).toBe(true);
    expect(book.exited(2)).toBe(false);
    expect(book.message()).toMatchObject({ ready: 1, expected: 2 });
    book.report(3, { type: WORKER_MODEL, loaded: true });
    expect(book.message()).toMatchObject({ ready: 2, expected: 2 });
    expect(book.report(1, { type: WORKER_MODEL, loaded: false })).toBe(true);
    expect(book.message()).toMatchObject({ ready: 1 });
  });
});

/** A cluster worker's IPC channel and model holder, without a cluster. */
function fakeWorker(loadedAtStart = false) {
  const channel = Object.assign(new EventEmitter(), { sent: [] as unknown[] });
  const send = (message: unknown) => channel.sent.push(message);
  const listeners = new Set<SwapListener>();
  let active: ActiveModel | undefined = loadedAtStart ? ({} as ActiveModel) : undefined;
  const holder = {
    active: () => active,
    onSwap: (listener: SwapListener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const load = () => {
    const model = {} as ActiveModel;
    active = model;
    for (const listener of listeners) listener(model, undefined);
  };
  const fromPrimary = (ready: number, expected: number) =>
    channel.emit('message', { type: CLUSTER_READINESS, ready, expected } satisfies ClusterReadinessMessage);
  return { channel: Object.assign(channel, { send }), holder, load, fromPrimary };
}

describe(registerClusterReadiness.name, () => {
  const clusterState = (registry: ReadinessRegistry) =>
    registry
      .conditions()
      .find((c) => c.name === 'cluster')!
      .state();

  it('should hold readiness until the primary says every worker has its model loaded', () => {
    const registry = new ReadinessRegistry();
    const worker = fakeWorker();
    registerClusterReadiness(registry, worker.holder, worker.channel);
    expect(clusterState(registry)).toEqual({ up: false, details: { message: 'waiting for the cluster primary' } });
    expect(worker.channel.sent).toEqual([]);

    worker.load();
    worker.load();
    expect(worker.channel.sent).toEqual([{ type: WORKER_MODEL, loaded: true }]);
    worker.fromPrimary(1, 2);
    expect(clusterState(registry)).toEqual({ up: false, details: { workers_ready: 1, workers_expected: 2 } });
    worker.fromPrimary(2, 2);
    expect(clusterState(registry)).toEqual({ up: true, details: { workers_ready: 2, workers_expected: 2 } });
    // Another worker restarted: not ready until its replacement has loaded its model.
    worker.fromPrimary(1, 2);
    expect(clusterState(registry).up).toBe(false);
  });

  it('should report a model loaded before it registered, and ignore other messages', () => {
    const registry = new ReadinessRegistry();
    const worker = fakeWorker(true);
    const unregister = registerClusterReadiness(registry, worker.holder, worker.channel);
    expect(worker.channel.sent).toEqual([{ type: WORKER_MODEL, loaded: true }]);
    worker.channel.emit('message', { type: 'something-else', ready: 9, expected: 1 });
    expect(clusterState(registry).up).toBe(false);
    unregister();
    expect(registry.conditions()).toEqual([]);
  });
});
