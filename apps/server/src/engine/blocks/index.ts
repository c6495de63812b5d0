import { z } from 'zod';
import type { BlockDefinition, BlockResult, ExecContext } from '../types.js';
import { buttonsBlock, type ButtonsData } from './buttons.js';
import { conditionBlock, type ConditionData } from './condition.js';
import { delayBlock, type DelayData } from './delay.js';
import { endBlock, type EndData } from './end.js';
import { handoverBlock, type HandoverData } from './handover.js';
import { inputBlock, type InputData } from './input.js';
import { jumpBlock, type JumpData } from './jump.js';
import { messageBlock, type MessageData } from './message.js';
import { setVariableBlock, type SetVariableData } from './set-variable.js';
import { startBlock, type StartData } from './start.js';

/** Each block type and the (parsed) type of its `data`. Adding a block starts here. */
export interface BlockDataMap {
  start: StartData;
  message: MessageData;
  input: InputData;
  buttons: ButtonsData;
  condition: ConditionData;
  set_variable: SetVariableData;
  jump: JumpData;
  delay: DelayData;
  handover: HandoverData;
  end: EndData;
}
export type BlockType = keyof BlockDataMap;

/** The registry: a mapped type, so a missing or mistyped block is a compile error. */
export const blocks: { [K in BlockType]: BlockDefinition<BlockDataMap[K]> } = {
  start: startBlock,
  message: messageBlock,
  input: inputBlock,
  buttons: buttonsBlock,
  condition: conditionBlock,
  set_variable: setVariableBlock,
  jump: jumpBlock,
  delay: delayBlock,
  handover: handoverBlock,
  end: endBlock,
};

export const blockTypes = Object.keys(blocks).filter(isBlockType);

export function isBlockType(type: string): type is BlockType {
  return Object.hasOwn(blocks, type);
}

/** A node whose data has been parsed by its block's schema. */
export type BlockNode = { [K in BlockType]: { type: K; data: BlockDataMap[K] } }[BlockType];

const nodeOf = <K extends BlockType>(type: K) =>
  z.object({ type: z.literal(type), data: blocks[type].data });

/** `{ type, data }` of any block, checked against that block's data schema. */
export const blockNodeSchema = z.discriminatedUnion('type', [
  nodeOf('start'),
  nodeOf('message'),
  nodeOf('input'),
  nodeOf('buttons'),
  nodeOf('condition'),
  nodeOf('set_variable'),
  nodeOf('jump'),
  nodeOf('delay'),
  nodeOf('handover'),
  nodeOf('end'),
]);

/** The definition of a parsed node, typed by its block (TS correlated-union pattern). */
export function definitionOf<K extends BlockType>(node: {
  type: K;
  data: BlockDataMap[K];
}): { definition: BlockDefinition<BlockDataMap[K]>; data: BlockDataMap[K] } {
  return { definition: blocks[node.type], data: node.data };
}

function assertNever(value: never): never {
  throw new Error(`unhandled block ${JSON.stringify(value)}`);
}

/** Runs one block: an exhaustive switch, so a new block type must be wired in here. */
export function executeBlock(node: BlockNode, ctx: ExecContext): BlockResult {
  switch (node.type) {
    case 'start':
      return startBlock.execute(node.data, ctx);
    case 'message':
      return messageBlock.execute(node.data, ctx);
    case 'input':
      return inputBlock.execute(node.data, ctx);
    case 'buttons':
      return buttonsBlock.execute(node.data, ctx);
    case 'condition':
      return conditionBlock.execute(node.data, ctx);
    case 'set_variable':
      return setVariableBlock.execute(node.data, ctx);
    case 'jump':
      return jumpBlock.execute(node.data, ctx);
    case 'delay':
      return delayBlock.execute(node.data, ctx);
    case 'handover':
      return handoverBlock.execute(node.data, ctx);
    case 'end':
      return endBlock.execute(node.data, ctx);
    default:
      return assertNever(node);
  }
}

export interface BlockFacts {
  waits: boolean;
  handles: string[];
  reads: ReturnType<BlockDefinition<unknown>['reads']>;
  writes: string[];
  targets: string[];
}

/** The static facts validation needs about a parsed node. */
export function blockFacts(node: BlockNode): BlockFacts {
  const { definition, data } = definitionOf(node);
  return {
    waits: definition.waits,
    handles: definition.handles(data),
    reads: definition.reads(data),
    writes: definition.writes(data),
    targets: definition.targets(data),
  };
}
