import type { ModelHolder, SwapListener } from '../classifier/model-holder.service';
import { collectStartGarbageOnce } from './start-up-garbage';

describe(collectStartGarbageOnce.name, () => {
  const holderWith = (active: unknown) => {
    const listeners = new Set<SwapListener>();
    const holder: Pick<ModelHolder, 'active' | 'onSwap'> = {
      active: () => active as ReturnType<ModelHolder['active']>,
      onSwap: (listener) => {
        listeners.add(listener);
        return () => {
          listeners.delete(listener);
        };
      },
    };
    const swap = () => [...listeners].forEach((listener) => listener({} as never, undefined));
    return Object.assign(holder, { swap, listeners });
  };

  it('should collect once, when the first model is installed, and not on later swaps', () => {
    const holder = holderWith(undefined);
    const collect = jest.fn();
    collectStartGarbageOnce(holder, collect);
    expect(collect).not.toHaveBeenCalled();
    holder.swap();
    holder.swap();
    expect(collect).toHaveBeenCalledTimes(1);
    expect(holder.listeners.size).toBe(0);
  });

  it('should collect at once when a model already serves', () => {
    const collect = jest.fn();
    collectStartGarbageOnce(holderWith({}), collect);
    expect(collect).toHaveBeenCalledTimes(1);
  });

  it('should run a real full collection without exposing gc to the application', () => {
    const holder = holderWith({});
    expect(() => collectStartGarbageOnce(holder)).not.toThrow();
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
  });
});
