import { z } from 'zod';
import { ChannelSendError } from '../../core/channels/channel-sender.js';

/** What a free-form message outside the window fails with (Parley's check and Meta's 131047). */
export const OUTSIDE_WINDOW_REASON =
  "Outside WhatsApp's 24-hour customer service window: send an approved template.";

/**
 * Graph error codes worth retrying: throttling (4, 80007, 130429, 131048, 131056) and
 * Meta's own transient failures (1, 2, 131000, 131016, 133004). Everything else — invalid
 * parameters (100, 131008, 131009), undeliverable (131026), re-engagement (131047),
 * template errors (132xxx), expired tokens (190), policy blocks — fails the same way again.
 */
const RETRYABLE_CODES = new Set([
  1, 2, 4, 17, 80007, 130429, 131000, 131016, 131048, 131056, 133004,
]);
/** Re-engagement: Cloud API 131047, on-premise 470. */
const WINDOW_CODES = new Set([131047, 470]);

const graphError = z.object({
  error: z.object({
    code: z.number().optional(),
    message: z.string().optional(),
    error_data: z.object({ details: z.string().optional() }).optional(),
  }),
});
const onPremiseErrors = z.object({
  errors: z
    .array(
      z.object({
        code: z.number().optional(),
        title: z.string().optional(),
        details: z.string().optional(),
      }),
    )
    .min(1),
});

interface ProviderError {
  readonly code: number | undefined;
  readonly message: string | undefined;
  readonly details: string | undefined;
}

function providerError(body: unknown): ProviderError | undefined {
  const graph = graphError.safeParse(body);
  if (graph.success) {
    const { code, message, error_data } = graph.data.error;
    return { code, message, details: error_data?.details };
  }
  const onPremise = onPremiseErrors.safeParse(body);
  const first = onPremise.success ? onPremise.data.errors[0] : undefined;
  return first === undefined
    ? undefined
    : { code: first.code, message: first.title, details: first.details };
}

/** A failed `/messages` answer as a ChannelSendError, retryable or not. */
export function sendErrorOf(provider: string, status: number, body: unknown): ChannelSendError {
  const error = providerError(body);
  if (error?.code !== undefined && WINDOW_CODES.has(error.code)) {
    return new ChannelSendError(OUTSIDE_WINDOW_REASON, false);
  }
  const retryable =
    status >= 500 ||
    status === 408 ||
    status === 429 ||
    (error?.code !== undefined && RETRYABLE_CODES.has(error.code));
  if (error === undefined) {
    return new ChannelSendError(`${provider} answered HTTP ${String(status)}`, retryable);
  }
  const code = error.code === undefined ? '' : ` ${String(error.code)}`;
  const details = error.details === undefined ? '' : ` (${error.details})`;
  return new ChannelSendError(
    `${provider} error${code}: ${error.message ?? `HTTP ${String(status)}`}${details}`,
    retryable,
  );
}
