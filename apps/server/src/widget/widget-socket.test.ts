import { widgetServerFrameSchema, type WidgetServerFrame } from '@parley/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket, type RawData } from 'ws';
import { flow } from '../core/bots/bot-runner-harness.js';
import { createTestApp, type TestApp } from '../testing/test-app.js';
import { STACKS } from '../testing/test-databases.js';
import { waitFor } from '../testing/wait-for.js';
import { webBot } from './widget-test-fixture.js';

const handoverFlow = flow(
  [
    { id: 'start', type: 'start' },
    { id: 'hi', type: 'message', data: { text: 'Hi there' } },
    { id: 'js', type: 'javascript', data: { code: 'window.__ran = true' } },
    { id: 'human', type: 'handover', data: { message: 'Connecting you…' } },
  ],
  ['start->hi', 'hi->js', 'js->human'],
);

/** A visitor socket that keeps every frame, parsed against the protocol. */
class VisitorSocket {
  readonly frames: WidgetServerFrame[] = [];
  readonly closed: Promise<number>;
  constructor(readonly socket: WebSocket) {
    socket.on('message', (data: RawData) => {
      this.frames.push(widgetServerFrameSchema.parse(JSON.parse(textOf(data))));
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', (code: number) => {
        resolve(code);
      }),
    );
  }
  static async open(url: string): Promise<VisitorSocket> {
    const socket = new WebSocket(url.replace(/^http/, 'ws'));
    const client = new VisitorSocket(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => {
        resolve();
      });
      socket.once('error', reject);
    });
    return client;
  }
  texts(): (string | undefined)[] {
    return this.frames.flatMap((frame) =>
      frame.type === 'message' && 'text' in frame.message.content
        ? [frame.message.content.text]
        : [],
    );
  }
  async waitForText(text: string): Promise<void> {
    await waitFor(
      () => this.texts().includes(text),
      5_000,
      `"${text}" on the socket (got ${JSON.stringify(this.texts())})`,
    );
  }
}

describe.each(STACKS.map((stack) => [stack.name, stack] as const))(
  'widget socket on %s',
  (_name, stack) => {
    let t: TestApp;
    let sockets: VisitorSocket[] = [];
    beforeEach(async () => {
      t = await createTestApp(stack, {}, { listen: true });
    });
    afterEach(async () => {
      for (const socket of sockets) socket.socket.close();
      sockets = [];
      await t.close();
    });

    const post = async <T>(path: string, body: unknown, token?: string): Promise<T> => {
      const response = await fetch(`${t.url}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(200);
      return (await response.json()) as T;
    };
    const connect = async (token: string, after = 0) => {
      const socket = await VisitorSocket.open(
        `${t.url}/widget/ws?token=${encodeURIComponent(token)}&after=${String(after)}`,
      );
      sockets.push(socket);
      return socket;
    };

    it('pushes the bot, the Javascript block, the agent who joins and their messages live; resumes without loss or repeats', async () => {
      const { botKey } = await webBot(t, handoverFlow);
      const { visitor_token: token } = await post<{ visitor_token: string }>(
        '/widget/api/sessions',
        { bot_key: botKey },
      );
      const live = await connect(token);
      await waitFor(() => live.frames.some((frame) => frame.type === 'ready'), 5_000, 'ready');

      const started = await post<{ conversation_id: string }>('/widget/api/start', {}, token);
      await live.waitForText('Connecting you…');
      expect(live.texts()).toEqual(['Hi there', 'Connecting you…']);
      const action = live.frames.find((frame) => frame.type === 'action');
      expect(action).toMatchObject({ action: { type: 'javascript', code: 'window.__ran = true' } });

      // An agent takes the conversation: the visitor is told who, then hears from them.
      const accountId = t.first.account.id;
      const { conversations } = t.runtime.services;
      await conversations.assign(
        accountId,
        started.conversation_id,
        { userId: t.first.admin.id },
        null,
      );
      const admin = t.first.admin;
      const name = [admin.first_name, admin.last_name].filter((part) => part !== null).join(' ');
      await live.waitForText(`You are now chatting with ${name}`);
      await conversations.sendAgentMessage(accountId, started.conversation_id, {
        content: { type: 'text', text: 'Hello, I can help' },
        userId: t.first.admin.id,
      });
      await live.waitForText('Hello, I can help');
      const agentFrame = live.frames.find(
        (frame) => frame.type === 'message' && frame.message.sender.type === 'user',
      );
      expect(agentFrame).toMatchObject({
        message: { sender: { type: 'user', name } },
      });

      // Read receipts travel back as status frames.
      const seq =
        live.frames
          .flatMap((frame) => (frame.type === 'message' ? [frame.message.seq] : []))
          .at(-1) ?? 0;
      await post('/widget/api/read', { seq }, token);
      await waitFor(
        () => live.frames.some((frame) => frame.type === 'status' && frame.status === 'read'),
        5_000,
        'read status',
      );

      // Offline for a while: the message sent meanwhile is replayed once on reconnect.
      live.socket.close();
      await live.closed;
      await conversations.sendAgentMessage(accountId, started.conversation_id, {
        content: { type: 'text', text: 'Are you still there?' },
        userId: t.first.admin.id,
      });
      const resumed = await connect(token, seq);
      await resumed.waitForText('Are you still there?');
      await conversations.sendAgentMessage(accountId, started.conversation_id, {
        content: { type: 'text', text: 'Bye' },
        userId: t.first.admin.id,
      });
      await resumed.waitForText('Bye');
      expect(resumed.texts()).toEqual(['Are you still there?', 'Bye']);
    });

    it('wakes a long poll when a message arrives, and refuses a forged token with 4401', async () => {
      const { botKey } = await webBot(t, handoverFlow);
      const { visitor_token: token } = await post<{ visitor_token: string }>(
        '/widget/api/sessions',
        { bot_key: botKey },
      );
      const started = await post<{ conversation_id: string; cursor: number }>(
        '/widget/api/start',
        {},
        token,
      );
      const begun = Date.now();
      const polling = fetch(
        `${t.url}/widget/api/messages?after=${String(started.cursor)}&wait=20`,
        { headers: { authorization: `Bearer ${token}` } },
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      await t.runtime.services.conversations.sendAgentMessage(
        t.first.account.id,
        started.conversation_id,
        { content: { type: 'text', text: 'Polled hello' }, userId: t.first.admin.id },
      );
      const answer = (await (await polling).json()) as {
        messages: { content: { text?: string } }[];
      };
      expect(answer.messages.map((message) => message.content.text)).toContain('Polled hello');
      expect(Date.now() - begun).toBeLessThan(10_000);

      const forged = await VisitorSocket.open(`${t.url}/widget/ws?token=v1.1.abc.def`);
      sockets.push(forged);
      expect(await forged.closed).toBe(4401);
    });
  },
);

function textOf(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
