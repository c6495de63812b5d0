import { executeBlock } from './blocks/index.js';
import { compileFlow, edgeKey, type CompiledFlow } from './compile.js';
import { incomingText } from './blocks/common.js';
import { matchesKeywords, webTriggerMatches } from './blocks/start.js';
import type { Flow } from './flow.js';
import type { TemplateScope } from './template.js';
import { MAX_SUBFLOW_DEPTH } from './blocks/subflow.js';
import type { BlockResult, Effect, FlowEvent, RuntimeErrorCode } from './types.js';

/**
 * The flow runtime: a pure step function (DESIGN.md §5). Given a flow, the stored session
 * and one event it returns the next session, the effects to carry out and a log of every
 * block it ran. Time, contact, conversation and globals come in through the context.
 *
 * Rules a caller can rely on:
 * - A `start` event (re)starts the flow. A message to a session that is not waiting starts
 *   it too, if the start block's keywords match — except after a handover: then only a
 *   `handback` event resumes the bot (on the handover block's "handback" edge, if any).
 * - A waiting block gets the event first; a timer for another node is stale and ignored.
 * - An output handle without an edge ends the flow, as an `end` block does.
 * - The step budget (default 100 blocks per turn) stops a runaway loop: the session ends,
 *   the log's last entry carries the error and an `{ type: 'error' }` effect reports it.
 *   Ending (rather than parking) keeps a broken flow from spinning again on every message.
 */

export interface Session {
  flowVersion?: number;
  /** The node the session waits at, or (ended) the node it ended at; null before a start. */
  nodeId: string | null;
  status: 'active' | 'waiting' | 'ended';
  variables: Record<string, unknown>;
  retries: Record<string, number>;
  /** Why the session ended, when a handback may resume it. */
  endReason?: 'handover';
  /** The Flow blocks whose sub-flows are running, innermost last: where a sub-flow returns. */
  stack?: string[];
  /** The text of the contact's latest message: `{{conversation.last_message}}`. */
  lastMessage?: string;
  /** The external call the waiting node awaits; any other `call_result` is stale. */
  pending?: { nodeId: string; callId: string };
  startedAt: number;
  updatedAt: number;
}

export interface RunContext {
  now: number;
  contact: Record<string, unknown>;
  conversation: Record<string, unknown>;
  channel: { type: string } & Record<string, unknown>;
  globals: Record<string, unknown>;
  stepBudget?: number;
}

export interface LogEntry {
  nodeId: string;
  type: string;
  /** The handle taken, `wait`, `end`, `ignored`, or `error: …`. */
  outcome: string;
  at: number;
}

export interface StepResult {
  session: Session;
  effects: Effect[];
  log: LogEntry[];
}

export const DEFAULT_STEP_BUDGET = 100;

export { compileFlow, type CompiledFlow };

/** A fresh session, before any event. */
export function createSession(now: number, flowVersion?: number): Session {
  return {
    ...(flowVersion === undefined ? {} : { flowVersion }),
    nodeId: null,
    status: 'ended',
    variables: {},
    retries: {},
    startedAt: now,
    updatedAt: now,
  };
}

/** Conversation variables start from their declared defaults. */
function initialVariables(compiled: CompiledFlow): Record<string, unknown> {
  const variables: Record<string, unknown> = {};
  for (const variable of compiled.variables.values()) {
    if (variable.scope === 'conversation' && variable.default !== undefined) {
      variables[variable.name] = variable.default;
    }
  }
  return variables;
}

/** Declared contact and global variables read through `{{name}}` when not set in the session. */
function scopeOf(compiled: CompiledFlow, session: Session, context: RunContext): TemplateScope {
  const variables: Record<string, unknown> = {};
  for (const variable of compiled.variables.values()) {
    const source = variable.scope === 'contact' ? context.contact : context.globals;
    const value: unknown = variable.scope === 'conversation' ? undefined : source[variable.name];
    const fallback = value ?? variable.default;
    if (fallback !== undefined) variables[variable.name] = fallback;
  }
  return {
    variables: Object.assign(variables, session.variables),
    contact: context.contact,
    conversation:
      session.lastMessage === undefined
        ? context.conversation
        : { ...context.conversation, last_message: session.lastMessage },
    channel: context.channel,
    globals: context.globals,
    now: context.now,
  };
}

type Entry = { nodeId: string; resume: FlowEvent | null; restart: boolean } | { ignored: string };

/** Decides where a turn begins: a waiting node, the start block, or nowhere. */
function entryOf(compiled: CompiledFlow, session: Session, event: FlowEvent): Entry {
  const waiting = session.status === 'waiting' ? session.nodeId : null;
  const startId = compiled.startId;
  const start = startId === null ? null : compiled.nodes.get(startId);
  switch (event.type) {
    case 'start':
      if (startId === null) return { ignored: 'no start block' };
      // The web widget says which page and visit it starts from; other callers do not.
      if (start?.type === 'start' && event.visit !== undefined) {
        if (!webTriggerMatches(start.data, event.visit)) return { ignored: 'web trigger not met' };
      }
      return { nodeId: startId, resume: null, restart: true };
    case 'timer':
      return waiting === event.nodeId
        ? { nodeId: waiting, resume: event, restart: false }
        : { ignored: 'stale timer' };
    case 'call_result':
      return waiting === event.nodeId && session.pending?.callId === event.callId
        ? { nodeId: waiting, resume: event, restart: false }
        : { ignored: 'stale call result' };
    case 'handback':
      return session.endReason === 'handover' && session.nodeId !== null
        ? { nodeId: session.nodeId, resume: event, restart: false }
        : { ignored: 'not handed over' };
    case 'message':
      if (waiting !== null) return { nodeId: waiting, resume: event, restart: false };
      if (session.endReason === 'handover') return { ignored: 'handed over to a human' };
      if (startId === null || start?.type !== 'start') return { ignored: 'no start block' };
      return matchesKeywords(start.data, incomingText(event))
        ? { nodeId: startId, resume: null, restart: true }
        : { ignored: 'no keyword matched' };
  }
}

/**
 * Whether `event` would start this flow in a new session (a start event, or a message its
 * Trigger's keywords accept): how the bot runner chooses among bots by priority.
 */
export function startsOn(compiled: CompiledFlow, event: FlowEvent): boolean {
  return !('ignored' in entryOf(compiled, createSession(0), event));
}

/** Runs one turn. Pass a `compileFlow` result to skip re-parsing the flow on every turn. */
export function step(
  flow: Flow | CompiledFlow,
  session: Session,
  event: FlowEvent,
  context: RunContext,
): StepResult {
  const compiled = 'kind' in flow ? flow : compileFlow(flow);
  const at = context.now;
  const log: LogEntry[] = [];
  const effects: Effect[] = [];
  const entry = entryOf(compiled, session, event);
  if ('ignored' in entry) {
    const nodeId = session.nodeId ?? '';
    log.push({ nodeId, type: event.type, outcome: `ignored: ${entry.ignored}`, at });
    return { session: { ...session, updatedAt: at }, effects, log };
  }
  let current: Session = entry.restart
    ? {
        ...session,
        nodeId: entry.nodeId,
        status: 'active',
        variables: initialVariables(compiled),
        retries: {},
        startedAt: at,
        updatedAt: at,
      }
    : {
        ...session,
        status: 'active',
        variables: { ...session.variables },
        retries: { ...session.retries },
        updatedAt: at,
      };
  delete current.endReason;
  if (entry.restart) {
    delete current.pending;
    delete current.stack;
  }
  const text = incomingText(event);
  if (text !== null) current.lastMessage = text;

  const finish = (status: Session['status'], nodeId: string | null): StepResult => ({
    session: { ...current, status, nodeId },
    effects,
    log,
  });
  const fail = (nodeId: string, code: RuntimeErrorCode, message: string) => {
    log.push({ nodeId, type: 'error', outcome: `error: ${message}`, at });
    effects.push({ type: 'error', code, nodeId, message }, { type: 'end' });
    return finish('ended', nodeId);
  };

  const budget = context.stepBudget ?? DEFAULT_STEP_BUDGET;
  let nodeId = entry.nodeId;
  let resume = entry.resume;
  for (let steps = 0; ; steps++) {
    if (steps >= budget) {
      return fail(
        nodeId,
        'step_budget_exceeded',
        `step budget of ${budget} blocks exceeded in one turn (a loop without a waiting block?) before "${nodeId}"`,
      );
    }
    const node = compiled.nodes.get(nodeId);
    if (node === undefined)
      return fail(nodeId, 'unknown_node', `node "${nodeId}" is not in the flow`);
    if (node === null)
      return fail(nodeId, 'invalid_block', `node "${nodeId}" has invalid data; validate the flow`);
    const result: BlockResult = executeBlock(node, {
      nodeId,
      resume,
      retries: current.retries[nodeId] ?? 0,
      now: at,
      scope: scopeOf(compiled, current, context),
      callId: `${nodeId}:${String(at)}:${String(steps)}`,
    });
    resume = null;
    current = apply(compiled, current, nodeId, result, effects);
    const outcome = result.outcome ?? (result.end ? 'end' : (result.goto ?? result.next ?? 'wait'));
    log.push({ nodeId, type: node.type, outcome, at });
    effects.push(...(result.effects ?? []));

    if (result.end === true) {
      if (result.endReason === 'handover') {
        current.endReason = 'handover';
        return finish('ended', nodeId);
      }
      effects.push({ type: 'end' });
      return finish('ended', nodeId);
    }
    if (result.goto !== undefined) {
      nodeId = result.goto;
      continue;
    }
    if (result.call !== undefined) {
      const stack = current.stack ?? [];
      if (stack.length >= MAX_SUBFLOW_DEPTH) {
        return fail(
          nodeId,
          'subflow_depth_exceeded',
          `sub-flows nested deeper than ${String(MAX_SUBFLOW_DEPTH)} at "${nodeId}"`,
        );
      }
      current.stack = [...stack, nodeId];
      nodeId = result.call;
      continue;
    }
    if (result.next === null) return finish('waiting', nodeId);
    let target = compiled.edges.get(edgeKey(nodeId, result.next));
    // A sub-flow whose path runs out returns to the Flow block that called it.
    while (target === undefined && current.stack !== undefined && current.stack.length > 0) {
      const caller = current.stack[current.stack.length - 1] ?? '';
      current.stack = current.stack.slice(0, -1);
      log.push({ nodeId, type: node.type, outcome: `return to "${caller}"`, at });
      target = compiled.edges.get(edgeKey(caller, 'next'));
    }
    if (target === undefined) {
      log.push({ nodeId, type: node.type, outcome: `end: no edge from "${result.next}"`, at });
      effects.push({ type: 'end' });
      return finish('ended', nodeId);
    }
    nodeId = target;
  }
}

/** Applies a block's variable writes and retry count; contact-scoped writes also persist. */
function apply(
  compiled: CompiledFlow,
  session: Session,
  nodeId: string,
  result: BlockResult,
  effects: Effect[],
): Session {
  for (const [name, value] of Object.entries(result.variables ?? {})) {
    session.variables[name] = value;
    const scope = compiled.variables.get(name)?.scope;
    if (scope === 'contact') effects.push({ type: 'set_contact_variable', name, value });
    if (scope === 'global') effects.push({ type: 'set_global_variable', name, value });
  }
  const parks =
    result.next === null &&
    result.goto === undefined &&
    result.call === undefined &&
    result.end !== true;
  if (parks) {
    session.retries[nodeId] = result.retries ?? session.retries[nodeId] ?? 0;
    for (const effect of result.effects ?? []) {
      if (effect.type === 'call') session.pending = { nodeId, callId: effect.callId };
    }
    return session;
  }
  // Leaving the node forgets its retries and any call it awaited, so a later visit starts afresh.
  const retries = Object.fromEntries(
    Object.entries(session.retries).filter(([id]) => id !== nodeId),
  );
  const left: Session = { ...session, retries };
  if (left.pending?.nodeId === nodeId) delete left.pending;
  return left;
}
