import type { ErrorDialect } from './dialect.js';

/**
 * The native API's envelope: `{"error": {"code", "message", "issues"?, "request_id"}}`
 * with the catalog's status.
 */
export const nativeErrors: ErrorDialect = {
  name: 'native',
  toResponse({ error, issues }, requestId) {
    return {
      status: error.status,
      body: {
        error: {
          code: error.code,
          message: error.message,
          ...(issues.length > 0
            ? { issues: issues.map(({ path, message }) => ({ path, message })) }
            : {}),
          ...(Object.keys(error.details).length > 0 ? { details: error.details } : {}),
          request_id: requestId,
        },
      },
    };
  },
};
