import { ArgumentsHost, Catch, HttpException, HttpStatus, type ExceptionFilter } from '@nestjs/common';
import type {} from '@fastify/view';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Logger } from 'pino';
import { ApiError, type ErrorResponse } from './error-response';
import { REQUEST_ID_HEADER } from './request-id';
import { wantsHtmlError } from './html-error-page';

type FastifyValidationItem = {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
  keyword?: string;
};

/**
 * Turns every error — the services' typed errors (`ApiError`: their own status), Nest HTTP exceptions, Fastify's own
 * (404, body parse, 413, 415, schema validation), class-validator failures and unexpected crashes — into `{statusCode, error, message, details?, request_id}`.
 * A 5xx never shows its internals to the caller; it is logged with its stack instead. Page routes (and browsers
 * asking for HTML outside the API) get the same status, message and request id as a page.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  constructor(
    private readonly logger?: Logger,
    private readonly limits: { bodyLimitBytes?: number } = {},
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<FastifyRequest>();
    const reply = ctx.getResponse<FastifyReply>();
    const body = toErrorResponse(exception, String(request?.id ?? ''), this.limits.bodyLimitBytes);
    if (body.statusCode >= 500 && body.statusCode !== 503) {
      this.logger?.error({ err: exception, request_id: body.request_id, url: request?.url }, 'request failed');
    }
    if (reply.sent) return;
    reply.header(REQUEST_ID_HEADER, body.request_id).header('cache-control', 'no-store');
    reply.status(body.statusCode);
    // An error while rendering the error page comes back here: that one answers JSON.
    if (wantsHtmlError(request) && typeof reply.view === 'function' && !renderingErrorPage.has(request)) {
      renderingErrorPage.add(request);
      void reply.view(ERROR_VIEW, { title: `${body.statusCode} ${body.error}`, ...body });
      return;
    }
    reply.send(body);
  }
}

/** The page an error on a page route answers with (views/error.hbs, in the pages' layout). */
const ERROR_VIEW = 'error.hbs';
const renderingErrorPage = new WeakSet<object>();

export function toErrorResponse(exception: unknown, requestId: string, bodyLimitBytes?: number): ErrorResponse {
  const base = (statusCode: number, message: string, details?: unknown): ErrorResponse => ({
    statusCode,
    error: STATUS_CODES[statusCode] ?? 'Error',
    message,
    ...(details === undefined ? {} : { details }),
    request_id: requestId,
  });

  if (exception instanceof ApiError) return base(exception.httpStatus, exception.message, exception.details);
  const status =
    (exception as { statusCode?: unknown; getStatus?: () => number })?.getStatus?.() ??
    (exception as { statusCode?: unknown })?.statusCode;
  if (status === 413) {
    const limit = bodyLimitBytes === undefined ? 'the limit' : `the limit of ${bodyLimitBytes} bytes`;
    return base(413, `request body is larger than ${limit} (BODY_LIMIT_BYTES)`);
  }

  if ((exception as { cause?: { code?: unknown } })?.cause?.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    // Fastify found no parser for the body (Nest wraps its error in an HttpException).
    return base(415, fastifyMessage('FST_ERR_CTP_INVALID_MEDIA_TYPE', undefined, 415), {
      accepted: ['application/json'],
    });
  }

  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    if (typeof response === 'string') return base(status, response);
    const r = response as Record<string, unknown>;
    if (Array.isArray(r.message)) {
      // class-validator messages from ValidationPipe: "field message" strings, or our structured items.
      const details = (r.message as unknown[]).map(toFieldError);
      return base(status, details.map((d) => (d.field ? `${d.field}: ${d.message}` : d.message)).join('; '), details);
    }
    if (r.status === 'error' && (r.error || r.details)) {
      // Terminus: keep its per-indicator JSON as details.
      const down = Object.keys((r.error as object) ?? {});
      return base(status, `not ready: ${down.join(', ') || 'unknown'}`, {
        status: r.status,
        info: r.info,
        error: r.error,
        details: r.details,
      });
    }
    const message = typeof r.message === 'string' ? r.message : exception.message;
    return base(status, message, r.details);
  }

  const e = exception as {
    statusCode?: unknown;
    validation?: FastifyValidationItem[];
    validationContext?: string;
    code?: string;
    message?: string;
  };
  if (e && Array.isArray(e.validation)) {
    const details = e.validation.map((v) => ({ field: fieldOf(v), message: v.message ?? 'is invalid' }));
    const where = e.validationContext ?? 'body';
    return base(400, details.map((d) => `${d.field || where} ${d.message}`).join('; '), details);
  }
  if (e && typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return base(e.statusCode, fastifyMessage(e.code, e.message, e.statusCode));
  }
  return base(HttpStatus.INTERNAL_SERVER_ERROR, 'Internal server error');
}

function fieldOf(v: FastifyValidationItem): string {
  const path = (v.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  const missing = v.keyword === 'required' ? String(v.params?.missingProperty ?? '') : '';
  const extra = v.keyword === 'additionalProperties' ? String(v.params?.additionalProperty ?? '') : '';
  const leaf = missing || extra;
  return leaf ? (path ? `${path}.${leaf}` : leaf) : path;
}

function toFieldError(item: unknown): { field: string; message: string } {
  if (item && typeof item === 'object' && 'field' in item && 'message' in item)
    return item as { field: string; message: string };
  const text = String(item);
  const space = text.indexOf(' ');
  return space > 0 ? { field: text.slice(0, space), message: text.slice(space + 1) } : { field: '', message: text };
}

function fastifyMessage(code: string | undefined, message: string | undefined, status: number): string {
  switch (code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'unsupported Content-Type; send application/json';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'body must not be empty when Content-Type is application/json';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case undefined:
      break;
    default:
      break;
  }
  if (message && /JSON/i.test(message)) return `body is not valid JSON: ${message.slice(0, 200)}`;
  return (message ?? STATUS_CODES[status] ?? 'Bad request').slice(0, 300);
}
