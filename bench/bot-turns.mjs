// The bot scenario of `npm run bench`: conversations with a deployed bot through the bot chat
// API (WotNot's "API" publishing), each a start and five turns with input validation, a retry
// and a condition. Every request is one bot turn; the figure is turns per second.
/* global fetch */

const FLOW = {
  schemaVersion: 1,
  variables: [
    { name: 'name', type: 'string', scope: 'conversation' },
    { name: 'email', type: 'string', scope: 'conversation' },
    { name: 'size', type: 'number', scope: 'conversation' },
  ],
  nodes: [
    { id: 'start', type: 'start', data: {} },
    { id: 'name', type: 'input', data: { prompt: 'Hi! Your name?', variable: 'name' } },
    {
      id: 'email',
      type: 'input',
      data: {
        prompt: 'Thanks {{name}}. Your e-mail?',
        kind: 'email',
        variable: 'email',
        retryPrompt: 'That is not an e-mail. Your e-mail?',
        maxRetries: 2,
      },
    },
    {
      id: 'vip',
      type: 'condition',
      data: { groups: [{ rules: [{ variable: 'email', operator: 'contains', value: '@acme' }] }] },
    },
    {
      id: 'topic',
      type: 'buttons',
      data: {
        prompt: 'Sales or support?',
        buttons: [
          { id: 'sales', title: 'Sales' },
          { id: 'support', title: 'Support' },
        ],
      },
    },
    { id: 'size', type: 'input', data: { prompt: 'Team size?', kind: 'number', variable: 'size' } },
    { id: 'bye', type: 'message', data: { text: 'Thanks, {{name}} ({{size}} people).' } },
    { id: 'other', type: 'message', data: { text: 'We only serve Acme.' } },
  ],
  edges: [
    ['start', null, 'name'],
    ['name', null, 'email'],
    ['email', null, 'vip'],
    ['vip', 'true', 'topic'],
    ['vip', 'false', 'other'],
    ['topic', 'button:sales', 'size'],
    ['topic', 'button:support', 'size'],
    ['size', null, 'bye'],
  ].map(([source, sourceHandle, target], i) => ({ id: `e${i}`, source, sourceHandle, target })),
};
FLOW.nodes.forEach((node, i) => (node.position = { x: 0, y: i * 120 }));

/** The person's side after `start`: each entry is one turn, with the reply it must get. */
const TURNS = [
  ['Ada', 'Thanks Ada. Your e-mail?'],
  ['not-an-email', 'That is not an e-mail. Your e-mail?'],
  ['ada@acme.com', 'Sales or support?'],
  ['Sales', 'Team size?'],
  ['12', 'Thanks, Ada (12 people).'],
];

async function call(url, headers, body) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${url}: ${response.status} ${text}`);
  return JSON.parse(text);
}

const lastText = (turn) => turn.messages.at(-1)?.content?.text;

/** Deploys the bot, checks one whole conversation by hand, then loads it. */
export async function benchBotTurns(label, base, headers, load) {
  const created = await call(`${base}/v1/bot`, headers, { name: 'Bench bot', channel: 'API' });
  await call(`${base}/v1/bots/${created.id}/deploy`, headers, { flow_diagram: FLOW });
  const bots = await (await fetch(`${base}/api/native/bots`, { headers })).json();
  const botKey = bots.bots?.find((bot) => bot.id === created.id)?.bot_key;
  if (!botKey) throw new Error(`no bot_key for bot ${created.id}: ${JSON.stringify(bots)}`);
  const start = `${base}/api/native/bot-chat/${botKey}/start`;
  const next = `${base}/api/native/bot-chat/${botKey}/continue`;

  // One conversation checked reply by reply: the load below must measure a working bot.
  const first = await call(start, {}, {});
  if (lastText(first) !== 'Hi! Your name?') throw new Error(`start gave ${JSON.stringify(first)}`);
  for (const [text, expected] of TURNS) {
    const turn = await call(next, {}, { user_id: first.user_id, text });
    if (lastText(turn) !== expected) {
      throw new Error(`"${text}" gave ${JSON.stringify(turn)}, expected "${expected}"`);
    }
  }

  // Per connection: start (remembering the user id), then the five turns, over and over.
  const json = { 'content-type': 'application/json' };
  const requests = [
    {
      method: 'POST',
      path: start.slice(base.length),
      headers: json,
      body: '{}',
      onResponse: (status, body, context) => {
        if (status === 200) context.userId = JSON.parse(body).user_id;
      },
    },
    ...TURNS.map(([text]) => ({
      method: 'POST',
      path: next.slice(base.length),
      headers: json,
      setupRequest: (request, context) => ({
        ...request,
        body: JSON.stringify({ user_id: context.userId, text }),
      }),
    })),
  ];
  return load(`${label}: bot turns (start + 5)`, { url: base, requests });
}
