/**
 * The one catalog of domain errors. Each code has an HTTP status and a default message
 * (the seeds' own wording where they give one). Services throw `DomainError(code)`;
 * each API dialect maps a code to its envelope in exactly one place (its error mapper).
 */
export const errorCatalog = {
  BAD_REQUEST: { status: 400, message: 'The request is invalid.' },
  VALIDATION_FAILED: { status: 400, message: 'The request body is invalid.' },
  UNAUTHORIZED: { status: 401, message: 'Invalid token. Provide the valid account token.' },
  JWT_SIGNATURE_EXCEPTION: { status: 401, message: 'Invalid JWT token' },
  INVALID_CREDENTIALS: { status: 401, message: 'The e-mail or password is incorrect.' },
  SESSION_EXPIRED: { status: 401, message: 'The session has expired. Sign in again.' },
  PERMISSION_DENIED: {
    status: 403,
    message: 'Your role does not allow this action.',
  },
  UNAUTHORIZED_FEATURE: {
    status: 401,
    message: 'Please reach out to support to use this feature',
  },
  RESOURCE_NOT_FOUND: { status: 404, message: 'Resource not found.' },
  ROUTE_NOT_FOUND: { status: 404, message: 'No such route.' },
  ACCOUNT_DETAILS_NOT_FOUND: { status: 404, message: 'Account Details are Not Found!' },
  ROLE_NOT_FOUND: { status: 404, message: 'Role not found for this account.' },
  USER_NOT_FOUND: { status: 404, message: 'User not found in this account.' },
  TEAM_NOT_FOUND: { status: 404, message: 'Team not found for this account.' },
  TOKEN_NOT_FOUND: { status: 404, message: 'Token not found in this account.' },
  INVITATION_NOT_FOUND: {
    status: 404,
    message: 'This invitation link is invalid or has already been used.',
  },
  USER_ALREADY_EXISTS: {
    status: 409,
    message: 'A user with this e-mail already belongs to the account.',
  },
  TEAM_ALREADY_EXISTS: { status: 409, message: 'A team with this name already exists.' },
  ROLE_ALREADY_EXISTS: { status: 409, message: 'A role with this name already exists.' },
  ROLE_IS_BUILT_IN: { status: 400, message: 'Built-in roles cannot be changed or deleted.' },
  ROLE_IN_USE: { status: 409, message: 'The role is still given to users.' },
  LAST_ADMIN: {
    status: 409,
    message: 'The account must keep at least one active admin.',
  },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  RATE_LIMITED: { status: 429, message: 'Too many requests. Slow down and retry later.' },
  CONVERSATION_NOT_FOUND: { status: 404, message: 'Conversation is not available.' },
  CONVERSATION_CLOSED: {
    status: 400,
    message: 'Assignee cannot be changed on closed conversation.',
  },
  CONVERSATION_ASSIGNED_TO_BOT: {
    status: 400,
    message: 'Agent message cannot be sent on bot assigned conversation.',
  },
  CONVERSATION_CREATION_EXCEPTION: {
    status: 400,
    message: 'Conversation is not created. Please try again after some time.',
  },
  CONVERSATION_NOT_CREATED: {
    status: 400,
    message: 'Conversation is not created due to user limit validation',
  },
  CONVERSATION_NOT_CLOSED: {
    status: 400,
    message: 'Conversation is not closed due to user limit validation.',
  },
  MESSAGE_NOT_SENT: { status: 400, message: 'Message is not sent due to user limit validation.' },
  ASSIGNEE_NOT_CHANGED: {
    status: 400,
    message: 'Assignee is not changed due to user limit validationt.',
  },
  ASSIGNEE_CHANGE_EXCEPTION: {
    status: 400,
    message: 'By and To user are same. Can not assign conversation to same user.',
  },
  CONTACT_IS_BLOCKED: {
    status: 400,
    message: 'Conversation cannot be created for blocked contact.',
  },
  CONTACT_NOT_FOUND: { status: 404, message: 'Contact not found in this account.' },
  CHANNEL_NOT_ENABLED: { status: 400, message: 'This channel is not enabled in the account.' },
  CHANNEL_NOT_FOUND: { status: 404, message: 'Channel not found in this account.' },
  CHANNEL_TOKEN_EXPIRED: {
    status: 400,
    message: 'Token used to configure the channel is expired. Please reconfigure the channel.',
  },
  PHONE_NUMBER_IS_NOT_CONFIGURED: {
    status: 404,
    message: '’From’ phone number is not configured in the account.',
  },
  WHATSAPP_TEMPLATE_NOT_FOUND: {
    status: 404,
    message: 'WhatsApp template is not available in the account.',
  },
  TEMPLATE_NOT_APPROVED: { status: 404, message: 'Oops, template is not approved' },
  LABEL_ALREADY_EXISTS: { status: 409, message: 'A label with this name already exists.' },
  SAVED_REPLY_ALREADY_EXISTS: {
    status: 409,
    message: 'A saved reply with this short code already exists.',
  },
  VISITOR_TOKEN_INVALID: {
    status: 401,
    message: 'The visitor token is invalid or belongs to another bot: open a new session.',
  },
  IDENTITY_NOT_VERIFIED: {
    status: 403,
    message: 'identity_hash does not match: identify the visitor from your server-side hash.',
  },
  MEDIA_NOT_FOUND: { status: 404, message: 'No such file.' },
  MEDIA_TYPE_NOT_ALLOWED: { status: 415, message: 'This type of file is not accepted.' },
  KNOWLEDGE_BASE_NOT_FOUND: { status: 404, message: 'KnowledgeBase Not Found in DB!' },
  MAX_KNOWLEDGE_BASE_COUNT_EXCEEDED: {
    status: 400,
    message:
      'You have reached the maximum number of knowledge bases. Upgrade your plan to create more knowledge bases.',
  },
  AI_PROMPT_ALREADY_EXISTS: { status: 409, message: 'A prompt with this name already exists.' },
  AI_FUNCTION_ALREADY_EXISTS: {
    status: 409,
    message: 'A function with this name already exists.',
  },
  AI_CREDITS_EXHAUSTED: {
    status: 402,
    message: "The account's AI credits for this month are used up.",
  },
  BOT_NOT_FOUND: { status: 404, message: 'Bot not found.' },
  MAXIMUM_BOTS_LIMIT_REACHED: {
    status: 400,
    message: 'Maximum bots limit reached for the account.',
  },
  BOT_TEMPLATE_NOT_FOUND: { status: 404, message: 'Bot template not found.' },
  FLOW_VERSION_NOT_FOUND: { status: 404, message: 'This bot has no such version.' },
  DRAFT_REVISION_CONFLICT: {
    status: 409,
    message: 'The draft was changed by someone else since you loaded it. Reload it and retry.',
  },
  INVALID_FLOW: { status: 400, message: 'The flow is not valid.' },
  INVALID_DATA: { status: 400, message: 'The message is not valid for this conversation.' },
  INTERNAL_ERROR: { status: 500, message: 'Something went wrong. It has been logged.' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'The service is shutting down or not ready.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCatalog;

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(errorCatalog, value);
}
