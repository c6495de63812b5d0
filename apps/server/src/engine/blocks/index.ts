import { z } from 'zod';
import type { BlockDefinition, BlockResult, ExecContext } from '../types.js';
import { buttonsBlock, type ButtonsData } from './buttons.js';
import { calendarBlock, type CalendarData } from './calendar.js';
import { carouselBlock, carouselWaits, type CarouselData } from './carousel.js';
import { catalogueBlock, type CatalogueData } from './catalogue.js';
import { collectFileBlock, type CollectFileData } from './collect-file.js';
import { conditionBlock, type ConditionData } from './condition.js';
import { delayBlock, type DelayData } from './delay.js';
import { endBlock, type EndData } from './end.js';
import { formBlock, type FormBlockData } from './form.js';
import { handoverBlock, type HandoverData } from './handover.js';
import { imageGalleryBlock, type ImageGalleryData } from './image-gallery.js';
import { inputBlock, type InputData } from './input.js';
import { jumpBlock, type JumpData } from './jump.js';
import { listBlock, type ListData } from './list.js';
import { messageBlock, type MessageData } from './message.js';
import { optionsBlock, type OptionsData } from './options.js';
import { setVariableBlock, type SetVariableData } from './set-variable.js';
import { sliderBlock, type SliderData } from './slider.js';
import { startBlock, type StartData } from './start.js';
import { whatsappFlowBlock, type WhatsappFlowData } from './whatsapp-flow.js';
import { webhookBlock, type WebhookData } from './webhook.js';
import { codeblockBlock, type CodeblockData } from './codeblock.js';
import { sendEmailBlock, type SendEmailData } from './send-email.js';
import { sendWhatsappBlock, sendSmsBlock, type NotifyData } from './notify.js';
import {
  answerAiBlock,
  aiAgentBlock,
  setAiBlock,
  type AiAgentData,
  type AnswerAiData,
  type SetAiData,
} from './ai.js';
import { sendStatusBlock, type SendStatusData } from './send-status.js';
import { javascriptBlock, type JavascriptData } from './javascript.js';
import { subflowBlock, type SubflowData } from './subflow.js';
import { dynamicDataBlock, type DynamicDataData } from './dynamic-data.js';

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
  options: OptionsData;
  list: ListData;
  carousel: CarouselData;
  image_gallery: ImageGalleryData;
  slider: SliderData;
  calendar: CalendarData;
  form: FormBlockData;
  collect_file: CollectFileData;
  whatsapp_flow: WhatsappFlowData;
  catalogue: CatalogueData;
  webhook: WebhookData;
  codeblock: CodeblockData;
  send_email: SendEmailData;
  send_whatsapp: NotifyData;
  send_sms: NotifyData;
  answer_ai: AnswerAiData;
  ai_agent: AiAgentData;
  set_ai: SetAiData;
  send_status: SendStatusData;
  javascript: JavascriptData;
  flow: SubflowData;
  dynamic_data: DynamicDataData;
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
  options: optionsBlock,
  list: listBlock,
  carousel: carouselBlock,
  image_gallery: imageGalleryBlock,
  slider: sliderBlock,
  calendar: calendarBlock,
  form: formBlock,
  collect_file: collectFileBlock,
  whatsapp_flow: whatsappFlowBlock,
  catalogue: catalogueBlock,
  webhook: webhookBlock,
  codeblock: codeblockBlock,
  send_email: sendEmailBlock,
  send_whatsapp: sendWhatsappBlock,
  send_sms: sendSmsBlock,
  answer_ai: answerAiBlock,
  ai_agent: aiAgentBlock,
  set_ai: setAiBlock,
  send_status: sendStatusBlock,
  javascript: javascriptBlock,
  flow: subflowBlock,
  dynamic_data: dynamicDataBlock,
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
  nodeOf('options'),
  nodeOf('list'),
  nodeOf('carousel'),
  nodeOf('image_gallery'),
  nodeOf('slider'),
  nodeOf('calendar'),
  nodeOf('form'),
  nodeOf('collect_file'),
  nodeOf('whatsapp_flow'),
  nodeOf('catalogue'),
  nodeOf('webhook'),
  nodeOf('codeblock'),
  nodeOf('send_email'),
  nodeOf('send_whatsapp'),
  nodeOf('send_sms'),
  nodeOf('answer_ai'),
  nodeOf('ai_agent'),
  nodeOf('set_ai'),
  nodeOf('send_status'),
  nodeOf('javascript'),
  nodeOf('flow'),
  nodeOf('dynamic_data'),
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
    case 'options':
      return optionsBlock.execute(node.data, ctx);
    case 'list':
      return listBlock.execute(node.data, ctx);
    case 'carousel':
      return carouselBlock.execute(node.data, ctx);
    case 'image_gallery':
      return imageGalleryBlock.execute(node.data, ctx);
    case 'slider':
      return sliderBlock.execute(node.data, ctx);
    case 'calendar':
      return calendarBlock.execute(node.data, ctx);
    case 'form':
      return formBlock.execute(node.data, ctx);
    case 'collect_file':
      return collectFileBlock.execute(node.data, ctx);
    case 'whatsapp_flow':
      return whatsappFlowBlock.execute(node.data, ctx);
    case 'catalogue':
      return catalogueBlock.execute(node.data, ctx);
    case 'webhook':
      return webhookBlock.execute(node.data, ctx);
    case 'codeblock':
      return codeblockBlock.execute(node.data, ctx);
    case 'send_email':
      return sendEmailBlock.execute(node.data, ctx);
    case 'send_whatsapp':
      return sendWhatsappBlock.execute(node.data, ctx);
    case 'send_sms':
      return sendSmsBlock.execute(node.data, ctx);
    case 'answer_ai':
      return answerAiBlock.execute(node.data, ctx);
    case 'ai_agent':
      return aiAgentBlock.execute(node.data, ctx);
    case 'set_ai':
      return setAiBlock.execute(node.data, ctx);
    case 'send_status':
      return sendStatusBlock.execute(node.data, ctx);
    case 'javascript':
      return javascriptBlock.execute(node.data, ctx);
    case 'flow':
      return subflowBlock.execute(node.data, ctx);
    case 'dynamic_data':
      return dynamicDataBlock.execute(node.data, ctx);
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
  // A carousel of link buttons only never parks: loop detection must not count it as a wait.
  const waits = node.type === 'carousel' ? carouselWaits(node.data) : definition.waits;
  return {
    waits,
    handles: definition.handles(data),
    reads: definition.reads(data),
    writes: definition.writes(data),
    targets: definition.targets(data),
  };
}
