/**
 * Every job name and its payload. Modules add their own jobs by augmenting this
 * interface (`declare module '…/jobs/job-types.js'`), so `enqueue` and handlers are
 * type-checked end to end without a central switch.
 */
export interface JobTypes {
  /** Deliver one outbound message through its channel's sender. */
  'message.send': { readonly accountId: number; readonly messageId: number };
  /** A provider-side status change to apply later (the sandbox reports delivery this way). */
  'message.status': {
    readonly accountId: number;
    readonly messageId: number;
    readonly status: 'sent' | 'delivered' | 'read' | 'failed';
  };
  /** Fires when an SLA clock runs out; re-evaluates it and records a breach once. */
  'sla.check': {
    readonly accountId: number;
    readonly conversationId: number;
    readonly kind: 'first_response' | 'next_response' | 'resolution';
    readonly dueAt: number;
  };
  'mail.send': {
    readonly to: string;
    readonly subject: string;
    readonly text: string;
    readonly html?: string;
  };
}

export type JobName = Extract<keyof JobTypes, string>;
