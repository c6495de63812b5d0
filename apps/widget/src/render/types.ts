import type { MessageContent, WidgetAppearance } from '@parley/protocol';
import type { MessageActions } from './contract.js';

/** One member of the content union, by its `type`. */
export type ContentOf<T extends MessageContent['type']> = Extract<MessageContent, { type: T }>;

/** What every content renderer receives from `MessageView`. */
export interface PartProps<T extends MessageContent['type']> {
  readonly content: ContentOf<T>;
  readonly active: boolean;
  readonly actions: MessageActions;
  readonly appearance: WidgetAppearance;
}
