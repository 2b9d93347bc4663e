/** Credentials for one request; read anew every time so a rotated secret is used at once. */
export interface MlflowCredentials {
  token?: string;
  username?: string;
  password?: string;
}

export type MlflowCredentialsProvider = () => MlflowCredentials;

/** Anything with `get(name)`, such as `SecretsService` (kept structural so the client needs no NestJS). */
export interface SecretSource {
  get(name: string): string | undefined;
}

export const MLFLOW_SECRET_KEYS = {
  token: 'MLFLOW_TRACKING_TOKEN',
  username: 'MLFLOW_TRACKING_USERNAME',
  password: 'MLFLOW_TRACKING_PASSWORD',
} as const;

export function credentialsFromSecrets(secrets: SecretSource): MlflowCredentialsProvider {
  return () => ({
    token: secrets.get(MLFLOW_SECRET_KEYS.token),
    username: secrets.get(MLFLOW_SECRET_KEYS.username),
    password: secrets.get(MLFLOW_SECRET_KEYS.password),
  });
}

/** Bearer wins over basic, as in MLflow's Python client. */
export function authorizationHeader(credentials: MlflowCredentials): string | undefined {
  if (credentials.token) return `Bearer ${credentials.token}`;
  if (credentials.username !== undefined && credentials.password !== undefined) {
    return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  }
  return undefined;
}
