import { basename } from 'node:path';

const URL_PATTERN = /\b[a-z][a-z\d+.-]*:\/\/[^\s'"()<>]+/giu;
const ABSOLUTE_PATH = /(^|[\s'"(=:])(\/[^\s'"()<>,;]+)/gu;

/**
 * An error message as a page may show it to anyone: internal URLs (with any credentials in them) become `<url>` and
 * absolute paths their file name, so the reason stays ("fetch failed", "timed out after 1000 ms") and the
 * addresses do not. The full message goes to the logs and the admin's readiness details.
 */
export function withoutInternals(message: string): string {
  return message
    .replace(URL_PATTERN, '<url>')
    .replace(ABSOLUTE_PATH, (_match, before: string, path: string) => `${before}${basename(path)}`)
    .slice(0, 300);
}
