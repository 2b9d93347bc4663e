import { ArgumentsHost, Catch, HttpException, HttpStatus, type ExceptionFilter } from '@nestjs/common';
import type {} from '@fastify/view';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Logger } from 'pino';
import { ApiError, describeFieldErrors, type ErrorResponse, type FieldError } from './error-response';
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
 * (404, body parse, 413, 415, schema validation), class-validator failures and unexpected crashes — into
 * `{status_code, error, message, details?, request_id}`. Schema validation (Ajv) and DTO validation (class-validator)
 * answer the same fault in the same words, saying what would be valid.
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
    if (body.status_code >= 500 && body.status_code !== 503) {
      this.logger?.error({ err: exception, request_id: body.request_id, url: request?.url }, 'request failed');
    }
    if (reply.sent) return;
    reply.header(REQUEST_ID_HEADER, body.request_id).header('cache-control', 'no-store');
    reply.status(body.status_code);
    // A 503 here is temporary (no model loaded yet, not ready, draining): say when to try again.
    if (body.status_code === 503 && !reply.hasHeader('retry-after')) reply.header('retry-after', RETRY_AFTER_SECONDS);
    // An error while rendering the error page comes back here: that one answers JSON.
    if (wantsHtmlError(request) && typeof reply.view === 'function' && !renderingErrorPage.has(request)) {
      renderingErrorPage.add(request);
      void reply.view(ERROR_VIEW, {
        title: `${body.status_code} ${body.error}`,
        statusCode: body.status_code,
        ...body,
      });
      return;
    }
    reply.send(body);
  }
}

/** What a 503 asks clients to wait before retrying, in seconds: about the readiness probe's period. */
export const RETRY_AFTER_SECONDS = 5;

/** The page an error on a page route answers with (views/error.hbs, in the pages' layout). */
const ERROR_VIEW = 'error.hbs';
const renderingErrorPage = new WeakSet<object>();

export function toErrorResponse(exception: unknown, requestId: string, bodyLimitBytes?: number): ErrorResponse {
  const base = (status: number, message: string, details?: unknown): ErrorResponse => ({
    status_code: status,
    error: STATUS_CODES[status] ?? 'Error',
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
      return base(status, describeFieldErrors(details), details);
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
    const where = e.validationContext === 'querystring' ? 'query' : (e.validationContext ?? 'body');
    const details = e.validation.map((v) => ({ field: fieldOf(v), message: validationMessage(v) }));
    return base(400, describeFieldErrors(details, where), details);
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

const ARTICLE_TYPES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Ajv's message for one schema fault, in the words class-validator's DTO pipe uses for the same fault
 * (`dto-validation.pipe.ts`), saying what would be valid: `must be one of sms, email, auto`, `is required`.
 */
export function validationMessage(v: FastifyValidationItem): string {
  const p = v.params ?? {};
  switch (v.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not allowed';
    case 'enum':
      if (!Array.isArray(p.allowedValues)) break;
      return `must be one of ${(p.allowedValues as unknown[]).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`;
    case 'type': {
      if (typeof p.type !== 'string') break;
      const types = String(p.type).split(',');
      return `must be ${types.map((t) => ARTICLE_TYPES[t] ?? t).join(' or ')}`;
    }
    case 'minLength':
      return p.limit === 1 ? 'must not be empty' : `must be at least ${plural(Number(p.limit), 'character')}`;
    case 'maxLength':
      return `must be at most ${plural(Number(p.limit), 'character')}`;
    case 'minItems':
      return `must hold at least ${plural(Number(p.limit), 'item')}`;
    case 'maxItems':
      return `must hold at most ${plural(Number(p.limit), 'item')}`;
    case 'minimum':
      return `must be at least ${String(p.limit)}`;
    case 'maximum':
      return `must be at most ${String(p.limit)}`;
    default:
      break;
  }
  return v.message ?? 'is invalid';
}

function toFieldError(item: unknown): FieldError {
  if (item && typeof item === 'object' && 'field' in item && 'message' in item) return item as FieldError;
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
