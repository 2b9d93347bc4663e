import type { ReadinessRegistry } from '../health/readiness.registry';
import type { ModelHolder } from '../classifier/model-holder.service';

/**
 * Readiness of a node:cluster as a whole. The workers share one port, so a worker that answers /health/ready 200
 * while another is still loading its model lets the balancer send predictions that end in 503. Each worker tells
 * the primary when its model is loaded; the primary counts the workers that are, and tells every worker the count.
 * A worker is ready only when all `expected` workers are; one that exits (and is replaced) counts as not loaded
 * until its replacement has loaded its model.
 */

/** Worker → primary: this worker's model is loaded (or not). */
export interface WorkerModelMessage {
  readonly type: 'spam-classifier:worker-model';
  readonly loaded: boolean;
}

/** Primary → every worker: how many workers have their model loaded, of how many the cluster runs. */
export interface ClusterReadinessMessage {
  readonly type: 'spam-classifier:cluster-readiness';
  readonly ready: number;
  readonly expected: number;
}

export const WORKER_MODEL: WorkerModelMessage['type'] = 'spam-classifier:worker-model';
export const CLUSTER_READINESS: ClusterReadinessMessage['type'] = 'spam-classifier:cluster-readiness';

export function isWorkerModelMessage(message: unknown): message is WorkerModelMessage {
  return (message as { type?: unknown } | null)?.type === WORKER_MODEL;
}

function isClusterReadinessMessage(message: unknown): message is ClusterReadinessMessage {
  return (message as { type?: unknown } | null)?.type === CLUSTER_READINESS;
}

/** The primary's bookkeeping: which workers (by cluster id) have a model loaded. */
export class ClusterReadinessBook {
  private readonly loaded = new Set<number>();

  constructor(private readonly expected: number) {}

  /** Records a worker's report; true when the count changed (so the workers must be told). */
  report(workerId: number, message: WorkerModelMessage): boolean {
    const before = this.loaded.size;
    if (message.loaded) this.loaded.add(workerId);
    else this.loaded.delete(workerId);
    return this.loaded.size !== before;
  }

  /** A worker exited: it serves nothing until its replacement reports. True when the count changed. */
  exited(workerId: number): boolean {
    return this.loaded.delete(workerId);
  }

  message(): ClusterReadinessMessage {
    return { type: CLUSTER_READINESS, ready: this.loaded.size, expected: this.expected };
  }
}

/** The worker's side of the IPC channel (the `process` of a cluster worker). */
export interface ClusterChannel {
  send?(message: unknown): unknown;
  on(event: 'message', listener: (message: unknown) => void): unknown;
}

/**
 * In a cluster worker: registers the readiness condition `cluster` (up once every worker has its model loaded) and
 * reports this worker's model to the primary when it is loaded. Returns a function that unregisters both.
 */
export function registerClusterReadiness(
  registry: ReadinessRegistry,
  holder: Pick<ModelHolder, 'active' | 'onSwap'>,
  channel: ClusterChannel,
): () => void {
  let last: ClusterReadinessMessage | undefined;
  channel.on('message', (message) => {
    if (isClusterReadinessMessage(message)) last = message;
  });
  const unregister = registry.registerCondition({
    name: 'cluster',
    state: () =>
      last === undefined
        ? { up: false, details: { message: 'waiting for the cluster primary' } }
        : {
            up: last.ready >= last.expected,
            details: { workers_ready: last.ready, workers_expected: last.expected },
          },
  });
  let reported = false;
  const report = (): void => {
    if (reported) return;
    reported = true;
    channel.send?.({ type: WORKER_MODEL, loaded: true } satisfies WorkerModelMessage);
  };
  const unsubscribe = holder.onSwap(report);
  if (holder.active()) report();
  return () => {
    unsubscribe();
    unregister();
  };
}
