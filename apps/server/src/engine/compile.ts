import { blockFacts, blockNodeSchema, type BlockNode } from './blocks/index.js';
import type { Flow, FlowVariable } from './flow.js';

/** A flow prepared for running: nodes parsed once, edges indexed by `source/handle`. */
export interface CompiledFlow {
  kind: 'compiled';
  flow: Flow;
  nodes: Map<string, BlockNode | null>;
  edges: Map<string, string>;
  startId: string | null;
  variables: Map<string, FlowVariable>;
}

export const edgeKey = (source: string, handle: string): string => `${source}\u0000${handle}`;

/** Parses every node once; a node whose data is invalid is kept as null (an error if reached). */
export function compileFlow(flow: Flow): CompiledFlow {
  const nodes = new Map<string, BlockNode | null>();
  for (const node of flow.nodes) {
    const parsed = blockNodeSchema.safeParse({ type: node.type, data: node.data });
    nodes.set(node.id, parsed.success ? parsed.data : null);
  }
  const edges = new Map<string, string>();
  for (const edge of flow.edges) {
    // React Flow stores null for a node's default handle: the block's first one.
    const source = nodes.get(edge.source);
    const fallback = source ? blockFacts(source).handles[0] : undefined;
    const handle = edge.sourceHandle ?? fallback;
    if (handle !== undefined) edges.set(edgeKey(edge.source, handle), edge.target);
  }
  const start = flow.nodes.find((node) => node.type === 'start');
  return {
    kind: 'compiled',
    flow,
    nodes,
    edges,
    startId: start?.id ?? null,
    variables: new Map(flow.variables.map((variable) => [variable.name, variable])),
  };
}
