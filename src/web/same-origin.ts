/**
 * Cross-site request forgery check for the page's state-changing form posts, after the approach of Go 1.25's
 * `http.CrossOriginProtection`: browsers say where a request comes from in `Sec-Fetch-Site` (every current
 * browser) or, failing that, `Origin`; a post from another site is refused. A request with neither header does not
 * come from a browser form, so no visitor's browser can be made to send it. The page has no login and no cookies,
 * so there is no session a token could be bound to; what this stops is other sites making their visitors'
 * browsers post feedback. `Origin` alone is not enough: the page's `Referrer-Policy: no-referrer` makes browsers
 * send `Origin: null` with same-origin form posts, which is why `Sec-Fetch-Site` comes first.
 *
 * Returns why the request is refused, or undefined when it may proceed.
 */
export function crossSiteRefusal(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  host: string | undefined,
): string | undefined {
  const site = single(headers['sec-fetch-site']);
  if (site !== undefined) {
    // "none": typed, bookmarked or otherwise started by the user, not by a page.
    if (site === 'same-origin' || site === 'none') return undefined;
    return `the form was posted from another site (Sec-Fetch-Site: ${site.slice(0, 40)})`;
  }
  const origin = single(headers.origin);
  if (origin === undefined) return undefined;
  let originHost: string | undefined;
  try {
    originHost = origin === 'null' ? undefined : new URL(origin).host;
  } catch {
    originHost = undefined;
  }
  if (originHost !== undefined && host !== undefined && originHost.toLowerCase() === host.toLowerCase())
    return undefined;
  return `the form was posted from another origin (Origin: ${origin.slice(0, 100)})`;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
