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

/** `user:password@` at the start of a value or after `//`, for values that are not valid URLs. */
const USER_INFO = /(?:^|\/\/)[^\s/@:]*:([^@/]+)@/u;

/**
 * The password of a URL value (`scheme://user:password@host`), if it holds one; also of a malformed one (a space
 * in the host, no scheme), so a value refused as invalid is still shown masked.
 */
export function passwordInUrl(value: string): string | undefined {
  try {
    if (value.includes('://')) {
      const password = new URL(value).password;
      return password === '' ? undefined : decodeURIComponent(password);
    }
  } catch {
    // not a URL: look for user info as written
  }
  return USER_INFO.exec(value)?.[1];
}
