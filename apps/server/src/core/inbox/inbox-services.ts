import type { Runtime } from '../../runtime.js';
import { InboxActions } from './inbox-actions.js';
import { InboxLabels } from './inbox-labels.js';
import { InboxNotes } from './inbox-notes.js';
import { InboxQueries } from './inbox-queries.js';
import { InboxSavedReplies } from './inbox-saved-replies.js';

export interface InboxServices {
  readonly queries: InboxQueries;
  readonly actions: InboxActions;
  readonly notes: InboxNotes;
  readonly labels: InboxLabels;
  readonly savedReplies: InboxSavedReplies;
}

/** The inbox's services, built from the runtime's context and conversations service. */
export function createInboxServices({ context, services }: Runtime): InboxServices {
  return {
    queries: new InboxQueries(context.db),
    actions: new InboxActions(context.db, services.conversations),
    notes: new InboxNotes(context),
    labels: new InboxLabels(context),
    savedReplies: new InboxSavedReplies(context.db),
  };
}
