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
