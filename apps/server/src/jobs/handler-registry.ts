import type { JobName } from './job-types.js';
import type { JobContext, JobDefinition, JobEvents } from './queue.js';

type Runner = (rawPayload: unknown, context: JobContext) => Promise<void>;

export class UnknownJobError extends Error {
  override readonly name = 'UnknownJobError';
}

/** Maps job names to handlers; shared by both queue backends. */
export class HandlerRegistry {
  readonly #runners = new Map<string, Runner>();

  constructor(private readonly events: JobEvents = {}) {}

  register<N extends JobName>(definition: JobDefinition<N>): void {
    if (this.#runners.has(definition.name))
      throw new Error(`Job ${definition.name} is registered twice`);
    this.#runners.set(definition.name, (rawPayload, context) =>
      definition.handle(definition.payload.parse(rawPayload), context),
    );
  }

  has(name: string): boolean {
    return this.#runners.has(name);
  }

  /** Runs one attempt; reports the outcome to the metrics hooks. */
  async run(name: string, rawPayload: unknown, context: JobContext): Promise<void> {
    const runner = this.#runners.get(name);
    if (runner === undefined) throw new UnknownJobError(`No handler is registered for job ${name}`);
    await runner(rawPayload, context);
  }

  completed(name: string): void {
    this.events.onCompleted?.(name);
  }

  failed(name: string, error: unknown, willRetry: boolean): void {
    this.events.onFailed?.(name, error, willRetry);
  }
}
