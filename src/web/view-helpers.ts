import type Handlebars from 'handlebars';

let registered = false;

/** Formatting helpers for the templates; they return plain strings, which Handlebars still escapes. */
export function registerViewHelpers(hbs: typeof Handlebars): void {
  if (registered) return;
  registered = true;
  hbs.registerHelper('percent', (x: unknown) => (typeof x === 'number' ? `${(x * 100).toFixed(1)} %` : '–'));
  hbs.registerHelper('fixed', (x: unknown, digits: unknown) =>
    typeof x === 'number' ? x.toFixed(typeof digits === 'number' ? digits : 4) : '–',
  );
  hbs.registerHelper('count', (x: unknown) => (typeof x === 'number' ? String(Math.round(x)) : '–'));
  /** `2026-11-27T15:10:17.993Z` → `2026-11-27 15:10:17 UTC`. */
  hbs.registerHelper('datetime', (x: unknown) =>
    typeof x === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/.test(x)
      ? `${x.slice(0, 10)} ${x.slice(11, 19)} UTC`
      : '–',
  );
  /** The first 8 characters of an id (the whole id stays in a title). */
  hbs.registerHelper('short', (x: unknown) => (typeof x === 'string' ? x.slice(0, 8) : '–'));
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hbs.registerHelper('json', (x: unknown) => JSON.stringify(x, null, 2));
}

type TemplateFunction = (context: unknown, options?: unknown) => string;

/**
 * Handlebars for @fastify/view, loaded when a page is first rendered rather than at start (its compiler is ~3.5 MB
 * and ~50 ms per process, and a worker that only answers the API never needs it). @fastify/view calls only
 * `compile` and `registerPartial` on the engine, also at registration when NODE_ENV=production: `compile` returns a
 * template that loads Handlebars (with the view helpers) and compiles on its first call, and partials registered
 * before then are handed over when it loads.
 */
export function lazyHandlebars(): Pick<typeof Handlebars, 'compile' | 'registerPartial'> {
  let loaded: typeof Handlebars | undefined;
  const pendingPartials: Array<[string, unknown]> = [];
  const engine = (): typeof Handlebars => {
    if (!loaded) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy on purpose, see above
      const hbs = require('handlebars') as typeof Handlebars;
      registerViewHelpers(hbs);
      for (const [name, partial] of pendingPartials.splice(0))
        hbs.registerPartial(name, partial as Handlebars.Template);
      loaded = hbs;
    }
    return loaded;
  };
  const compile = (input: unknown, options?: CompileOptions): TemplateFunction => {
    let template: TemplateFunction | undefined;
    return (context, runtimeOptions) => {
      template ??= engine().compile(input, options) as TemplateFunction;
      return template(context, runtimeOptions);
    };
  };
  const registerPartial = (name: string, partial: unknown): void => {
    if (loaded) loaded.registerPartial(name, partial as Handlebars.Template);
    else pendingPartials.push([name, partial]);
  };
  return { compile, registerPartial } as unknown as Pick<typeof Handlebars, 'compile' | 'registerPartial'>;
}

type CompileOptions = Parameters<typeof Handlebars.compile>[1];
