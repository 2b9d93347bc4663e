import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ModelHolder } from '../classifier/model-holder.service';

/**
 * One full garbage collection when the first model is installed, before the process reports it can serve.
 *
 * A start leaves garbage that only a major collection frees: compiling ~1,300 modules, building the application,
 * parsing the artifact. Under a steady load of small requests the young generation absorbs the requests' garbage
 * and V8 may not run a major collection for a long time, so the start's leftovers stay resident and the old
 * generation's next limit is sized on them. Collected once before the first request, a worker holds ~10 MB less
 * after 10 s of load (docs/footprint.md), for one pause of ~30–55 ms while it is not serving yet.
 *
 * Returns a function that unsubscribes (when the first model has not come yet).
 */
export function collectStartGarbageOnce(
  holder: Pick<ModelHolder, 'active' | 'onSwap'>,
  collect: () => void = fullGarbageCollection,
): () => void {
  if (holder.active()) {
    collect();
    return () => undefined;
  }
  const unsubscribe = holder.onSwap(() => {
    unsubscribe();
    collect();
  });
  return unsubscribe;
}

/**
 * V8's `gc()` taken from a fresh context (as Jest does), so the application's global scope never gets a `gc`
 * function and `node` needs no `--expose-gc`.
 */
function fullGarbageCollection(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  setFlagsFromString('--no-expose-gc');
  gc();
}
