import { isRecord, sampleFor, type Route } from './routes.js';

/** What the bad-input sweep sends: hostile parameters, garbage bodies, near misses. */

export const PATH_PARAMS = [
  '\u0000',
  '2147483648',
  '9007199254740993',
  '99999999999999999999',
  '0',
  '-1',
  'abc',
  '1.5',
  "1'--",
  'x'.repeat(300),
];

const GARBAGE_BODIES = [
  undefined,
  '{}',
  '[]',
  'null',
  '"text"',
  '123',
  '{"truncated":',
  JSON.stringify({ nested: { deeper: [1, { deepest: null }] } }),
];

const HOSTILE_VALUES: unknown[] = [
  2147483648,
  -2147483649,
  2 ** 53,
  1e308,
  0,
  -1,
  1.5,
  '',
  ' ',
  'x'.repeat(20_000),
  '\u0000',
  '2147483648',
  null,
  true,
  [],
  {},
];

const HOSTILE_QUERY_VALUES = [
  '2147483648',
  '9007199254740993',
  '-1',
  '0',
  '',
  '1.5',
  '\u0000',
  'x'.repeat(5_000),
];

/** The bodies to send a route: garbage, its own sample, and the sample with one field swapped. */
export function bodiesFor(route: Route): (string | undefined)[] {
  const bodies = [...GARBAGE_BODIES];
  const sample = sampleFor(route);
  if (!isRecord(sample)) return bodies;
  bodies.push(JSON.stringify(sample));
  for (const [key, inner] of Object.entries(sample)) {
    for (const value of HOSTILE_VALUES) bodies.push(JSON.stringify({ ...sample, [key]: value }));
    // One level down too: settings objects (a channel's config, a message's content).
    if (!isRecord(inner)) continue;
    for (const innerKey of Object.keys(inner)) {
      for (const value of HOSTILE_VALUES) {
        bodies.push(JSON.stringify({ ...sample, [key]: { ...inner, [innerKey]: value } }));
      }
    }
  }
  return bodies;
}

export function queriesFor(route: Route): string[] {
  return [
    '',
    ...route.query.flatMap((name) =>
      HOSTILE_QUERY_VALUES.map((value) => `?${name}=${encodeURIComponent(value)}`),
    ),
  ];
}
