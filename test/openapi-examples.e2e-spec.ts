import type { DynamicModule } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import Ajv, { type ValidateFunction } from 'ajv';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineArtifactCodec } from '../src/classifier/engine-adapters';
import { SecretsService } from '../src/config/secrets.service';
import { FeedbackModule } from '../src/feedback/feedback.module';
import { MlflowModule } from '../src/mlflow/mlflow.module';
import { RetrainingModule } from '../src/retraining/retraining.module';
import { trainSmallRealModel } from './fixtures/service/real-model';
import { startTestApp, type TestApp } from './fixtures/service/test-app';

type Schema = Record<string, unknown>;
type Operation = {
  parameters?: Array<{ name: string; in: string; required?: boolean; example?: unknown; schema?: Schema }>;
  requestBody?: { content?: Record<string, { schema?: Schema; example?: unknown }> };
  responses: Record<string, { content?: Record<string, { schema?: Schema; example?: unknown }> }>;
  security?: unknown[];
};

const ADMIN_TOKEN = 'examples-token';
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/**
 * The example a reader of the document sees for a schema (what Swagger UI fills in "Try it out"): the schema's own
 * `example`, else an object of its properties' examples, an array of one item's example. Optional properties with
 * no example of their own are left out.
 */
function exampleOf(schema: Schema | undefined, doc: OpenAPIObject, depth = 0): unknown {
  if (!schema || depth > 8) return undefined;
  if (typeof schema.$ref === 'string') return exampleOf(resolve(schema.$ref, doc), doc, depth + 1);
  if (schema.example !== undefined) return schema.example;
  const allOf = schema.allOf as Schema[] | undefined;
  if (allOf?.length === 1) return exampleOf(allOf[0], doc, depth + 1);
  if (schema.type === 'array') {
    const item = exampleOf(schema.items as Schema, doc, depth + 1);
    return item === undefined ? undefined : [item];
  }
  if (schema.type === 'object' || schema.properties) {
    const required = new Set((schema.required as string[] | undefined) ?? []);
    const out: Record<string, unknown> = {};
    for (const [name, property] of Object.entries((schema.properties as Record<string, Schema>) ?? {})) {
      const value = exampleOf(property, doc, depth + 1);
      if (value !== undefined) out[name] = value;
      else if (required.has(name)) return undefined;
    }
    return Object.keys(out).length > 0 || required.size === 0 ? out : undefined;
  }
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  return undefined;
}

function resolve(ref: string, doc: OpenAPIObject): Schema {
  const name = ref.replace('#/components/schemas/', '');
  const schema = doc.components?.schemas?.[name] as Schema | undefined;
  if (!schema) throw new Error(`unresolved ${ref}`);
  return schema;
}

/** An Ajv validator for one documented schema, the document's components registered (OpenAPI 3.0 `nullable`). */
function validatorFor(schema: Schema, doc: OpenAPIObject, ajv: Ajv): ValidateFunction {
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (!node || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') out.$ref = value.replace('#/components/schemas/', 'doc#/$defs/');
      else if (key === 'example' || key === 'examples' || key === 'nullable') continue;
      else out[key] = rewrite(value);
    }
    // OpenAPI 3.0 says "greater than" as `minimum` with a boolean `exclusiveMinimum`; JSON Schema draft 7 as a number.
    if (out.exclusiveMinimum === true) {
      out.exclusiveMinimum = out.minimum;
      delete out.minimum;
    } else if (out.exclusiveMinimum === false) delete out.exclusiveMinimum;
    if ((node as Schema).nullable === true) {
      // A nullable reference (`allOf: [{$ref}]`, with or without `type: object` beside it) is the object or null.
      if (out.$ref || out.allOf) return { anyOf: [out, { type: 'null' }] };
      if (typeof out.type === 'string') out.type = [out.type, 'null'];
      if (Array.isArray(out.enum)) out.enum = [...(out.enum as unknown[]), null];
    }
    return out;
  };
  if (!ajv.getSchema('doc')) ajv.addSchema({ $id: 'doc', $defs: rewrite(doc.components?.schemas ?? {}) }, 'doc');
  return ajv.compile(rewrite(schema) as Schema);
}

/** The real application with feedback and retraining, a small real model and an admin token. */
async function startExamplesApp(): Promise<TestApp & { platformDir: string }> {
  const platformDir = mkdtempSync(join(tmpdir(), 'openapi-examples-'));
  const mlflow = MlflowModule.forRoot();
  const secretsModule: DynamicModule = {
    module: class ExamplesSecretsModule {},
    global: true,
    providers: [{ provide: SecretsService, useValue: new SecretsService({ ADMIN_API_TOKEN: ADMIN_TOKEN }) }],
    exports: [SecretsService],
  };
  const t = await startTestApp({
    codec: new EngineArtifactCodec(),
    secretsModule,
    platformModules: [mlflow, FeedbackModule, RetrainingModule.forRoot({ mlflowModule: mlflow })],
    env: {
      FEEDBACK_DB_PATH: join(platformDir, 'feedback.sqlite'),
      TRAINING_OUT_DIR: join(platformDir, 'retrain'),
      MLFLOW_LOCAL_REGISTRY_DIR: join(platformDir, 'registry'),
      MLFLOW_CHAMPION_CACHE_DIR: join(platformDir, 'champion'),
      RETRAIN_CRON: '',
      // The example asks for a forced retrain: a quick one.
      RETRAIN_DATA: 'sms',
      RETRAIN_ALGORITHM: 'logistic_regression',
      RETRAIN_CV_FOLDS: '0',
    },
    prepare: async (dir) => {
      mkdirSync(dir, { recursive: true });
      await trainSmallRealModel(dir, 600);
    },
  });
  return { ...t, platformDir };
}

describe('OpenAPI examples against the server', () => {
  let t: TestApp & { platformDir: string };
  let doc: OpenAPIObject;
  beforeAll(async () => {
    t = await startExamplesApp();
    const res = await t.app.inject({ url: '/api/docs-json' });
    expect(res.statusCode).toBe(200);
    doc = res.json();
  }, 120_000);
  afterAll(async () => {
    await t.close();
    rmSync(t.platformDir, { recursive: true, force: true });
  });

  it('should answer each example request with a documented status and a body that matches its schema', async () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const lines: string[] = [];
    const problems: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of METHODS) {
        const operation = (item as Record<string, Operation | undefined>)[method];
        if (!operation) continue;
        const name = `${method.toUpperCase()} ${path}`;
        const { url, headers, payload } = exampleRequest(path, operation, doc);
        const res = await t.app.inject({ method: method.toUpperCase() as 'GET', url, headers, payload });
        const documented = operation.responses[String(res.statusCode)];
        const camel = res.headers['content-type']?.toString().includes('json') ? camelCaseKeys(res.json()) : [];
        if (camel.length > 0) problems.push(`${name} → keys not in snake_case: ${camel.join(', ')}`);
        const schema = documented?.content?.['application/json']?.schema;
        let verdict: string;
        if (!documented) {
          verdict = `undocumented status: ${res.body.slice(0, 200)}`;
          problems.push(`${name} → ${res.statusCode} ${verdict}`);
        } else if (schema) {
          const validate = validatorFor(schema, doc, ajv);
          if (validate(res.json())) verdict = `body matches ${schemaName(schema)}`;
          else {
            verdict = `body does not match ${schemaName(schema)}: ${ajv.errorsText(validate.errors)}`;
            problems.push(`${name} → ${res.statusCode} ${verdict}`);
          }
        } else verdict = 'documented, no JSON body';
        lines.push(`${name}${payload ? ' (example body)' : ''} → ${res.statusCode} ${verdict}`);
      }
    }
    process.stdout.write(`openapi examples, requests:\n${lines.map((l) => `  ${l}`).join('\n')}\n`);
    expect(problems).toEqual([]);
    expect(lines.length).toBeGreaterThanOrEqual(20);
  }, 120_000);

  it('should document response examples that validate against their own schema and status', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const lines: string[] = [];
    const problems: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of METHODS) {
        const operation = (item as Record<string, Operation | undefined>)[method];
        if (!operation) continue;
        const checked: string[] = [];
        for (const [status, response] of Object.entries(operation.responses)) {
          const media = response.content?.['application/json'];
          if (!media?.schema) continue;
          const example = media.example ?? exampleOf(media.schema, doc);
          const where = `${method.toUpperCase()} ${path} ${status}`;
          if (example === undefined) {
            problems.push(`${where}: no example (a required property has none)`);
            continue;
          }
          const validate = validatorFor(media.schema, doc, ajv);
          if (!validate(example)) problems.push(`${where}: ${ajv.errorsText(validate.errors)}`);
          const code = (example as { status_code?: unknown }).status_code;
          if (code !== undefined && String(code) !== status)
            problems.push(`${where}: the example says status_code ${String(code)}`);
          checked.push(status);
        }
        lines.push(`${method.toUpperCase()} ${path}: examples ${checked.join(', ') || '(none)'} valid`);
      }
    }
    process.stdout.write(`openapi examples, responses:\n${lines.map((l) => `  ${l}`).join('\n')}\n`);
    expect(problems).toEqual([]);
  });

  it.each([
    ['POST', '/api/v1/predictions', { text: 'hi', channel: 'fax' }],
    ['POST', '/api/v1/feedback', { text: 'hi', label: 'ham' }],
    [
      'POST',
      '/v2/models/spam-classifier/infer',
      { inputs: [{ name: 'text', shape: [1], datatype: 'FP32', data: ['hi'] }] },
    ],
    ['POST', '/predict', { text: 42 }],
    ['POST', '/api/v1/training/runs', { force: 'yes' }],
    ['GET', '/api/v1/training/runs?limit=0', undefined],
  ])('should answer %s %s with exactly its documented 400 example', async (method, url, body) => {
    const res = await t.app.inject({
      method: method as 'GET',
      url,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    const path = url.split('?')[0];
    const example = (doc.paths[path] as Record<string, Operation>)[method.toLowerCase()].responses['400'].content?.[
      'application/json'
    ]?.example as Record<string, unknown>;
    expect(res.statusCode).toBe(400);
    expect({ ...res.json(), request_id: example.request_id }).toEqual(example);
  });

  it('should word the same fault the same way on every route, whichever validator finds it', async () => {
    const post = async (url: string, body: unknown) =>
      (
        await t.app.inject({
          method: 'POST',
          url,
          headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
          payload: JSON.stringify(body),
        })
      ).json().message as string;
    // Fastify's schema (Ajv) on the classification routes, class-validator DTOs on feedback, reload and training.
    const unknownField = [
      await post('/api/v1/predictions', { text: 'hi', extra: 1 }),
      await post('/api/v1/predictions/batch', { messages: [{ text: 'hi' }], extra: 1 }),
      await post('/api/v1/feedback', { text: 'hi', label: 'spam', extra: 1 }),
      await post('/api/v1/model/reload', { extra: 1 }),
      await post('/api/v1/training/runs', { extra: 1 }),
    ];
    expect(new Set(unknownField)).toEqual(new Set(['extra is not allowed']));
    const textNotString = [
      await post('/api/v1/predictions', { text: 42 }),
      await post('/predict', { text: 42 }),
      await post('/api/v1/feedback', { text: 42, label: 'spam' }),
    ];
    expect(textNotString.map((m) => m.split('; ')[0])).toEqual(Array(3).fill('text must be a string'));
    const badChannel = [
      await post('/api/v1/predictions', { text: 'hi', channel: 'fax' }),
      await post('/api/v1/feedback', { text: 'hi', label: 'spam', channel: 'fax' }),
    ];
    expect(new Set(badChannel)).toEqual(new Set(['channel must be one of sms, email, auto']));
    expect(await post('/api/v1/predictions', {})).toBe('text is required');
  });
});

/** Keys with a camelCase hump anywhere in a JSON value (the API speaks snake_case). */
function camelCaseKeys(value: unknown, found = new Set<string>()): string[] {
  if (Array.isArray(value)) for (const item of value) camelCaseKeys(item, found);
  else if (value && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) {
      if (/[a-z0-9][A-Z]/.test(key)) found.add(key);
      camelCaseKeys(item, found);
    }
  return [...found];
}

function schemaName(schema: Schema): string {
  if (typeof schema.$ref === 'string') return schema.$ref.replace('#/components/schemas/', '');
  if (schema.type === 'array' && typeof (schema.items as Schema)?.$ref === 'string')
    return `${schemaName(schema.items as Schema)}[]`;
  return 'its schema';
}

/**
 * The request a reader builds from the document: the body's example, query parameters that have an example, path
 * parameters from their example (else an id that does not exist), the admin token where the operation is secured.
 */
function exampleRequest(
  path: string,
  operation: Operation,
  doc: OpenAPIObject,
): { url: string; headers: Record<string, string>; payload?: string } {
  const headers: Record<string, string> = {};
  const query = new URLSearchParams();
  let url = path;
  for (const parameter of operation.parameters ?? []) {
    const example = parameter.example ?? exampleOf(parameter.schema, doc);
    if (parameter.in === 'path') url = url.replace(`{${parameter.name}}`, String(example ?? 'no-such-id'));
    else if (parameter.in === 'query' && example !== undefined) query.set(parameter.name, String(example));
  }
  if (operation.security?.length) headers.authorization = `Bearer ${ADMIN_TOKEN}`;
  const media = operation.requestBody?.content?.['application/json'];
  const body = media ? (media.example ?? exampleOf(media.schema, doc)) : undefined;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const search = query.toString();
  return {
    url: search ? `${url}?${search}` : url,
    headers,
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  };
}
