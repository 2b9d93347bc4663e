#!/usr/bin/env node
// Reads the JSON summary the training CLI prints with --json (artifact metadata, evaluation per held-out set,
// promotion outcome) for jenkins/Jenkinsfile.train.
//   training-gate.mjs --min-f1 0.9 result.json                       print metrics; fail when a set's F1 is lower
//   training-gate.mjs --min-f1 0.9 --same-as candidate.json result.json   also require the same model as evaluated
//   training-gate.mjs --promotion result.json                        print the promoted version, or nothing
// Exit codes: 0 pass, 1 gate failed, 2 unreadable input or bad usage.
import { readFileSync } from 'node:fs';
import process from 'node:process';

class InputError extends Error {}

function parseArgs(argv) {
  const o = { files: [] };
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    if (a === '--min-f1') {
      o.minF1 = Number(argv[++i]);
      if (!Number.isFinite(o.minF1) || o.minF1 < 0 || o.minF1 > 1)
        throw new InputError('--min-f1 takes a number from 0 to 1');
    } else if (a === '--same-as') o.sameAs = argv[++i];
    else if (a === '--promotion') o.promotion = true;
    else if (a.startsWith('-')) throw new InputError(`unknown option ${a}`);
    else o.files.push(a);
  }
  if (o.files.length !== 1) throw new InputError('give exactly one result file');
  return o;
}

function readResult(path) {
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`${path}: cannot read (${error.code ?? error.message})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`${path}: not JSON (${error.message})`);
  }
}

/** evaluation is { setName: metrics } or [{ name, metrics }] — both are accepted. */
export function evaluationSets(result, path) {
  const evaluation = result?.evaluation;
  if (evaluation === null || typeof evaluation !== 'object')
    throw new InputError(`${path}: field "evaluation" is missing`);
  const entries = Array.isArray(evaluation)
    ? evaluation.map((e, i) => [e?.name ?? `#${i}`, e?.metrics ?? e])
    : Object.entries(evaluation);
  if (entries.length === 0) throw new InputError(`${path}: field "evaluation" names no held-out set`);
  return entries.map(([name, m]) => {
    if (typeof m?.f1 !== 'number') throw new InputError(`${path}: evaluation.${name}.f1 is missing or not a number`);
    return { name, metrics: m };
  });
}

const fingerprintOf = (r) => r?.artifact?.metadata?.training?.fingerprint;
const fmt = (v) => (typeof v === 'number' ? v.toFixed(4) : '   -  ');

function main() {
  const o = parseArgs(process.argv.slice(2));
  const [path] = o.files;
  const result = readResult(path);
  if (o.promotion) {
    const promotion = result.promotion;
    if (promotion === undefined)
      throw new InputError(`${path}: field "promotion" is missing (was the CLI run with --promote?)`);
    if (promotion.promoted) {
      const version = promotion.version ?? result.artifact?.metadata?.version;
      if (!version)
        throw new InputError(`${path}: promoted, but no version in promotion.version or artifact.metadata.version`);
      process.stdout.write(`${version}\n`);
    } else {
      process.stderr.write(`champion kept: ${promotion.reason ?? 'the candidate was not better'}\n`);
    }
    return 0;
  }
  const sets = evaluationSets(result, path);
  process.stderr.write(
    `model ${result.artifact?.metadata?.version ?? '?'} (${result.artifact?.metadata?.algorithm ?? '?'})\n`,
  );
  process.stderr.write('set                      f1      precision recall  accuracy mcc\n');
  let failed = false;
  for (const { name, metrics: m } of sets) {
    process.stderr.write(
      `${name.padEnd(24)} ${fmt(m.f1)}  ${fmt(m.precision)}    ${fmt(m.recall)}  ${fmt(m.accuracy)}   ${fmt(m.mcc)}\n`,
    );
    if (o.minF1 !== undefined && m.f1 < o.minF1) {
      process.stderr.write(`  FAIL: F1 ${m.f1.toFixed(4)} on ${name} is below the minimum ${o.minF1}\n`);
      failed = true;
    }
  }
  if (o.sameAs) {
    const reference = readResult(o.sameAs);
    if (fingerprintOf(reference) !== fingerprintOf(result)) {
      process.stderr.write(
        `FAIL: training fingerprint ${fingerprintOf(result)} differs from the evaluated ${fingerprintOf(reference)}\n`,
      );
      failed = true;
    }
    const before = new Map(evaluationSets(reference, o.sameAs).map((s) => [s.name, s.metrics.f1]));
    for (const { name, metrics } of sets) {
      if (before.has(name) && Math.abs(before.get(name) - metrics.f1) > 1e-9) {
        process.stderr.write(`FAIL: F1 on ${name} is ${metrics.f1}, the evaluated model had ${before.get(name)}\n`);
        failed = true;
      }
    }
  }
  return failed ? 1 : 0;
}

try {
  process.exitCode = main();
} catch (error) {
  if (!(error instanceof InputError)) throw error;
  process.stderr.write(`training-gate: ${error.message}\n`);
  process.exitCode = 2;
}
