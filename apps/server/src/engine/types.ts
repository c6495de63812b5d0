import type { MessageContent } from '@parley/protocol';
import type { z } from 'zod';
import type { ExternalCall } from './external-call.js';
import type { WebVisit } from './blocks/start.js';
import type { TemplateScope } from './template.js';

export type { ExternalCall, HttpCallRequest } from './external-call.js';

/** What a call produced: `value` is the call kind's result (an HTTP response, code output…). */
export type CallResult = { ok: true; value: unknown } | { ok: false; error: string };

/** What an `http` call resolves to. */
export interface HttpCallResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What wakes the runtime: a (re)start, a contact's message, a due timer, a call's result or a handback. */
export type FlowEvent =
  | { type: 'start'; visit?: WebVisit }
  | { type: 'message'; content: MessageContent }
  | { type: 'timer'; nodeId: string }
  | { type: 'call_result'; nodeId: string; callId: string; result: CallResult }
  | { type: 'handback' };

/**
 * What the caller must do after a turn. The engine never performs I/O itself: sending,
 * scheduling, assigning and persisting contact fields are the caller's effect handlers.
 */
export type Effect =
  | { type: 'send'; content: MessageContent }
  | { type: 'timer'; nodeId: string; at: number }
  | { type: 'call'; nodeId: string; callId: string; call: ExternalCall; timeoutMs: number }
  | {
      type: 'handover';
      teamId?: string;
      userId?: string;
      message?: string;
      /** Sent when the team has no agent online and under capacity. */
      unavailableMessage?: string;
    }
  | { type: 'set_contact_variable'; name: string; value: unknown }
  | { type: 'set_global_variable'; name: string; value: unknown }
  | {
      type: 'set_status';
      status?: 'open' | 'pending' | 'closed';
      addLabels?: string[];
      removeLabels?: string[];
    }
  | { type: 'client_action'; action: { type: 'javascript'; code: string } }
  | { type: 'end' }
  | { type: 'error'; code: RuntimeErrorCode; nodeId: string | null; message: string };

export type RuntimeErrorCode =
  'step_budget_exceeded' | 'subflow_depth_exceeded' | 'unknown_node' | 'invalid_block';

/** What an executor sees: its node, how it was reached, and read access to variables. */
export interface ExecContext {
  nodeId: string;
  /** The event that resumes this (waiting) node; null when the flow just arrived here. */
  resume: FlowEvent | null;
  /** How many times this node has re-asked already (input and buttons retries). */
  retries: number;
  now: number;
  scope: TemplateScope;
  /** The id a `call` effect from this visit must carry; its `call_result` echoes it. */
  callId: string;
}

/**
 * What an executor returns. `next` is the output handle to follow, or null to park the
 * session at this node until the next event. `goto` (jump) and `end` override `next`.
 */
export interface BlockResult {
  next: string | null;
  outcome?: string;
  effects?: Effect[];
  /** Variable writes, by name; the runtime also persists contact-scoped ones. */
  variables?: Record<string, unknown>;
  /** The node's new retry count; the runtime forgets it once the flow leaves the node. */
  retries?: number;
  goto?: string;
  /** Calls the sub-flow starting at this node; the flow comes back on this node's "next". */
  call?: string;
  end?: boolean;
  /** Set by blocks that end the bot but may resume on a handback (handover). */
  endReason?: 'handover';
}

/** A place in a block's data that reads variables (templates, condition operands). */
export interface VariableUse {
  path: (string | number)[];
  /** A template, or for `kind: 'path'` a bare variable path such as `contact.name`. */
  text: string;
  kind: 'template' | 'path';
}

export interface BlockDefinition<D> {
  type: string;
  label: string;
  /** The `data` schema; its fields carry `.meta({ label, help, kind })` for the editor. */
  data: z.ZodType<D>;
  /** Whether the block can park the session (it breaks loops for `loop_without_wait`). */
  waits: boolean;
  /** The output handles an edge may leave from (`sourceHandle`); the first is the default. */
  handles(data: D): string[];
  reads(data: D): VariableUse[];
  writes(data: D): string[];
  /** Node ids the block transfers to without an edge (jump). */
  targets(data: D): string[];
  execute(data: D, ctx: ExecContext): BlockResult;
}
