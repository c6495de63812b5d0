import type { z } from 'zod';
import { blockFacts, blockNodeSchema, isBlockType, type BlockFacts } from './blocks/index.js';
import { flowSchema, type Flow } from './flow.js';
import { FILTERS, NAMESPACES, templateReferences } from './template.js';

export type FlowProblemCode =
  | 'unknown_block'
  | 'invalid_data'
  | 'dangling_edge'
  | 'unreachable'
  | 'no_start'
  | 'multiple_starts'
  | 'unknown_handle'
  | 'undefined_variable'
  | 'loop_without_wait'
  | 'invalid_flow';

/**
 * One problem. `path` is relative to the node when `nodeId` is set (e.g. `['data',
 * 'pattern']`, `['edges', 'e3']`), and relative to the flow document otherwise.
 */
export interface FlowProblem {
  nodeId: string | null;
  path: (string | number)[];
  code: FlowProblemCode;
  message: string;
}

export type FlowValidation = { ok: true; flow: Flow } | { ok: false; problems: FlowProblem[] };

function fromZod(
  issues: readonly z.core.$ZodIssue[],
  code: FlowProblemCode,
  nodeId: string | null,
  prefix: (string | number)[],
): FlowProblem[] {
  return issues.map((issue) => {
    const path = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
    return { nodeId, path, code, message: `${path.join('.') || 'flow'}: ${issue.message}` };
  });
}

/** The node an envelope issue belongs to, when its path points into `nodes[i]`. */
function envelopeProblems(input: unknown, issues: readonly z.core.$ZodIssue[]): FlowProblem[] {
  const nodes: unknown =
    typeof input === 'object' && input !== null ? Reflect.get(input, 'nodes') : null;
  return issues.flatMap((issue) => {
    const [first, index, ...rest] = issue.path;
    const raw: unknown = Array.isArray(nodes) && typeof index === 'number' ? nodes[index] : null;
    const id: unknown = typeof raw === 'object' && raw !== null ? Reflect.get(raw, 'id') : null;
    if (first === 'nodes' && typeof id === 'string') {
      return fromZod([{ ...issue, path: rest }], 'invalid_flow', id, []);
    }
    return fromZod([issue], 'invalid_flow', null, []);
  });
}

/** Validates a flow document and reports every problem found, each naming its node. */
export function validateFlow(input: unknown): FlowValidation {
  const envelope = flowSchema.safeParse(input);
  if (!envelope.success)
    return { ok: false, problems: envelopeProblems(input, envelope.error.issues) };
  const flow = envelope.data;
  const problems: FlowProblem[] = [];
  const facts = new Map<string, BlockFacts>();
  const ids = new Set<string>();

  for (const node of flow.nodes) {
    if (ids.has(node.id)) {
      problems.push({
        nodeId: node.id,
        path: ['id'],
        code: 'invalid_flow',
        message: `duplicate node id "${node.id}"`,
      });
    }
    ids.add(node.id);
    if (!isBlockType(node.type)) {
      problems.push({
        nodeId: node.id,
        path: ['type'],
        code: 'unknown_block',
        message: `unknown block type "${node.type}"`,
      });
      continue;
    }
    const parsed = blockNodeSchema.safeParse({ type: node.type, data: node.data });
    if (!parsed.success) {
      problems.push(...fromZod(parsed.error.issues, 'invalid_data', node.id, []));
      continue;
    }
    facts.set(node.id, blockFacts(parsed.data));
  }

  const starts = flow.nodes.filter((node) => node.type === 'start');
  if (starts.length === 0) {
    problems.push({
      nodeId: null,
      path: ['nodes'],
      code: 'no_start',
      message: 'the flow has no start block',
    });
  }
  for (const extra of starts.slice(1)) {
    problems.push({
      nodeId: extra.id,
      path: ['type'],
      code: 'multiple_starts',
      message: `a second start block (the first is "${starts[0]?.id ?? ''}")`,
    });
  }

  // Successors, through edges and jump targets; the graph checks below walk it.
  const next = new Map<string, string[]>(flow.nodes.map((node) => [node.id, []]));
  for (const edge of flow.edges) {
    const from = ids.has(edge.source) ? edge.source : null;
    if (from === null || !ids.has(edge.target)) {
      const missing = from === null ? `source "${edge.source}"` : `target "${edge.target}"`;
      problems.push({
        nodeId: from,
        path: from === null ? ['edges', edge.id] : ['edges', edge.id, 'target'],
        code: 'dangling_edge',
        message: `edge "${edge.id}" has no ${missing}`,
      });
      continue;
    }
    next.get(from)?.push(edge.target);
    const handles = facts.get(from)?.handles;
    const handle = edge.sourceHandle ?? null;
    if (handles !== undefined && handle !== null && !handles.includes(handle)) {
      problems.push({
        nodeId: from,
        path: ['edges', edge.id, 'sourceHandle'],
        code: 'unknown_handle',
        message: `edge "${edge.id}" leaves from handle "${handle}", which this block does not have (${handles.join(', ') || 'none'})`,
      });
    }
    if (handles?.length === 0) {
      problems.push({
        nodeId: from,
        path: ['edges', edge.id],
        code: 'unknown_handle',
        message: `edge "${edge.id}" leaves a block that has no outputs`,
      });
    }
  }
  for (const [id, fact] of facts) {
    for (const [i, target] of fact.targets.entries()) {
      if (ids.has(target)) next.get(id)?.push(target);
      else
        problems.push({
          nodeId: id,
          path: ['data', 'target'],
          code: 'invalid_data',
          message: `jump target "${target}" (#${i + 1}) is not a node of this flow`,
        });
    }
  }

  const first = starts[0];
  if (first !== undefined) {
    const seen = new Set<string>([first.id]);
    const queue = [first.id];
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      for (const target of next.get(id) ?? []) {
        if (seen.has(target)) continue;
        seen.add(target);
        queue.push(target);
      }
    }
    for (const node of flow.nodes) {
      if (!seen.has(node.id) && node.type !== 'start') {
        problems.push({
          nodeId: node.id,
          path: [],
          code: 'unreachable',
          message: 'no path from the start block reaches this node',
        });
      }
    }
  }

  problems.push(...variableProblems(flow, facts), ...loopProblems(flow, facts, next));
  return problems.length === 0 ? { ok: true, flow } : { ok: false, problems };
}

function variableProblems(flow: Flow, facts: Map<string, BlockFacts>): FlowProblem[] {
  const known = new Set(flow.variables.map((variable) => variable.name));
  for (const fact of facts.values()) for (const name of fact.writes) known.add(name);
  const namespaces: readonly string[] = NAMESPACES;
  const filters: readonly string[] = FILTERS;
  const problems: FlowProblem[] = [];
  for (const [nodeId, fact] of facts) {
    for (const use of fact.reads) {
      const refs =
        use.kind === 'path'
          ? [{ path: use.text.split('.'), filters: [] }]
          : templateReferences(use.text);
      for (const ref of refs) {
        const root = ref.path[0];
        if (root === undefined) {
          problems.push({
            nodeId,
            path: ['data', ...use.path],
            code: 'invalid_data',
            message: 'an empty {{ }} expression',
          });
        } else if (!namespaces.includes(root) && !known.has(root)) {
          problems.push({
            nodeId,
            path: ['data', ...use.path],
            code: 'undefined_variable',
            message: `variable "${root}" is neither declared nor set by any block`,
          });
        }
        for (const filter of ref.filters.filter((name) => !filters.includes(name))) {
          problems.push({
            nodeId,
            path: ['data', ...use.path],
            code: 'invalid_data',
            message: `unknown template filter "${filter}"`,
          });
        }
      }
    }
  }
  return problems;
}

/**
 * Cycles made only of blocks that never wait would spin until the step budget stops them.
 * Finds them by depth-first search over the non-waiting subgraph; each cycle is reported
 * once, on its first node in document order. Unparsed nodes are left out (already reported).
 */
function loopProblems(
  flow: Flow,
  facts: Map<string, BlockFacts>,
  next: Map<string, string[]>,
): FlowProblem[] {
  const runs = (id: string): boolean => facts.get(id)?.waits === false;
  const state = new Map<string, 'open' | 'done'>();
  const problems: FlowProblem[] = [];
  const reported = new Set<string>();
  const visit = (id: string, stack: string[]): void => {
    state.set(id, 'open');
    stack.push(id);
    for (const target of next.get(id) ?? []) {
      if (!runs(target)) continue;
      if (state.get(target) === 'open') {
        const cycle = stack.slice(stack.indexOf(target));
        const key = [...cycle].sort().join('\u0000');
        if (!reported.has(key)) {
          reported.add(key);
          problems.push({
            nodeId: target,
            path: [],
            code: 'loop_without_wait',
            message: `loop without a waiting block: ${[...cycle, target].join(' → ')}`,
          });
        }
      } else if (!state.has(target)) visit(target, stack);
    }
    stack.pop();
    state.set(id, 'done');
  };
  for (const node of flow.nodes) if (runs(node.id) && !state.has(node.id)) visit(node.id, []);
  return problems;
}
