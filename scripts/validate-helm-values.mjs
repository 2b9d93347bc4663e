#!/usr/bin/env node
// Validates the chart's values files against values.schema.json the way `helm` does: each example file is
// merged over values.yaml (maps merge, lists and scalars replace, null deletes) and the result is checked.
// Errors name the file, the line and the values path. Exit code: 0 valid, 1 invalid, 2 usage or read error.
//
//   node scripts/validate-helm-values.mjs                       # values.yaml + every values-*.yaml alone
//   node scripts/validate-helm-values.mjs values-production.yaml+values-vault.yaml   # a stack, in order
//   node scripts/validate-helm-values.mjs --chart path/to/chart --json some-values.yaml
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import process from 'node:process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Ajv = require('ajv');
const YAML = require('yaml');

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const options = { chart: join(projectRoot, 'helm/spam-classifier'), json: false, stacks: [] };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--chart') options.chart = resolve(argv[++i] ?? '');
    else if (arg === '--json') options.json = true;
    else if (arg === '--help' || arg === '-h') options.help = true;
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else options.stacks.push(arg.split('+'));
  }
  return options;
}

class UsageError extends Error {}

/** Reads one YAML file; returns its value and a resolver from a values path to a line number. */
function readValuesFile(path) {
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`${path}: cannot read (${error.code ?? error.message})`);
  }
  const lineCounter = new YAML.LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    const { line, col } = lineCounter.linePos(first.pos[0]);
    return { path, line, error: `YAML syntax error at column ${col}: ${first.message.split('\n')[0]}` };
  }
  const value = doc.toJS() ?? {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    return { path, line: 1, error: 'the top level must be a mapping of values' };
  }
  const lineOf = (segments) => {
    let node = doc.contents;
    let line;
    for (const segment of segments) {
      if (!node || typeof node.get !== 'function') break;
      const pair = YAML.isMap(node)
        ? node.items.find((item) => String(item.key?.value ?? item.key) === segment)
        : undefined;
      const child = YAML.isMap(node) ? pair?.value : node.get(Number(segment), true);
      const anchor = pair?.key?.range ?? child?.range;
      if (!anchor) return line;
      line = lineCounter.linePos(anchor[0]).line;
      node = child;
    }
    return line;
  };
  return { path, value, lineOf };
}

const isMap = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Helm's coalescing: override maps merge into base maps; lists and scalars replace; null removes the key. */
export function mergeValues(base, override) {
  const out = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === null) delete out[key];
    else if (isMap(value) && isMap(out[key])) out[key] = mergeValues(out[key], value);
    else out[key] = value;
  }
  return out;
}

function pathSegments(instancePath) {
  return instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function describe(error) {
  const segments = pathSegments(error.instancePath);
  switch (error.keyword) {
    case 'additionalProperties':
      return {
        segments: [...segments, error.params.additionalProperty],
        message: `unknown key "${error.params.additionalProperty}" (not in values.schema.json; check the spelling)`,
      };
    case 'required':
      return { segments, message: `missing required key "${error.params.missingProperty}"` };
    case 'enum':
      return {
        segments,
        message: `must be one of ${error.params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'const':
      return { segments, message: `must be ${JSON.stringify(error.params.allowedValue)}` };
    default:
      return { segments, message: error.message };
  }
}

/** The rule's description when the error comes from a cross-field rule in the schema's allOf. */
function ruleOf(schema, error) {
  const match = /^#\/allOf\/(\d+)\//.exec(error.schemaPath);
  const rule = match ? schema.allOf?.[Number(match[1])] : undefined;
  return rule?.description ? ` (rule: ${rule.description})` : '';
}

function validateStack(validate, schema, files) {
  const layers = files.map(readValuesFile);
  const broken = layers.filter((l) => l.error);
  if (broken.length > 0)
    return broken.map((l) => ({ file: rel(l.path), line: l.line, path: '(file)', message: l.error }));
  const merged = layers.reduce((acc, layer) => mergeValues(acc, layer.value), {});
  if (validate(merged)) return [];
  const findings = [];
  const seen = new Set();
  for (const error of validate.errors ?? []) {
    if (error.keyword === 'if' || error.keyword === 'anyOf') continue; // their branch errors say more
    const { segments, message: bare } = describe(error);
    const message = bare + ruleOf(schema, error);
    const valuesPath = segments.join('.') || '(top level)';
    // Blame the last layer that sets this path (or its nearest parent), as the reader edits that file.
    let file = layers[0].path;
    let line;
    for (let depth = segments.length; depth > 0 && line === undefined; depth -= 1) {
      for (const layer of [...layers].reverse()) {
        const l = layer.lineOf(segments.slice(0, depth));
        if (l !== undefined && hasPath(layer.value, segments.slice(0, depth))) {
          file = layer.path;
          line = l;
          break;
        }
      }
    }
    const value = getPath(merged, segments);
    const key = `${valuesPath}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push({ file: rel(file), line, path: valuesPath, message, value });
  }
  return findings;
}

function hasPath(obj, segments) {
  let node = obj;
  for (const s of segments) {
    if (node === null || typeof node !== 'object' || !(s in node)) return false;
    node = node[s];
  }
  return true;
}

function getPath(obj, segments) {
  let node = obj;
  for (const s of segments) {
    if (node === null || typeof node !== 'object') return undefined;
    node = node[s];
  }
  return node;
}

const rel = (p) => relative(process.cwd(), p) || p;

function main() {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`validate-helm-values: ${error.message}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write('usage: validate-helm-values.mjs [--chart DIR] [--json] [FILE[+FILE…] …]\n');
    return 0;
  }
  const schemaPath = join(options.chart, 'values.schema.json');
  const defaultsPath = join(options.chart, 'values.yaml');
  if (!existsSync(schemaPath) || !existsSync(defaultsPath)) {
    process.stderr.write(`validate-helm-values: ${options.chart} has no values.yaml or values.schema.json\n`);
    return 2;
  }
  let schema;
  try {
    schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
  } catch (error) {
    process.stderr.write(`validate-helm-values: ${schemaPath}: invalid JSON (${error.message})\n`);
    return 2;
  }
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: true, allowUnionTypes: true });
  let validate;
  try {
    validate = ajv.compile(schema);
  } catch (error) {
    process.stderr.write(`validate-helm-values: ${schemaPath}: invalid schema (${error.message})\n`);
    return 2;
  }

  const resolveFile = (f) => (isAbsolute(f) || existsSync(f) ? resolve(f) : join(options.chart, f));
  let stacks = options.stacks.map((stack) => [defaultsPath, ...stack.map(resolveFile)]);
  if (stacks.length === 0) {
    const examples = readdirSync(options.chart)
      .filter((f) => /^values-.+\.ya?ml$/.test(f))
      .sort();
    stacks = [[defaultsPath], ...examples.map((f) => [defaultsPath, join(options.chart, f)])];
  }

  const results = stacks.map((files) => {
    let findings;
    try {
      findings = validateStack(validate, schema, files);
    } catch (error) {
      if (error instanceof UsageError) findings = [{ file: '', path: '', message: error.message }];
      else throw error;
    }
    return { files: files.map(rel), valid: findings.length === 0, findings };
  });

  if (options.json) {
    process.stdout.write(`${JSON.stringify({ valid: results.every((r) => r.valid), results }, null, 2)}\n`);
  } else {
    for (const result of results) {
      const name = result.files.map((f) => basename(f)).join(' + ');
      if (result.valid) {
        process.stdout.write(`ok    ${name}\n`);
        continue;
      }
      process.stdout.write(`FAIL  ${name}\n`);
      for (const f of result.findings) {
        const where = f.line ? `${f.file}:${f.line}` : f.file;
        const shown = f.value === undefined ? '' : ` (value: ${JSON.stringify(f.value)?.slice(0, 80)})`;
        process.stdout.write(`      ${where}: ${f.path}: ${f.message}${shown}\n`);
      }
    }
  }
  return results.every((r) => r.valid) ? 0 : 1;
}

process.exitCode = main();
