import { demoBots } from '../../engine/demo/demo.js';
import { DomainError } from '../errors/domain-error.js';

/** The flow a new bot starts from: a start block and nothing else. */
export const EMPTY_FLOW = {
  schemaVersion: 1,
  variables: [],
  nodes: [{ id: 'start', type: 'start', data: {}, position: { x: 0, y: 0 } }],
  edges: [],
};

/** A flow one can create a bot from (the builder's "new bot" gallery). */
export interface BotTemplate {
  /** Stable and URL-safe: `empty`, `lead-capture`. */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly flow: unknown;
}

const DESCRIPTIONS: Readonly<Record<string, string>> = {
  'lead-capture':
    'Greets the visitor, collects name, e-mail and phone, answers a small FAQ menu and hands over to the "Support" team.',
};

let cached: readonly BotTemplate[] | undefined;

/**
 * The empty bot first, then the demo bots that ship with Parley. The demo flows are files
 * read once per process: they only change with a new release.
 */
export function botTemplates(): readonly BotTemplate[] {
  cached ??= [
    {
      id: 'empty',
      title: 'Empty bot',
      description: 'A start block and nothing else.',
      flow: EMPTY_FLOW,
    },
    ...demoBots().map((demo) => ({
      id: demo.name,
      title: demo.title,
      description: DESCRIPTIONS[demo.name] ?? demo.title,
      flow: demo.flow,
    })),
  ];
  return cached;
}

export function botTemplate(id: string): BotTemplate {
  const template = botTemplates().find((candidate) => candidate.id === id);
  if (template === undefined) throw new DomainError('BOT_TEMPLATE_NOT_FOUND');
  return template;
}
