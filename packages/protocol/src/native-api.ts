import { z } from 'zod';

/**
 * Wire shapes of the native API that the web app and widget share with the server.
 * The canonical message model joins them here (DESIGN.md §2).
 */
export const nativeErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.array(z.string()), message: z.string() })).optional(),
    details: z.record(z.string(), z.unknown()).optional(),
    request_id: z.string(),
  }),
});
export type NativeErrorBody = z.infer<typeof nativeErrorBody>;

export const sessionTokens = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number(),
  refresh_token: z.string(),
  user_id: z.number(),
  account_id: z.number(),
});
export type SessionTokens = z.infer<typeof sessionTokens>;
