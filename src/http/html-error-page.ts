import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { isApiRoute } from './security-headers';

export const HTML_ERROR_PAGE = 'htmlErrorPage';

/** Marks a route that answers a page: its errors are pages too (views/error.hbs), not the JSON error shape. */
export const HtmlErrorPage = (): MethodDecorator => RouteConfig({ [HTML_ERROR_PAGE]: true });

/**
 * Whether an error answers with the error page: on a page route (`@HtmlErrorPage()`), or for a browser (Accept
 * text/html) anywhere but the API, probes and metrics (an unknown address typed into the address bar).
 */
export function wantsHtmlError(request: FastifyRequest | undefined): boolean {
  if (!request) return false;
  const config = request.routeOptions?.config as unknown as Record<string, unknown> | undefined;
  if (config?.[HTML_ERROR_PAGE] === true) return true;
  const path = (request.url ?? '').split('?', 1)[0];
  if (isApiRoute(path) || path.startsWith('/api/')) return false;
  const accept = request.headers?.accept;
  return typeof accept === 'string' && accept.includes('text/html');
}
