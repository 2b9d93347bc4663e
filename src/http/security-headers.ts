import helmet from '@fastify/helmet';
import Fastify from 'fastify';

export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  // Helmet's default `upgrade-insecure-requests` makes a browser fetch the stylesheet over https when the service is
  // reached by a host name over plain HTTP (an intranet, a port-forward), so the page loses its style. HTTPS is the
  // ingress's job (it sends HSTS); the page's own references are relative and follow the page's scheme.
  upgradeInsecureRequests: null,
};

/**
 * The security headers @fastify/helmet sends with our policy, computed once at start on a throwaway instance.
 * The plugin itself rebuilds helmet's middleware (and re-parses the CSP) in two hooks on every request, which cost
 * ~5 % of the prediction route; the headers never change, so one hook sets these instead.
 */
export async function helmetHeaders(): Promise<Record<string, string>> {
  const probe = Fastify({ logger: false });
  await probe.register(helmet, {
    contentSecurityPolicy: { directives: CONTENT_SECURITY_POLICY },
    crossOriginEmbedderPolicy: false,
  });
  probe.get('/', () => 'ok');
  const res = await probe.inject({ url: '/' });
  await probe.close();
  const ignored = new Set(['content-type', 'content-length', 'date', 'connection', 'keep-alive']);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers))
    if (!ignored.has(name) && typeof value === 'string') headers[name] = value;
  if (!headers['content-security-policy']) throw new Error('@fastify/helmet produced no Content-Security-Policy');
  return headers;
}

/**
 * Headers for JSON API responses (OWASP REST Security cheat sheet): a deny-all CSP, no framing, no sniffing, HSTS,
 * no caching. Browser-page headers (the full helmet set above) go to the page, its assets and the docs; sending
 * them with every prediction tripled its response size (~8 % of the route's throughput in the benchmark).
 */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/**
 * Swagger UI at /api/docs styles itself inline (a `<style>` block and style attributes), which `style-src 'self'`
 * blocks, leaving a blank band at the top: its routes allow inline styles. Scripts stay `'self'` only.
 */
export function apiDocsHeaders(pageHeaders: Readonly<Record<string, string>>): Record<string, string> {
  const csp = pageHeaders['content-security-policy'] ?? '';
  return {
    ...pageHeaders,
    'content-security-policy': csp.replace(/(^|;)\s*style-src ([^;]*)/, "$1style-src $2 'unsafe-inline'"),
  };
}

export function isApiDocsRoute(url: string): boolean {
  return /^\/api\/docs(\/|$)/.test(url);
}

/** The security headers of a route: the API's, the docs' or the pages'. */
export function routeSecurityHeaders(
  url: string,
  pageHeaders: Readonly<Record<string, string>>,
): Readonly<Record<string, string>> {
  if (isApiRoute(url)) return API_SECURITY_HEADERS;
  return isApiDocsRoute(url) ? apiDocsHeaders(pageHeaders) : pageHeaders;
}

/** Routes machines call: JSON (or text) APIs, probes and metrics, which get API_SECURITY_HEADERS. */
export function isApiRoute(url: string): boolean {
  return /^\/(api\/v1\/|v2(\/|$)|predict$|health(\/|$)|ready$|info$|metrics$|api\/docs-json$|api\/docs-yaml$)/.test(
    url,
  );
}
