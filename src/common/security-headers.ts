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
