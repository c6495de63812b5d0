/**
 * Every job name and its payload. Modules add their own jobs by augmenting this
 * interface (`declare module '…/jobs/job-types.js'`), so `enqueue` and handlers are
 * type-checked end to end without a central switch.
 */
export interface JobTypes {
  'mail.send': {
    readonly to: string;
    readonly subject: string;
    readonly text: string;
    readonly html?: string;
  };
}

export type JobName = Extract<keyof JobTypes, string>;
