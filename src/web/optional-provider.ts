import type { ModuleRef } from '@nestjs/core';

/**
 * A provider from another room of the application when that room is loaded (feedback and tracking come with the
 * platform modules; an engine-only app has neither), else undefined. The page module does not import those modules,
 * so it works in both.
 */
export function optionalProvider<T>(moduleRef: ModuleRef, token: abstract new (...args: never[]) => T): T | undefined;
export function optionalProvider<T>(moduleRef: ModuleRef, token: string | symbol): T | undefined;
export function optionalProvider<T>(
  moduleRef: ModuleRef,
  token: string | symbol | (abstract new (...args: never[]) => T),
): T | undefined {
  try {
    return moduleRef.get<T>(token as string, { strict: false });
  } catch {
    return undefined;
  }
}
