import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import fastifyStatic from '@fastify/static';
import handlebars from 'handlebars';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { AppModule, PREDICTION_ROUTES, type AppOptions } from '../app.module';
import { projectRoot } from '../classifier/config/classifier.config';
import { httpConfigFrom } from '../config/http.config';
import { validateEnvironment } from '../config/validate-environment';
import { MetricsService } from '../metrics/metrics.service';
import { registerViewHelpers } from '../web/view-helpers';
import { AllExceptionsFilter } from './all-exceptions.filter';
import { ErrorResponseDto, FieldErrorDto } from './error-response';
import { ROOT_LOGGER } from './logging';
import { REQUEST_ID_HEADER, requestIdFor } from './request-id';
import { API_SECURITY_HEADERS, helmetHeaders, isApiRoute } from './security-headers';

/**
 * Builds the application (not listening yet): Fastify with strict Ajv (no type coercion, no silent key removal)
 * and the body limit, request ids from X-Request-Id, the one error shape, helmet, the page, the API docs.
 * Validates the whole environment first and throws one error listing every bad key.
 */
export async function createApp(
  options: AppOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<NestFastifyApplication> {
  validateEnvironment(env);
  const http = httpConfigFrom(env);
  const adapter = new FastifyAdapter({
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    bodyLimit: http.bodyLimitBytes,
    genReqId: requestIdFor,
    requestIdHeader: false,
    return503OnClosing: true,
    trustProxy: env.TRUST_PROXY === 'true',
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(options), adapter, {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(PinoNestLogger));
  app.useGlobalFilters(new AllExceptionsFilter(app.get<Logger>(ROOT_LOGGER), { bodyLimitBytes: http.bodyLimitBytes }));
  await configureFastify(app);
  setUpApiDocs(app);
  await app.init();
  return app;
}

async function configureFastify(app: NestFastifyApplication): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  const metrics = app.get(MetricsService);
  const pageHeaders = await helmetHeaders();
  // Decided once per route, when Nest registers it: API routes get the compact API set, pages the full helmet set.
  fastify.addHook('onRoute', (route) => {
    route.config = {
      ...(route.config ?? {}),
      securityHeaders: isApiRoute(route.url) ? API_SECURITY_HEADERS : pageHeaders,
    };
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    const config = request.routeOptions.config as { securityHeaders?: Record<string, string> } | undefined;
    reply.headers(config?.securityHeaders ?? pageHeaders);
    reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  const requestLog = app.get<Logger>(ROOT_LOGGER).child({ context: 'HTTP' });
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    if (!PREDICTION_ROUTES.has(`${request.method} ${route}`) || reply.statusCode >= 400) {
      const responseTime = Math.round(reply.elapsedTime * 1000) / 1000;
      requestLog.info(
        {
          req: { id: request.id, method: request.method, url: request.url },
          res: { statusCode: reply.statusCode },
          responseTime,
        },
        'request completed',
      );
    }
    done();
  });
  await app.register(fastifyStatic, {
    root: join(projectRoot(), 'public'),
    prefix: '/static/',
    maxAge: '1h',
    index: false,
  });
  registerViewHelpers(handlebars);
  app.setViewEngine({
    engine: { handlebars },
    templates: join(projectRoot(), 'views'),
    layout: 'layout.hbs',
    options: { partials: { result: 'partials/result.hbs', nav: 'partials/nav.hbs' } },
  });
}

export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('spam-classifier')
    .setDescription(
      'Email/SMS spam classification. Every error answers `{statusCode, error, message, details?, request_id}`; ' +
        'X-Request-Id is honoured and echoed. Limits: body BODY_LIMIT_BYTES (1 MB → 413), text MAX_TEXT_CHARS ' +
        '(262144 → 400), batch MAX_BATCH_SIZE (1000 → 400), THROTTLE_LIMIT requests per THROTTLE_TTL_MS per client (→ 429).',
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
