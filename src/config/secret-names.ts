/**
 * Names whose values are secrets, whatever their source (environment, Vault, Agent files): masked in logs and in
 * environment errors. Other names (an MLFLOW_TRACKING_URI, a LOG_LEVEL, a VAULT_KUBERNETES_TOKEN_PATH) are
 * configuration, though a password inside any URL value is masked too.
 */
export const SECRET_NAME_PATTERN =
  /(TOKEN|SECRET|SECRET_ID|PASSWORD|PASSWD|_PASS|API_KEY|PRIVATE_KEY|CREDENTIALS?|DATABASE_URL|_DSN)$/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME_PATTERN.test(name);
}

/** The password of a URL value (`scheme://user:password@host`), if it holds one. */
export function passwordInUrl(value: string): string | undefined {
  if (!value.includes('://')) return undefined;
  try {
    const password = new URL(value).password;
    return password === '' ? undefined : decodeURIComponent(password);
  } catch {
    return undefined;
  }
}
