import { InvalidArgumentError } from 'commander';

/** A run id as the leader makes them (`20261127T140512Z-3f9a1c`), or any label-safe id of up to 128 characters. */
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/u;

/** A full ISO 8601 instant: date, time and a zone (`Z` or `±hh:mm`), as `Date.toISOString()` writes it. */
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/u;

/** The same limits as FEEDBACK_HOLDOUT_FRACTION, so every value the service accepts reaches the Job unchanged. */
export const HOLDOUT_FRACTION_MIN = 0;
export const HOLDOUT_FRACTION_MAX = 0.9;

/** `--run-id`: the leader's id of the run, recorded with the tracking run and in the store's run table. */
export function parseRunId(raw: string): string {
  if (!RUN_ID.test(raw)) {
    throw new InvalidArgumentError(
      `must be 1 to 128 letters, digits, ".", "_", ":" or "-" starting with a letter or digit, got ${JSON.stringify(raw)}`,
    );
  }
  return raw;
}

/** `--feedback-until`: an ISO 8601 instant with its zone; impossible dates (2026-02-30) are refused too. */
export function parseIsoInstant(raw: string): Date {
  const match = ISO_INSTANT.exec(raw.trim());
  const date = match ? new Date(raw.trim()) : undefined;
  const [, year, month, day, hour, minute, second, zoneHour, zoneMinute] = match ?? [];
  const valid =
    date !== undefined &&
    !Number.isNaN(date.getTime()) &&
    new Date(Date.UTC(Number(year), Number(month) - 1, Number(day))).getUTCDate() === Number(day) &&
    Number(month) >= 1 &&
    Number(month) <= 12 &&
    Number(hour) <= 23 &&
    Number(minute) <= 59 &&
    Number(second ?? 0) <= 59 &&
    Number(zoneHour ?? 0) <= 23 &&
    Number(zoneMinute ?? 0) <= 59;
  if (!valid) {
    throw new InvalidArgumentError(
      `must be an ISO 8601 instant with a zone such as 2026-11-27T14:05:12.000Z, got ${JSON.stringify(raw)}`,
    );
  }
  return date;
}

/** `--feedback-holdout-fraction`: share of the feedback held out for evaluation. */
export function parseHoldoutFraction(raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < HOLDOUT_FRACTION_MIN || value > HOLDOUT_FRACTION_MAX) {
    throw new InvalidArgumentError(
      `must be a number from ${HOLDOUT_FRACTION_MIN} to ${HOLDOUT_FRACTION_MAX} (the limits of FEEDBACK_HOLDOUT_FRACTION), got ${JSON.stringify(raw)}`,
    );
  }
  return value;
}
