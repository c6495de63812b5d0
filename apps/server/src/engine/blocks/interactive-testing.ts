import { messageContentSchema, type MessageContent } from '@parley/protocol';
import type { Flow } from '../flow.js';
import { createSession, step, type StepResult } from '../runtime.js';
import { contextAt, flowOf, type NodeSpec } from '../testing.js';
import type { Effect, FlowEvent } from '../types.js';
import { validateFlow } from '../validate.js';

/** Helpers for the interactive blocks' tests: run one block through the real runtime. */

/** Monday 6 January 2025, 08:00 UTC. */
export const T0 = Date.UTC(2025, 0, 6, 8, 0);

export interface RunOptions {
  edges?: string[];
  events?: FlowEvent[];
  extra?: NodeSpec[];
  channel?: string;
  variables?: Flow['variables'];
  now?: number;
}

/** Runs `start → node` (plus extra nodes and edges), then the follow-up events in order. */
export function runBlock(node: NodeSpec, options: RunOptions = {}): StepResult {
  const flow = flowOf(
    [{ id: 's', type: 'start' }, node, ...(options.extra ?? [])],
    ['s->' + node.id, ...(options.edges ?? [])],
    options.variables ?? [],
  );
  const now = options.now ?? T0;
  const context = (at: number) => contextAt(at, { channel: { type: options.channel ?? 'web' } });
  let result = step(flow, createSession(now), { type: 'start' }, context(now));
  for (const [i, event] of (options.events ?? []).entries()) {
    result = step(flow, result.session, event, context(now + (i + 1) * 1_000));
  }
  return result;
}

export const sink = (id: string, text = id): NodeSpec => ({ id, type: 'message', data: { text } });

/** What a turn sent, each content checked against the canonical message schema. */
export function sent(effects: readonly Effect[]): MessageContent[] {
  return effects.flatMap((effect) =>
    effect.type === 'send' ? [messageContentSchema.parse(effect.content)] : [],
  );
}

export const submit = (values: Record<string, string>, replyTo = 'form'): FlowEvent => ({
  type: 'message',
  content: { type: 'reply', replyTo, title: 'Submitted', values },
});

/** The dotted path of the first problem `validateFlow` reports on node "n", if any. */
export function problemPath(type: string, data: Record<string, unknown>): string | undefined {
  const result = validateFlow(
    flowOf(
      [
        { id: 's', type: 'start' },
        { id: 'n', type, data },
      ],
      ['s->n'],
    ),
  );
  if (result.ok) return undefined;
  const problem = result.problems.find((p) => p.nodeId === 'n' && p.code === 'invalid_data');
  return problem?.path.join('.');
}
