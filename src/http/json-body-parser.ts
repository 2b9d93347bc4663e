import { isUtf8 } from 'node:buffer';
import type { FastifyRequest } from 'fastify';
import { FieldValidationError } from './error-response';

/**
 * JSON bodies may nest arrays and objects at most this deep. Every route's body is at most 4 levels deep; a deeper
 * one is refused before it is parsed, so neither JSON.parse nor the validators recurse through 500,000 levels.
 */
export const MAX_JSON_DEPTH = 64;

type Done = (error: Error | null, body?: unknown) => void;
/** Fastify's own JSON parser (`fastify.getDefaultJsonParser`): empty body, syntax and prototype poisoning checks. */
export type StringJsonParser = (request: FastifyRequest, body: string, done: Done) => void;

const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether a JSON text nests `[` and `{` more than `maxDepth` deep, counting outside strings only. One pass over the
 * bytes with no allocation (strings skipped with a native search for their closing quote); it stops at the first
 * level too deep. It does not check the syntax (JSON.parse does).
 */
export function nestsDeeperThan(body: Uint8Array, maxDepth: number): boolean {
  let depth = 0;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if (byte === QUOTE) {
      i = closingQuote(body, i);
    } else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      if (++depth > maxDepth) return true;
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) {
      depth--;
    }
  }
  return false;
}

/** The index of the quote that ends the string opened at `open` (one not preceded by an odd run of backslashes). */
function closingQuote(body: Uint8Array, open: number): number {
  for (let i = open; ;) {
    i = body.indexOf(QUOTE, i + 1);
    if (i < 0) return body.length;
    let backslashes = 0;
    while (body[i - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return i;
  }
}

/**
 * The `application/json` body parser: refuses with a 400 a body that is not UTF-8 (RFC 8259) or nests deeper than
 * `maxDepth`, before anything parses it, then hands the text to Fastify's JSON parser.
 */
export function jsonBodyParser(
  parse: StringJsonParser,
  maxDepth = MAX_JSON_DEPTH,
): (request: FastifyRequest, body: Buffer, done: Done) => void {
  return (request, body, done) => {
    if (!isUtf8(body)) {
      done(bodyError('the JSON body is not valid UTF-8', 'must be UTF-8 (RFC 8259)'));
      return;
    }
    if (nestsDeeperThan(body, maxDepth)) {
      done(
        bodyError(
          `the JSON body nests arrays and objects more than ${maxDepth} levels deep`,
          `must nest at most ${maxDepth} levels deep`,
        ),
      );
      return;
    }
    parse(request, body.toString('utf8'), done);
  };
}

function bodyError(message: string, detail: string): FieldValidationError {
  return new FieldValidationError(message, [{ field: '', message: detail }]);
}
