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
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hbs.registerHelper('json', (x: unknown) => JSON.stringify(x, null, 2));
}
