#!/usr/bin/env node
// Reads what the training CLI writes (`train.cli.js … --json` on stdout: version, algorithm, params, evaluation
// per held-out set; with --register/--promote a `tracked: …` line on stderr) for jenkins/Jenkinsfile.train.
//   training-gate.mjs --min-f1 0.9 result.json                 print metrics; fail when a set's F1 is lower
//   training-gate.mjs --min-f1 0.9 --same-as candidate.json --tracking-log run.log result.json
//                                                              also: same model as evaluated, and really tracked
//   training-gate.mjs --promotion --tracking-log run.log result.json
//                                                              print the version when it became champion, else nothing
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
    else if (a === '--tracking-log') o.trackingLog = argv[++i];
    else if (a === '--promotion') o.promotion = true;
    else if (a.startsWith('-')) throw new InputError(`unknown option ${a}`);
    else o.files.push(a);
  }
  if (o.files.length !== 1) throw new InputError('give exactly one result file');
  if (o.promotion && !o.trackingLog)
    throw new InputError('--promotion needs --tracking-log (the CLI reports the decision on stderr)');
  return o;
}

function readText(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`${path}: cannot read (${error.code ?? error.message})`);
  }
}

function readResult(path) {
  try {
    return JSON.parse(readText(path));
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`${path}: not JSON (${error.message})`);
  }
}

/** The `tracked: <store> run <id>[ (not synced)][, version N][, <decision> (<reason>)]` line of the CLI. */
export function parseTrackingLog(text, path) {
  const line = text.split('\n').find((l) => l.startsWith('tracked: '));
  if (!line) {
    const warning = text.split('\n').find((l) => l.startsWith('warning: '));
    throw new InputError(`${path}: the run was not tracked${warning ? ` (${warning.slice(9)})` : ''}`);
  }
  const match =
    /^tracked: (\S+) run (\S+)( \(not synced\))?(?:, version (\S+))?(?:, (champion|challenger|unchanged) \((.*)\))?$/.exec(
      line,
    );
  if (!match) throw new InputError(`${path}: cannot read the tracking line: ${line}`);
  const [, store, runId, notSynced, registryVersion, decision, reason] = match;
  return { store, runId, synced: !notSynced, registryVersion, decision, reason };
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

const versionOf = (r) => r?.version ?? r?.artifact?.metadata?.version;
const fmt = (v) => (typeof v === 'number' ? v.toFixed(4) : '   -  ');

function main() {
  const o = parseArgs(process.argv.slice(2));
  const [path] = o.files;
  const result = readResult(path);
  const tracking = o.trackingLog ? parseTrackingLog(readText(o.trackingLog), o.trackingLog) : undefined;

  if (o.promotion) {
    if (!tracking.decision)
      throw new InputError(`${o.trackingLog}: no promotion decision (was the CLI run with --promote?)`);
    if (tracking.decision === 'champion') {
      const version = versionOf(result);
      if (!version) throw new InputError(`${path}: field "version" is missing`);
      process.stdout.write(`${version}\n`);
    }
    process.stderr.write(`promotion: ${tracking.decision} (${tracking.reason})\n`);
    return 0;
  }

  const sets = evaluationSets(result, path);
  process.stderr.write(
    `model ${versionOf(result) ?? '?'} (${result.algorithm ?? result.artifact?.metadata?.algorithm ?? '?'})\n`,
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
    if (JSON.stringify(reference.params ?? null) !== JSON.stringify(result.params ?? null)) {
      process.stderr.write('FAIL: the registered model was trained with other parameters than the evaluated one\n');
      failed = true;
    }
    const before = new Map(evaluationSets(reference, o.sameAs).map((s) => [s.name, s.metrics.f1]));
    for (const { name, metrics } of sets) {
      if (!before.has(name) || Math.abs(before.get(name) - metrics.f1) > 1e-9) {
        process.stderr.write(
          `FAIL: F1 on ${name} is ${metrics.f1}, the evaluated model had ${before.get(name) ?? 'no such set'}\n`,
        );
        failed = true;
      }
    }
  }
  if (tracking) {
    process.stderr.write(
      `tracked in ${tracking.store}: run ${tracking.runId}${tracking.registryVersion ? `, registry version ${tracking.registryVersion}` : ''}\n`,
    );
    if (!tracking.synced) {
      process.stderr.write('FAIL: the run is recorded locally but not synced to the tracking server\n');
      failed = true;
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
