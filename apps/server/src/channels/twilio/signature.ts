import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Twilio's request signature (X-Twilio-Signature): base64(HMAC-SHA1(auth token, the full
 * URL Twilio called + every POST parameter as name then value, sorted by name, no
 * delimiters)). A name sent several times contributes each distinct value, sorted, as
 * Twilio's own validator does. JSON webhooks instead carry `bodySHA256` in the query and
 * sign the URL alone. Tests check this against the official `twilio` validator.
 */

/** Form parameters in their wire order, values decoded (`+` is a space). */
export type FormParams = readonly (readonly [string, string])[];

export function parseForm(body: string): FormParams {
  return [...new URLSearchParams(body)];
}

/** The parameters as Twilio signs them: name order, each name's distinct values sorted. */
function signedData(url: string, params: FormParams): string {
  const byName = new Map<string, Set<string>>();
  for (const [name, value] of params) {
    const values = byName.get(name) ?? new Set<string>();
    values.add(value);
    byName.set(name, values);
  }
  let data = url;
  // Code-unit order: Twilio sorts case-sensitively ("Body" before "body").
  for (const name of [...byName.keys()].sort()) {
    for (const value of [...(byName.get(name) ?? [])].sort()) data += name + value;
  }
  return data;
}

export function twilioSignature(authToken: string, url: string, params: FormParams): string {
  return createHmac('sha1', authToken)
    .update(Buffer.from(signedData(url, params), 'utf8'))
    .digest('base64');
}

/**
 * The URL as Twilio may have signed it: as called, and with the scheme's default port
 * added or removed (Twilio signs the URL as configured, which a proxy may have changed).
 */
function urlVariants(url: string): string[] {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/i.exec(url);
  if (match === null) return [url];
  const [, scheme = '', authority = '', rest = ''] = match;
  const portAt = authority.indexOf(':', authority.lastIndexOf(']') + 1);
  const host = portAt === -1 ? authority : authority.slice(0, portAt);
  const defaultPort = scheme.toLowerCase() === 'https://' ? ':443' : ':80';
  return [...new Set([url, `${scheme}${host}${rest}`, `${scheme}${host}${defaultPort}${rest}`])];
}

function sameDigest(a: string, b: string): boolean {
  // Hash both sides first: equal lengths for timingSafeEqual, and no early exit.
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}

export interface SignedRequest {
  readonly url: string;
  readonly signature: string;
  /** The form parameters of a form-encoded POST, else none. */
  readonly params: FormParams;
  /** The raw body, checked against `bodySHA256` when the URL carries it. */
  readonly body: Buffer;
}

/** Whether Twilio signed this request with `authToken` (constant-time comparisons). */
export function isValidTwilioRequest(authToken: string, request: SignedRequest): boolean {
  if (authToken === '' || request.signature === '') return false;
  const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
  const bodyHash = new URLSearchParams(query).get('bodySHA256');
  if (bodyHash !== null) {
    const actual = createHash('sha256').update(request.body).digest('hex');
    if (!sameDigest(actual, bodyHash.toLowerCase())) return false;
  }
  const params = bodyHash === null ? request.params : [];
  let valid = false;
  // Every variant is computed, so the time taken does not say which one matched.
  for (const url of urlVariants(request.url)) {
    if (sameDigest(twilioSignature(authToken, url, params), request.signature)) valid = true;
  }
  return valid;
}
