import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import fastifyStatic from '@fastify/static';
import {
  getOptionsToken,
  getStorageToken,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { join } from 'node:path';
import type { FastifyReply, FastifyRequest, onRequestHookHandler, onResponseHookHandler } from 'fastify';
import type { Logger } from 'pino';
import { AppModule, PREDICTION_ROUTES, type AppOptions } from './app.module';
import { projectRoot } from '../config/project-root';
import { loadEnvironment } from './environment';
import { MetricsService } from '../metrics/metrics.service';
import { lazyHandlebars } from '../web/view-helpers';
import { AllExceptionsFilter } from '../http/all-exceptions.filter';
import { serverTimeoutOptions } from '../http/http.config';
import { refuseConnectMethod } from '../http/connect-method';
import { ErrorResponseDto, FieldErrorDto } from '../http/error-response';
import { jsonBodyParser } from '../http/json-body-parser';
import { QuietStartupLogger, ROOT_LOGGER } from '../http/logging';
import { REQUEST_ID_HEADER, requestIdFor } from '../http/request-id';
import { RATE_LIMITED, rateLimitHook } from '../http/route-rate-limit';
import { helmetHeaders, routeSecurityHeaders } from '../http/security-headers';

/**
 * Builds the application (not listening yet): Fastify with strict Ajv (no type coercion, no silent key removal)
 * and the body limit, request ids from X-Request-Id, the one error shape, helmet, the page, the API docs.
 * Uses `options.config` (validated once by main.ts), else validates the process environment here and throws one
 * error listing every bad key.
 */
export async function createApp(options: AppOptions): Promise<NestFastifyApplication> {
  const config = options.config ?? loadEnvironment(process.env);
  const { http } = config;
  const adapter = new FastifyAdapter({
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    bodyLimit: http.bodyLimitBytes,
    genReqId: requestIdFor,
    requestIdHeader: false,
    return503OnClosing: true,
    trustProxy: http.trustProxy,
    ...serverTimeoutOptions(http.timeouts),
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register({ ...options, config }), adapter, {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(new QuietStartupLogger(app.get(PinoNestLogger)));
  const fastify = app.getHttpAdapter().getInstance();
  app.useBodyParser(
    'application/json',
    { bodyLimit: http.bodyLimitBytes },
    jsonBodyParser(fastify.getDefaultJsonParser('error', 'error')),
  );
  app.useGlobalFilters(new AllExceptionsFilter(app.get<Logger>(ROOT_LOGGER), { bodyLimitBytes: http.bodyLimitBytes }));
  refuseConnectMethod(app.getHttpServer());
  await configureFastify(app);
  setUpApiDocs(app);
  await app.init();
  return app;
}

async function configureFastify(app: NestFastifyApplication): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  const metrics = app.get(MetricsService);
  const pageHeaders = await helmetHeaders();
  const requestLog = app.get<Logger>(ROOT_LOGGER).child({ context: 'HTTP' });
  const logRequest = (request: FastifyRequest, reply: FastifyReply): void => {
    requestLog.info(
      {
        req: { id: request.id, method: request.method, url: request.url },
        res: { statusCode: reply.statusCode },
        responseTime: Math.round(reply.elapsedTime * 1000) / 1000,
      },
      'request completed',
    );
  };
  // Each route gets its own two hooks, decided once when Nest registers it (headers, route label, whether its log
  // line is the prediction line), so no request reads `request.routeOptions` (a getter that builds a new object).
  const rateLimit = rateLimitHook(
    app.get<ThrottlerModuleOptions>(getOptionsToken()),
    app.get<ThrottlerStorage>(getStorageToken()),
  );
  fastify.addHook('onRoute', (route) => {
    const rateLimited = (route.config as Record<string, unknown> | undefined)?.[RATE_LIMITED] === true;
    const headers = routeSecurityHeaders(route.url, pageHeaders);
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const predictionRoute = methods.every((m) => PREDICTION_ROUTES.has(`${m} ${route.url}`));
    const url = route.url;
    const observe =
      methods.length === 1
        ? metrics.requestObserver(methods[0], url)
        : (status: number, seconds: number, method: string) => metrics.observeRequest(method, url, status, seconds);
    const onRequest: onRequestHookHandler = (request, reply, done) => {
      reply.headers(headers);
      reply.header(REQUEST_ID_HEADER, request.id);
      done();
    };
    const onResponse: onResponseHookHandler = (request, reply, done) => {
      observe(reply.statusCode, reply.elapsedTime / 1000, request.method);
      if (!predictionRoute || reply.statusCode >= 400) logRequest(request, reply);
      done();
    };
    route.onRequest = [onRequest, ...(rateLimited && rateLimit ? [rateLimit] : []), ...hookList(route.onRequest)];
    route.onResponse = [...hookList(route.onResponse), onResponse];
  });
  // Requests no route matched (404s): the same headers, request id, metric and log line.
  fastify.addHook('onRequest', (request, reply, done) => {
    if (request.is404) {
      reply.headers(pageHeaders);
      reply.header(REQUEST_ID_HEADER, request.id);
    }
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    if (request.is404) {
      metrics.observeRequest(request.method, 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
      logRequest(request, reply);
    }
    done();
  });
  await app.register(fastifyStatic, {
    root: join(projectRoot(), 'public'),
    prefix: '/static/',
    maxAge: '1h',
    index: false,
  });
  app.setViewEngine({
    engine: { handlebars: lazyHandlebars() },
    templates: join(projectRoot(), 'views'),
    layout: 'layout.hbs',
    options: { partials: { result: 'partials/result.hbs', nav: 'partials/nav.hbs' } },
  });
}

export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('spam-classifier')
    .setDescription(
      'Email/SMS spam classification. Every error answers `{status_code, error, message, details?, request_id}`; ' +
        'X-Request-Id is honoured and echoed. Limits: body BODY_LIMIT_BYTES (1 MB → 413), text MAX_TEXT_CHARS ' +
        '(262144 → 400), batch MAX_BATCH_SIZE (1000 → 400), per client and THROTTLE_TTL_MS: API_RATE_LIMIT requests on the classification API (0 = not limited, the default) and THROTTLE_LIMIT on the page and feedback routes (→ 429 with Retry-After).',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'ADMIN_API_TOKEN, for admin routes.' })
    .build();
  return SwaggerModule.createDocument(app, config, { extraModels: [ErrorResponseDto, FieldErrorDto] });
}

function setUpApiDocs(app: NestFastifyApplication): void {
  SwaggerModule.setup('api/docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'api/docs-json',
    yamlDocumentUrl: 'api/docs-yaml',
  });
}

function hookList<T>(hooks: T | T[] | undefined): T[] {
  return hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks];
}
