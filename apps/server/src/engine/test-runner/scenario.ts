import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/**
 * The scenario file format of `parley test-bot` (YAML or JSON). Objects are strict, so a
 * misspelt key (`expects:`) is an error instead of an expectation silently never checked.
 *
 *   scenarios:
 *     - name: happy path
 *       context: { contact: {name: Ada}, channel: {type: web}, variables: {plan: pro} }
 *       turns:
 *         - expect: { messages: ["Hi!", {contains: "name"}] }   # no user/timer: a start event
 *         - user: Ada                                            # a text message
 *         - user: { button: pricing }                            # presses a button by id
 *         - timer: true                                          # fires the pending timer
 *           expect: { messages: [{type: buttons, text: "More?", buttons: [Yes, No]}] }
 */

const record = z.record(z.string(), z.unknown());

const userInput = z.union(
  [
    z.string(),
    z.strictObject({ button: z.string().min(1) }),
    z.strictObject({
      reply: z.strictObject({
        replyTo: z.string().min(1),
        title: z.string().optional(),
        values: z.record(z.string(), z.string()).optional(),
      }),
    }),
  ],
  { error: 'user must be a text, {button: id} or {reply: {replyTo, title?, values?}}' },
);

const expectedMessage = z.union(
  [
    z.string(),
    z.strictObject({ contains: z.string().min(1) }),
    z.strictObject({
      type: z.literal('buttons'),
      text: z.string().optional(),
      buttons: z.array(z.string()).optional(),
    }),
  ],
  { error: 'a message is a text, {contains: text} or {type: buttons, text?, buttons?: [titles]}' },
);

const expectation = z.strictObject({
  messages: z.array(expectedMessage).optional(),
  /** The calls made this turn, in order; each entry is a prefix of `http POST https://…`. */
  calls: z.array(z.string().min(1)).optional(),
  variables: record.optional(),
  handover: z
    .union([z.boolean(), z.strictObject({ team: z.string().optional() })], {
      error: 'handover is true, false or {team: name}',
    })
    .optional(),
  ended: z.boolean().optional(),
});

const turn = z
  .strictObject({
    user: userInput.optional(),
    timer: z
      .union([z.literal(true), z.string().min(1)], { error: 'timer is true or a node id' })
      .optional(),
    handback: z.literal(true).optional(),
    expect: expectation.optional(),
  })
  .refine((t) => [t.user, t.timer, t.handback].filter((value) => value !== undefined).length <= 1, {
    message: 'a turn has at most one of user, timer and handback',
  });

/** Recorded answers for the flow's external calls (see fake-calls.ts). */
const fakes = z.strictObject({
  http: z
    .array(
      z.strictObject({
        url: z.string().min(1),
        method: z.string().optional(),
        /** When given, only a request with this (JSON) body gets this answer. */
        request: z.unknown().optional(),
        status: z.number().int().default(200),
        headers: z.record(z.string(), z.string()).default({}),
        body: z.unknown().optional(),
        /** A transport failure instead of a response (timeout, refused). */
        error: z.string().optional(),
      }),
    )
    .default([]),
  ai: z
    .array(z.strictObject({ question: z.string().optional(), answer: z.string().nullable() }))
    .default([]),
  /** Call kinds that fail: `email`, `notify`. */
  fail: z.array(z.enum(['email', 'notify'])).default([]),
});
export type Fakes = z.infer<typeof fakes>;

const scenario = z.strictObject({
  name: z.string().min(1),
  fakes: fakes.default({ http: [], ai: [], fail: [] }),
  context: z
    .strictObject({
      contact: record.optional(),
      conversation: record.optional(),
      channel: z.looseObject({ type: z.string().min(1) }).optional(),
      /** Contact-scoped ones (as the flow declares them) go to the contact, others to globals. */
      variables: record.optional(),
    })
    .optional(),
  turns: z.array(turn).min(1),
});

export const scenarioFileSchema = z.strictObject({ scenarios: z.array(scenario).min(1) });

export type ScenarioFile = z.infer<typeof scenarioFileSchema>;
export type Scenario = ScenarioFile['scenarios'][number];
export type Turn = Scenario['turns'][number];
export type Expectation = NonNullable<Turn['expect']>;
export type ExpectedMessage = NonNullable<Expectation['messages']>[number];

export type ScenarioParse = { ok: true; file: ScenarioFile } | { ok: false; errors: string[] };

const get = (value: unknown, key: string | number): unknown =>
  typeof value === 'object' && value !== null ? Reflect.get(value, key) : undefined;

/** Where an issue is, in the words of the file: `scenario "x" (#2), turn 3: user: …`. */
function locate(input: unknown, path: readonly PropertyKey[]): string {
  const [top, index, key, turnIndex, ...rest] = path;
  if (top !== 'scenarios' || typeof index !== 'number') return path.map(String).join('.');
  const name = get(get(get(input, 'scenarios'), index), 'name');
  let where =
    typeof name === 'string' ? `scenario "${name}" (#${index + 1})` : `scenario #${index + 1}`;
  if (key === undefined) return where;
  if (key === 'turns' && typeof turnIndex === 'number') {
    where += `, turn ${turnIndex + 1}`;
    return rest.length === 0 ? where : `${where}: ${rest.map(String).join('.')}`;
  }
  return `${where}: ${[key, turnIndex, ...rest]
    .filter((p) => p !== undefined)
    .map(String)
    .join('.')}`;
}

/** Validates a parsed scenario document; every error names its scenario and turn (1-based). */
export function parseScenarios(input: unknown): ScenarioParse {
  const parsed = scenarioFileSchema.safeParse(input);
  if (parsed.success) return { ok: true, file: parsed.data };
  const errors = parsed.error.issues.map((issue) => {
    const where = locate(input, issue.path);
    return where === '' ? issue.message : `${where}: ${issue.message}`;
  });
  return { ok: false, errors };
}

/** Parses file text: JSON for `.json`, YAML otherwise (YAML also reads JSON). */
export function parseDocument(text: string, fileName: string): unknown {
  if (fileName.toLowerCase().endsWith('.json')) {
    const value: unknown = JSON.parse(text);
    return value;
  }
  const value: unknown = parseYaml(text);
  return value;
}
