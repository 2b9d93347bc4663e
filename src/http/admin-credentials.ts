import { createHash, timingSafeEqual } from 'node:crypto';

/** The secret holding the admin bearer token. */
export const ADMIN_TOKEN_SECRET = 'ADMIN_API_TOKEN';

/**
 * Whether an Authorization header carries `Bearer <expected>`, compared in constant time; never true when no token
 * is configured. For routes open to all that show more to the admin (readiness details), without refusing anyone.
 */
export function presentsAdminToken(authorization: string | undefined, expected: string | undefined): boolean {
  if (!authorization || !expected) return false;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match !== null && sameSecret(match[1], expected);
}

/** Constant-time comparison of two strings of any length (digests have equal length). */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
