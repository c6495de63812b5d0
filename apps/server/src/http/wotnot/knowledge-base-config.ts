import { z } from 'zod';
import { wotnotErrorsFor } from './wotnot-errors.js';
import { numericId, wotnotErrorResponse } from './wotnot-schemas.js';

/** What every WotNot AI studio route shares: tag, error dialect, auth, error responses. */
export const KB_TAGS = ['WotNot: AI studio'];

/** The AI studio pages spell the not-found message without a full stop. */
const KB_ERRORS = wotnotErrorsFor({
  overrides: { RESOURCE_NOT_FOUND: { message: 'Resource not found' } },
});

/** Most AI studio routes document JWT_SIGNATURE_EXCEPTION for a bad token. */
export const KB_ROUTE = {
  errors: KB_ERRORS,
  auth: {
    mode: 'principal',
    permission: 'ai_studio.full_access',
    unauthorizedCode: 'JWT_SIGNATURE_EXCEPTION',
  },
} as const;

/** The delete route's documented 401 is the plain UNAUTHORIZED one. */
export const KB_DELETE_ROUTE = {
  errors: KB_ERRORS,
  auth: { mode: 'principal', permission: 'ai_studio.full_access' },
} as const;

export const kbErrorResponses = {
  400: wotnotErrorResponse,
  401: wotnotErrorResponse,
  403: wotnotErrorResponse,
  404: wotnotErrorResponse,
};

export const kbParams = z.object({ knowledge_base_id: numericId });
