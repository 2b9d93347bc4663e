/**
 * Running a module of this project in a new thread or process from its TypeScript sources (under Jest, where nothing
 * is built into dist/): the new thread or process first registers a require hook that compiles `.ts` with @swc/core
 * (a dev dependency, the same compiler and settings Jest uses), then loads the entry. From dist/ the compiled `.js`
 * entry is started directly and nothing is transpiled at run time. Plain TypeScript: the engine uses it too.
 */

/** Whether this code runs from its `.ts` sources (Jest) rather than from the compiled `dist/`. */
export const RUNNING_FROM_SOURCES = __filename.endsWith('.ts');

/** The extension of this project's modules as they run now: `.ts` under Jest, `.js` from dist/. */
export function moduleExtension(): '.ts' | '.js' {
  return RUNNING_FROM_SOURCES ? '.ts' : '.js';
}

/**
 * CommonJS code that registers the `.ts` require hook and then requires `entryExpression`, a JavaScript expression
 * evaluated in the new thread or process (e.g. `workerData.entry`, `process.argv[1]`, or a JSON string literal).
 */
export function typescriptBootstrap(entryExpression: string): string {
  return `
const { readFileSync } = require('node:fs');
const { transformSync } = require('@swc/core');
const { workerData } = require('node:worker_threads');
require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    sourceMaps: 'inline',
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2023',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
require(${entryExpression});
`;
}
