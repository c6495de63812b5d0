import { z } from 'zod';
import { blockNodeSchema } from './blocks/index.js';
import { variableNameSchema, variableTypeSchema } from './variable-name.js';

/**
 * The flow document: exactly the shape the visual editor (React Flow) edits, so the editor
 * and the runtime share one format (DESIGN.md §5). `flowSchema` checks only the envelope and
 * keeps each node's `data` open, so that `validateFlow` can report a broken block by node id
 * instead of rejecting the whole document at the first bad node.
 */

export const variableScopeSchema = z.enum(['conversation', 'contact', 'global']);

export { variableNameSchema, variableTypeSchema };

export const flowVariableSchema = z.object({
  name: variableNameSchema,
  type: variableTypeSchema,
  scope: variableScopeSchema,
  default: z.unknown().optional(),
});

const position = z.object({ x: z.number(), y: z.number() });

export const flowNodeSchema = z.object({
  id: z.string().min(1).max(128),
  type: z.string().min(1),
  data: z.record(z.string(), z.unknown()).default({}),
  position,
});

export const flowEdgeSchema = z.object({
  id: z.string().min(1).max(128),
  source: z.string().min(1),
  /** React Flow writes null for a node's only (default) handle. */
  sourceHandle: z.string().nullable().optional(),
  target: z.string().min(1),
});

export const flowSchema = z.object({
  schemaVersion: z.literal(1),
  variables: z.array(flowVariableSchema).default([]),
  nodes: z.array(flowNodeSchema),
  edges: z.array(flowEdgeSchema).default([]),
});

export type Flow = z.infer<typeof flowSchema>;
export type FlowNode = Flow['nodes'][number];
export type FlowEdge = Flow['edges'][number];
export type FlowVariable = z.infer<typeof flowVariableSchema>;
export type { VariableType } from './variable-name.js';

/**
 * The published JSON Schema (`/schemas/flow.json`). Unlike `flowSchema` it spells out every
 * block's `data`, with the editor metadata (`label`, `help`, `kind`) of each field, so that
 * an editor or an external tool can validate and render forms from this one document.
 */
export function flowJsonSchema(): Record<string, unknown> {
  const published = flowSchema.extend({
    nodes: z.array(z.intersection(blockNodeSchema, z.object({ id: z.string(), position }))),
  });
  return z.toJSONSchema(published, {
    target: 'draft-2020-12',
    unrepresentable: 'any',
    io: 'input',
  });
}
