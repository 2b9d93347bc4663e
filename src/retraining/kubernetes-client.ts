import { BatchV1Api, CoordinationV1Api, KubeConfig } from '@kubernetes/client-node';

/** The Kubernetes API clients the trainer needs, built from one KubeConfig. */
export interface KubernetesClients {
  readonly coordination: CoordinationV1Api;
  readonly batch: BatchV1Api;
}

/** In a pod: the service account's token, CA and the API server address (`KubeConfig.loadFromCluster()`). */
export function inClusterKubeConfig(): KubeConfig {
  const config = new KubeConfig();
  config.loadFromCluster();
  return config;
}

/** A KubeConfig for one API server URL and bearer token (tests point it at the Kubernetes API double). */
export function kubeConfigFor(server: string, token: string): KubeConfig {
  const config = new KubeConfig();
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
  return { coordination: config.makeApiClient(CoordinationV1Api), batch: config.makeApiClient(BatchV1Api) };
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
