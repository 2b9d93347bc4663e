/**
 * Entry of an `EmailTextPool` thread: extracts one raw email at a time with `emailToText`, off the event loop that
 * answers requests and probes, and posts back the text or the error message.
 */
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

function serve(port: NonNullable<typeof parentPort>): void {
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
