/**
 * Typed failures of the MLflow client. Messages name the call and the server's error code but never carry
 * credentials: URLs are reported without user info, and no header is ever quoted.
 */
export class MlflowError extends Error {
  override readonly name: string = 'MlflowError';
}

/** The server answered with an error body (`{"error_code": ..., "message": ...}`) or a non-JSON error page. */
export class MlflowApiError extends MlflowError {
  override readonly name = 'MlflowApiError';

  constructor(
    readonly endpoint: string,
    readonly status: number,
    readonly errorCode: string,
    readonly serverMessage: string,
  ) {
    super(`MLflow ${endpoint} failed: HTTP ${status} ${errorCode}${serverMessage ? `: ${serverMessage}` : ''}`);
  }
}

/** The server could not be reached or kept failing with 429/503 after every retry (or the call timed out). */
export class MlflowUnavailableError extends MlflowError {
  override readonly name: string = 'MlflowUnavailableError';

  constructor(
    readonly endpoint: string,
    readonly reason: string,
    readonly status?: number,
    readonly errorCode?: string,
  ) {
    super(`MLflow ${endpoint} unavailable: ${reason}`);
  }
}

export class MlflowTimeoutError extends MlflowUnavailableError {
  override readonly name = 'MlflowTimeoutError';

  constructor(endpoint: string, timeoutMs: number) {
    super(endpoint, `no answer within ${timeoutMs} ms`);
  }
}

/** A value we refuse to send because MLflow would reject it (key too long, bad name, ...). */
export class MlflowValidationError extends MlflowError {
  override readonly name = 'MlflowValidationError';
}

export function isMlflowErrorCode(error: unknown, code: string, status?: number): error is MlflowApiError {
  return (
    error instanceof MlflowApiError && error.errorCode === code && (status === undefined || error.status === status)
  );
}

export function isNotFound(error: unknown): boolean {
  return isMlflowErrorCode(error, 'RESOURCE_DOES_NOT_EXIST');
}

export function isAlreadyExists(error: unknown): boolean {
  return isMlflowErrorCode(error, 'RESOURCE_ALREADY_EXISTS');
}

/** Removes `user:password@` from a URL so it can appear in messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username || parsed.password) {
      parsed.username = '';
      parsed.password = '';
    }
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '<invalid url>';
  }
}
