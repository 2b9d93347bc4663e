import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { predictionLogLine } from '../src/classifier/prediction-log';
import { createRootLogger } from '../src/http/logging';

const ROOT = join(__dirname, '..');
const ELK_FILES = join(ROOT, 'ansible/roles/elk-stack/files');
const VALIDATOR = join(ROOT, 'scripts/validate-helm-values.mjs');

interface Finding {
  file: string;
  line?: number;
  path: string;
  message: string;
}
interface ValidationReport {
  valid: boolean;
  results: { files: string[]; valid: boolean; findings: Finding[] }[];
}

function validateValues(...args: string[]): { status: number | null; report?: ValidationReport; stderr: string } {
  const run = spawnSync(process.execPath, [VALIDATOR, '--json', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  const report = run.stdout.trim() ? (JSON.parse(run.stdout) as ValidationReport) : undefined;
  return { status: run.status, report, stderr: run.stderr };
}

describe('Helm values schema (scripts/validate-helm-values.mjs)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'delivery-values-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('should accept values.yaml and every example values file merged over it', () => {
    const { status, report } = validateValues();

    expect(status).toBe(0);
    const names = report!.results.map((r) => r.files.map((f) => f.split('/').pop()).join('+'));
    expect(names).toEqual(
      expect.arrayContaining(['values.yaml', 'values.yaml+values-production.yaml', 'values.yaml+values-vault.yaml']),
    );
    expect(report!.results.every((r) => r.valid)).toBe(true);
  });

  it('should reject a bad values file, naming the file, the line and the values path of each finding', () => {
    const bad = join(dir, 'values-bad.yaml');
    writeFileSync(
      bad,
      [
        'replicaCount: 0',
        'config:',
        '  logLevl: info',
        '  trainingMode: kubernetes',
        'securityContext:',
        '  readOnlyRootFilesystem: false',
        'autoscaling:',
        '  minReplicas: 1',
        '',
      ].join('\n'),
    );

    const { status, report } = validateValues(bad);

    expect(status).toBe(1);
    const findings = report!.results[0].findings;
    const byPath = Object.fromEntries(findings.map((f) => [f.path, f]));
    expect(byPath['config.logLevl']).toMatchObject({
      line: 3,
      message: expect.stringContaining('unknown key "logLevl"'),
    });
    expect(byPath['config.trainingMode']).toMatchObject({
      line: 4,
      message: expect.stringContaining('"in-process", "job"'),
    });
    expect(byPath['securityContext.readOnlyRootFilesystem']).toMatchObject({ line: 6, message: 'must be true' });
    expect(byPath['replicaCount']).toMatchObject({ line: 1 });
    expect(byPath['autoscaling.minReplicas']).toMatchObject({ line: 8, message: expect.stringContaining('>= 2') });
    for (const f of findings) expect(f.file).toContain('values-bad.yaml');
  });

  it('should merge a stack as helm does: later files override, null removes a key', () => {
    const first = join(dir, 'values-a.yaml');
    const second = join(dir, 'values-b.yaml');
    writeFileSync(first, 'externalDatabase:\n  url: postgres://spam@db.example.com:5432/spam\n');
    writeFileSync(second, 'postgresql:\n  enabled: false\nconfig:\n  extraEnv: null\n');

    expect(validateValues(first).status).toBe(1); // in-chart PostgreSQL (default on) and an external URL clash
    const stacked = validateValues(`${first}+${second}`);

    expect(stacked.status).toBe(0);
    expect(stacked.report!.results).toHaveLength(1);
  });

  it('should report a YAML syntax error with its line', () => {
    const broken = join(dir, 'values-broken.yaml');
    writeFileSync(broken, 'image:\n  repository: [unclosed\n');

    const { status, report } = validateValues(broken);

    expect(status).toBe(1);
    expect(report!.results[0].findings[0]).toMatchObject({ message: expect.stringContaining('YAML syntax error') });
    expect(report!.results[0].findings[0].line).toBeGreaterThanOrEqual(2);
  });
});

/** Keys of a JSON object as dotted paths ({req: {method}} → "req.method"), as Elasticsearch names them. */
function flattenKeys(value: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(value).flatMap(([key, v]) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? flattenKeys(v as Record<string, unknown>, `${prefix}${key}.`)
      : [`${prefix}${key}`],
  );
}

/** Field names a KQL query mentions ("res.statusCode >= 500 and prediction:spam" → both fields). */
function kqlFields(query: string): string[] {
  return [...query.matchAll(/([A-Za-z_@][\w.@]*)\s*(?::|>=|<=|>|<)/g)].map((m) => m[1]);
}

interface MappingNode {
  type?: string;
  properties?: Record<string, MappingNode>;
}

/** The Elasticsearch type a dotted field maps to in an index template's properties, if any. */
function mappedType(properties: Record<string, MappingNode>, field: string): string | undefined {
  let node: Record<string, MappingNode> | undefined = properties;
  const parts = field.split('.');
  for (const [i, part] of parts.entries()) {
    const entry: MappingNode | undefined = node?.[part];
    if (!entry) return undefined;
    if (i === parts.length - 1) return entry.type;
    node = entry.properties;
  }
  return undefined;
}

interface SavedObject {
  id: string;
  type: string;
  attributes: Record<string, unknown>;
  references: { name: string; type: string; id: string }[];
}

function dashboardObjects(): SavedObject[] {
  return readFileSync(join(ELK_FILES, 'kibana-dashboard.ndjson'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as SavedObject);
}

/** Every log field a visualization reads: aggregation fields, TSVB fields and the KQL of queries and filters. */
function fieldsUsedBy(objects: SavedObject[]): Map<string, string[]> {
  const used = new Map<string, string[]>();
  const add = (field: string, where: string) => used.set(field, [...(used.get(field) ?? []), where]);
  for (const o of objects.filter((x) => x.type === 'visualization')) {
    const vis = JSON.parse(o.attributes.visState as string) as {
      aggs?: { params?: { field?: string } }[];
      params?: {
        time_field?: string;
        series?: {
          terms_field?: string;
          filter?: { query: string };
          metrics: { field?: string; numerator?: { query: string }; denominator?: { query: string } }[];
        }[];
      };
    };
    for (const agg of vis.aggs ?? []) if (agg.params?.field) add(agg.params.field, o.id);
    if (vis.params?.time_field) add(vis.params.time_field, o.id);
    for (const s of vis.params?.series ?? []) {
      if (s.terms_field) add(s.terms_field, o.id);
      if (s.filter) kqlFields(s.filter.query).forEach((f) => add(f, o.id));
      for (const m of s.metrics) {
        if (m.field) add(m.field, o.id);
        for (const q of [m.numerator, m.denominator]) if (q) kqlFields(q.query).forEach((f) => add(f, o.id));
      }
    }
    const meta = o.attributes.kibanaSavedObjectMeta as { searchSourceJSON: string };
    const search = JSON.parse(meta.searchSourceJSON) as { query?: { query: string } };
    if (search.query?.query) kqlFields(search.query.query).forEach((f) => add(f, o.id));
  }
  return used;
}

const POD_NAME = 'spam-classifier-7d9f5c-abcde';

/**
 * Real log lines: the service's root logger (its pino options: base fields, ISO time, level labels, redaction)
 * writing the service's own prediction line, and a request line with pino-http's fields.
 */
function serviceLogLines(): Record<string, unknown>[] {
  const written: string[] = [];
  const logger = createRootLogger('info', POD_NAME, { write: (chunk: string) => void written.push(chunk) });
  const input = {
    requestId: '6f1c3e0a-2b7d-4c9e-9a51-1f0e2d3c4b5a',
    prediction: 'spam' as const,
    spamProbability: 0.97,
    modelVersion: '20261127T140512Z-3f9a1c2b',
    podName: POD_NAME,
    channel: 'sms',
    startedAt: performance.now(),
    text: 'WINNER!! Claim your free prize now',
    previewChars: 0,
  };
  logger.info(predictionLogLine(input as Parameters<typeof predictionLogLine>[0]), 'prediction');
  logger.info(
    {
      req: { id: input.requestId, method: 'POST', url: '/api/v1/predictions' },
      res: { statusCode: 200 },
      responseTime: 1.7,
    },
    'request completed',
  );
  return written
    .join('')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

// Added by Filebeat and the ingest pipeline, not by the service.
const PIPELINE_FIELDS = ['@timestamp', 'log.level', 'event.kind'];

describe('Kibana dashboard (ansible/roles/elk-stack/files)', () => {
  const objects = dashboardObjects();
  const used = fieldsUsedBy(objects);
  const lines = serviceLogLines();
  const documented = new Set([...lines.flatMap((line) => flattenKeys(line)), ...PIPELINE_FIELDS]);

  it('should build every panel only on fields of the service log lines', () => {
    const unknown = [...used.keys()].filter((f) => !documented.has(f));

    expect(unknown).toEqual([]);
    for (const field of ['prediction', 'spam_probability', 'pod_name', 'res.statusCode', 'latency_ms', '@timestamp']) {
      expect(used.has(field)).toBe(true);
    }
  });

  it('should map every field it aggregates on to an aggregatable type in the index template', () => {
    const template = JSON.parse(readFileSync(join(ELK_FILES, 'index-template.json'), 'utf8')) as {
      template: { mappings: { properties: Record<string, MappingNode> } };
    };
    const typeOf = (field: string) => mappedType(template.template.mappings.properties, field);
    const aggregatable = new Set(['keyword', 'integer', 'long', 'float', 'double', 'date', 'boolean']);

    const wrong = [...used.keys()].filter((f) => !aggregatable.has(typeOf(f) ?? 'missing'));

    expect(wrong).toEqual([]);
  });

  it('should map every field of the real log lines to a type that accepts its value', () => {
    const template = JSON.parse(readFileSync(join(ELK_FILES, 'index-template.json'), 'utf8')) as {
      template: { mappings: { properties: Record<string, MappingNode> } };
    };
    const accepts: Record<string, (v: unknown) => boolean> = {
      keyword: (v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean',
      text: (v) => typeof v === 'string',
      integer: (v) => Number.isInteger(v),
      long: (v) => Number.isInteger(v),
      float: (v) => typeof v === 'number',
      double: (v) => typeof v === 'number',
      date: (v) => typeof v === 'number' || (typeof v === 'string' && !Number.isNaN(Date.parse(v))),
    };
    const mismatches: string[] = [];
    for (const line of lines) {
      for (const field of flattenKeys(line)) {
        const type = mappedType(template.template.mappings.properties, field);
        const value = field.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], line);
        if (type && !accepts[type]?.(value)) mismatches.push(`${field}: ${JSON.stringify(value)} is not ${type}`);
      }
    }

    expect(mismatches).toEqual([]);
  });

  it('should hold the seed panels and resolve every reference inside the export', () => {
    const dashboard = objects.find((o) => o.type === 'dashboard')!;
    const ids = new Set(objects.map((o) => `${o.type}:${o.id}`));
    const titles = objects.filter((o) => o.type === 'visualization').map((o) => o.attributes.title);

    expect(new Set(objects.map((o) => o.id)).size).toBe(objects.length);
    for (const o of objects) for (const ref of o.references) expect(ids).toContain(`${ref.type}:${ref.id}`);
    expect(JSON.parse(dashboard.attributes.panelsJSON as string)).toHaveLength(dashboard.references.length);
    expect(titles).toEqual(
      expect.arrayContaining([
        'Spam vs not spam',
        'Spam probability histogram',
        'Requests over time',
        'Predictions per pod',
        'Error rate',
      ]),
    );
  });

  it('should lift the JSON log fields to the top level in the ingest pipeline, where the dashboard reads them', () => {
    const pipeline = JSON.parse(readFileSync(join(ELK_FILES, 'ingest-pipeline.json'), 'utf8')) as {
      processors: Record<string, Record<string, unknown>>[];
    };
    const json = pipeline.processors.find((p) => 'json' in p)!.json;

    expect(json).toMatchObject({ field: 'message', add_to_root: true });
    const date = pipeline.processors.find((p) => p.date?.field === 'time')!.date as { formats: string[] };
    const time = lines[0].time;
    expect(date.formats).toContain(typeof time === 'string' ? 'ISO8601' : 'UNIX_MS');
  });
});

function javaHome(): string | undefined {
  if (process.env.JAVA_HOME || existsSync('/usr/lib/jvm/default-java/bin/java')) return process.env.JAVA_HOME;
  for (const candidate of ['/usr/bin/java', '/etc/alternatives/java']) {
    if (existsSync(candidate)) return dirname(dirname(realpathSync(candidate)));
  }
  return undefined;
}

describe('Jenkinsfile check (scripts/check-jenkinsfile.groovy)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'delivery-jenkins-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const check = (...args: string[]) =>
    spawnSync('groovy', [join(ROOT, 'scripts/check-jenkinsfile.groovy'), ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, ...(javaHome() ? { JAVA_HOME: javaHome() } : {}) },
    });

  it('should pass both pipelines and reject one that leaks a credential', () => {
    const leaky = join(dir, 'Jenkinsfile');
    writeFileSync(
      leaky,
      `pipeline {
  agent any
  stages {
    stage('Push') {
      steps {
        withCredentials([string(credentialsId: 'token', variable: 'TOKEN')]) {
          sh "curl -H 'Authorization: Bearer \${TOKEN}' https://example.invalid"
        }
      }
    }
  }
}
`,
    );

    const good = check(join(ROOT, 'jenkins/Jenkinsfile'), join(ROOT, 'jenkins/Jenkinsfile.train'));
    const bad = check(leaky);

    expect(good.status).toBe(0);
    expect(good.stdout).toContain('ok    ' + join(ROOT, 'jenkins/Jenkinsfile.train'));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(`${leaky}:7: sh inside withCredentials must start with \`set +x\``);
    expect(bad.stderr).toContain('Groovy interpolation of credential variable(s) TOKEN');
  });
});

describe('Training gate (scripts/training-gate.mjs)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'delivery-gate-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const gate = (...args: string[]) =>
    spawnSync(process.execPath, [join(ROOT, 'scripts/training-gate.mjs'), ...args], {
      encoding: 'utf8',
      timeout: 60_000,
    });
  const write = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };
  const summary = (smsF1: number) => ({
    version: '20261127T140512Z-3f9a1c2b',
    algorithm: 'svm',
    params: { C: 1 },
    evaluation: { sms: { f1: smsF1, precision: 0.97 }, spamassassin: { f1: 0.95 } },
  });

  it('should fail a model whose F1 on any held-out set is below the minimum, naming the set', () => {
    const result = gate('--min-f1', '0.9', write('result.json', summary(0.85)));

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('F1 0.8500 on sms is below the minimum 0.9');
  });

  it('should refuse a registration that was not tracked, and one that is not the evaluated model', () => {
    const candidate = write('candidate.json', summary(0.93));
    const untracked = write(
      'untracked.log',
      'warning: the model is trained but tracking failed: connect ECONNREFUSED\n',
    );
    const tracked = write('tracked.log', 'tracked: mlflow run 4f2a, version 7, champion (f1 better than v6)\n');

    const lost = gate('--min-f1', '0.9', '--tracking-log', untracked, candidate);
    const other = gate('--same-as', candidate, '--tracking-log', tracked, write('registered.json', summary(0.94)));

    expect(lost.status).toBe(2);
    expect(lost.stderr).toContain(
      'the run was not tracked (the model is trained but tracking failed: connect ECONNREFUSED)',
    );
    expect(other.status).toBe(1);
    expect(other.stderr).toContain('F1 on sms is 0.94, the evaluated model had 0.93');
  });

  it('should print the version only when the quality gate made it champion', () => {
    const result = write('registered.json', summary(0.93));
    const champion = gate(
      '--promotion',
      '--tracking-log',
      write('a.log', 'tracked: mlflow run 1, version 7, champion (better)\n'),
      result,
    );
    const challenger = gate(
      '--promotion',
      '--tracking-log',
      write('b.log', 'tracked: mlflow run 2, version 8, challenger (worse f1)\n'),
      result,
    );

    expect(champion.status).toBe(0);
    expect(champion.stdout).toBe('20261127T140512Z-3f9a1c2b\n');
    expect(challenger.status).toBe(0);
    expect(challenger.stdout).toBe('');
    expect(challenger.stderr).toContain('promotion: challenger (worse f1)');
  });
});
