import type { MessageContent } from '@parley/protocol';
import type { Flow } from './flow.js';
import type { RunContext } from './runtime.js';
import type { FlowEvent } from './types.js';

/** Helpers for the engine's tests: terse flows, contexts and events. */

export interface NodeSpec {
  id: string;
  type: string;
  data?: Record<string, unknown>;
}

/** A flow from nodes and `source[:handle]→target` edges, laid out on a line. */
export function flowOf(
  nodes: NodeSpec[],
  edges: string[] = [],
  variables: Flow['variables'] = [],
): Flow {
  return {
    schemaVersion: 1,
    variables,
    nodes: nodes.map((node, i) => ({
      id: node.id,
      type: node.type,
      data: node.data ?? {},
      position: { x: i * 200, y: 0 },
    })),
    edges: edges.map((spec, i) => {
      const [from = '', target = ''] = spec.split('->');
      const colon = from.indexOf(':');
      const source = colon === -1 ? from : from.slice(0, colon);
      const sourceHandle = colon === -1 ? null : from.slice(colon + 1);
      return { id: `e${i}`, source, sourceHandle, target };
    }),
  };
}

export function contextAt(now: number, overrides: Partial<RunContext> = {}): RunContext {
  return {
    now,
    contact: { id: 'c1', name: 'Ada' },
    conversation: { id: 'conv1' },
    channel: { type: 'api' },
    globals: {},
    ...overrides,
  };
}

export const say = (text: string): FlowEvent => ({
  type: 'message',
  content: { type: 'text', text },
});

export const press = (replyTo: string, title = replyTo): FlowEvent => ({
  type: 'message',
  content: { type: 'reply', replyTo, title },
});

/** The texts of a turn's send effects, for compact assertions. */
export function sentTexts(
  effects: readonly { type: string; content?: MessageContent }[],
): string[] {
  return effects.flatMap((effect) => {
    const content = effect.content;
    if (effect.type !== 'send' || content === undefined) return [];
    if (content.type === 'text' || content.type === 'buttons') return [content.text];
    if (content.type === 'media') return [content.caption ?? `[${content.kind}]`];
    return [content.type];
  });
}
