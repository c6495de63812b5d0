import { z } from 'zod';
import { render } from '../template.js';
import type { BlockDefinition, BlockResult, Effect, ExecContext, VariableUse } from '../types.js';
import { minutesOf, TIME, WEEKDAYS } from './calendar.js';
import { field, none, templateText, templateUse } from './common.js';
import { isTimeZone, localTime, weekdayOf } from './zoned-time.js';

const officeHours = z
  .object({
    timezone: field(z.string().min(1).max(64).default('UTC'), { label: 'Time zone', kind: 'text' }),
    weekdays: field(z.array(z.enum(WEEKDAYS)).min(1).max(7), { label: 'Days', kind: 'select' }),
    from: field(z.string().regex(TIME, 'a time HH:mm'), { label: 'From', kind: 'text' }),
    until: field(z.string().regex(TIME, 'a time HH:mm'), { label: 'Until', kind: 'text' }),
  })
  .refine((hours) => isTimeZone(hours.timezone), {
    message: 'unknown time zone',
    path: ['timezone'],
  })
  .refine((hours) => minutesOf(hours.from) < minutesOf(hours.until), {
    message: '"from" must be before "until"',
    path: ['until'],
  });

export const handoverData = z.object({
  teamId: field(z.string().min(1).optional(), { label: 'Team', kind: 'select' }),
  userId: field(z.string().min(1).optional(), { label: 'Agent', kind: 'select' }),
  message: templateText(
    'Message to the contact',
    'Sent when the conversation is handed over.',
  ).optional(),
  officeHours: field(officeHours, {
    label: 'Office hours',
    kind: 'list',
    help: 'Outside these hours nobody is handed the conversation: the "offline" edge is taken.',
  }).optional(),
  offlineMessage: templateText('Message outside office hours').optional(),
  unavailableMessage: templateText(
    'Message when nobody is available',
    'Sent when no agent of the team is online and under capacity; the conversation waits in the inbox.',
  ).optional(),
});
export type HandoverData = z.infer<typeof handoverData>;

function withinOfficeHours(hours: z.infer<typeof officeHours>, now: number): boolean {
  const local = localTime(now, hours.timezone);
  const day = WEEKDAYS[weekdayOf(local)];
  const minute = local.hour * 60 + local.minute;
  return (
    day !== undefined &&
    hours.weekdays.includes(day) &&
    minute >= minutesOf(hours.from) &&
    minute < minutesOf(hours.until)
  );
}

function execute(data: HandoverData, ctx: ExecContext): BlockResult {
  if (ctx.resume?.type === 'handback') return { next: 'handback' };
  if (data.officeHours !== undefined && !withinOfficeHours(data.officeHours, ctx.now)) {
    const text = data.offlineMessage === undefined ? '' : render(data.offlineMessage, ctx.scope);
    return {
      next: 'offline',
      outcome: 'offline: outside office hours',
      ...(text === '' ? {} : { effects: [{ type: 'send', content: { type: 'text', text } }] }),
    };
  }
  const effect: Effect = { type: 'handover' };
  if (data.teamId !== undefined) effect.teamId = data.teamId;
  if (data.userId !== undefined) effect.userId = data.userId;
  if (data.message !== undefined) effect.message = render(data.message, ctx.scope);
  if (data.unavailableMessage !== undefined) {
    effect.unavailableMessage = render(data.unavailableMessage, ctx.scope);
  }
  return { next: null, end: true, endReason: 'handover', effects: [effect] };
}

function reads(data: HandoverData): VariableUse[] {
  const uses: VariableUse[] = [];
  if (data.message !== undefined) uses.push(templateUse(['message'], data.message));
  if (data.offlineMessage !== undefined) {
    uses.push(templateUse(['offlineMessage'], data.offlineMessage));
  }
  if (data.unavailableMessage !== undefined) {
    uses.push(templateUse(['unavailableMessage'], data.unavailableMessage));
  }
  return uses;
}

export const handoverBlock: BlockDefinition<HandoverData> = {
  type: 'handover',
  label: 'Talk to human',
  data: handoverData,
  // Not a wait: the bot ends here. A handback resumes it on the optional "handback" edge.
  waits: false,
  handles: () => ['handback', 'offline'],
  reads,
  writes: none,
  targets: none,
  execute,
};
