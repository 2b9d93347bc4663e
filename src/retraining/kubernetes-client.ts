import type { BatchV1Api, CoordinationV1Api, KubeConfig, V1MicroTime } from '@kubernetes/client-node';

type ClientNode = typeof import('@kubernetes/client-node');

/**
 * @kubernetes/client-node (about 50 MB and 0.6 s to load) is loaded only when a Kubernetes API is used: with
 * LEADER_ELECTION or TRAINING_MODE=job, in a pod.
 */
function clientNode(): ClientNode {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose, see above
  return require('@kubernetes/client-node') as ClientNode;
}

/** The Kubernetes API clients the trainer needs, built from one KubeConfig. */
export interface KubernetesClients {
  readonly coordination: CoordinationV1Api;
  readonly batch: BatchV1Api;
}

/** In a pod: the service account's token, CA and the API server address (`KubeConfig.loadFromCluster()`). */
export function inClusterKubeConfig(): KubeConfig {
  const config = new (clientNode().KubeConfig)();
  config.loadFromCluster();
  return config;
}

/** A KubeConfig for one API server URL and bearer token (tests point it at the Kubernetes API double). */
export function kubeConfigFor(server: string, token: string): KubeConfig {
  const config = new (clientNode().KubeConfig)();
  config.loadFromOptions({
    // client-node refuses plain http unless TLS verification is off; https keeps verification on.
    clusters: [{ name: 'cluster', server, skipTLSVerify: server.startsWith('http:') }],
    users: [{ name: 'trainer', token }],
    contexts: [{ name: 'trainer@cluster', cluster: 'cluster', user: 'trainer' }],
    currentContext: 'trainer@cluster',
  });
  return config;
}

export function kubernetesClients(config: KubeConfig): KubernetesClients {
  const { CoordinationV1Api, BatchV1Api } = clientNode();
  return { coordination: config.makeApiClient(CoordinationV1Api), batch: config.makeApiClient(BatchV1Api) };
}

/** A Lease time with the microseconds the API expects (`V1MicroTime`). */
export function microTime(date: Date | number): V1MicroTime {
  return new (clientNode().V1MicroTime)(date);
}

/** The HTTP status of a failed Kubernetes API call (ApiException.code), or undefined for a network error. */
export function kubernetesStatusCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** A short description of a failed call: the Status message when the server sent one. */
export function kubernetesErrorMessage(error: unknown): string {
  const body = (error as { body?: unknown } | null)?.body;
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = undefined;
    }
  }
  const message = (parsed as { message?: unknown } | undefined)?.message;
  const code = kubernetesStatusCode(error);
  if (typeof message === 'string') return `${code ?? ''} ${message}`.trim();
  return error instanceof Error ? error.message.split('\n')[0] : String(error);
}
