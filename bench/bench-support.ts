/** Shared helpers of the accuracy and classify benchmarks: arguments, progress on stderr, statistics. */
import { cpus } from 'node:os';

export interface BenchArgs {
  readonly json: boolean;
  readonly flags: ReadonlySet<string>;
  readonly values: ReadonlyMap<string, string>;
}

/**
 * `--help` / `-h`: prints the usage on stdout and exits 0 before the benchmark does any work (no data read, no
 * process started).
 */
export function exitOnHelp(argv: readonly string[], usage: string): void {
  if (!argv.includes('--help') && !argv.includes('-h')) return;
  process.stdout.write(`${usage.trim()}\n`);
  process.exit(0);
}

/** `--json`, `--flag`, `--name value` or `--name=value`; anything else is refused with a one-line message. */
export function parseBenchArgs(
  argv: readonly string[],
  valueNames: readonly string[],
  flagNames: readonly string[],
): BenchArgs {
  const flags = new Set<string>();
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].split(/=(.*)/s, 2);
    const key = name.replace(/^--/, '');
    if (!name.startsWith('--')) throw new Error(`unexpected argument ${JSON.stringify(argv[i])}`);
    if (key === 'json' || flagNames.includes(key)) {
      flags.add(key);
    } else if (valueNames.includes(key)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new Error(`option --${key} needs a value`);
      values.set(key, value);
    } else {
      throw new Error(
        `unknown option ${name} (known: --json ${[...valueNames, ...flagNames].map((n) => `--${n}`).join(' ')}; see --help)`,
      );
    }
  }
  return { json: flags.has('json'), flags, values };
}

export function integerArg(args: BenchArgs, name: string, fallback: number, min = 0, max = 1000): number {
  const raw = args.values.get(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`option --${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

export function progress(message: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** The q-quantile with linear interpolation (numpy's default). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
}

export function round(value: number, digits = 4): number {
  return Number.isFinite(value) ? Number(value.toFixed(digits)) : value;
}

export function machine(): Record<string, string | number> {
  return { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', platform: process.platform };
}

/** Runs a benchmark's main: JSON or text on stdout, errors as one line with exit code 1 (2 for bad arguments). */
export function runBench(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
