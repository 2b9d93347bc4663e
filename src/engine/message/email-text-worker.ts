/**
 * Entry of an `EmailTextPool` thread: extracts one raw email at a time with `emailToText`, off the event loop that
 * answers requests and probes, and posts back the text or the error message.
 */
import { setPriority } from 'node:os';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { emailToText, type EmailTextOptions } from './email-text';

export interface EmailTextTask {
  readonly id: number;
  readonly raw: string;
  readonly options: EmailTextOptions;
}

export type EmailTextReply =
  | { readonly id: number; readonly ok: true; readonly text: string }
  | { readonly id: number; readonly ok: false; readonly message: string };

/** Set in `workerData` by the pool, so that importing this file elsewhere starts nothing. */
export const EMAIL_TEXT_WORKER = 'email-text-worker';

/**
 * The nice value of an extraction thread: when the CPUs are busy, the event loop answering requests and probes runs
 * first. On Linux a nice value belongs to a thread (setpriority(2) with pid 0 changes the calling thread only); on
 * other systems it would slow the whole process, so it is left alone there.
 */
const EXTRACTION_NICENESS = 10;

function lowerPriority(): void {
  if (process.platform !== 'linux') return;
  try {
    setPriority(EXTRACTION_NICENESS);
  } catch {
    // A container may forbid it; the thread then runs at the process's priority.
  }
}

function serve(port: NonNullable<typeof parentPort>): void {
  lowerPriority();
  port.on('message', (task: EmailTextTask) => {
    emailToText(task.raw, task.options).then(
      (text) => port.postMessage({ id: task.id, ok: true, text } satisfies EmailTextReply),
      (error: unknown) =>
        port.postMessage({
          id: task.id,
          ok: false,
          message: error instanceof Error ? error.message : String(error),
        } satisfies EmailTextReply),
    );
  });
}

if (!isMainThread && parentPort && (workerData as { role?: unknown } | undefined)?.role === EMAIL_TEXT_WORKER) {
  serve(parentPort);
}
