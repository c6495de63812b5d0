import { DomainError } from '../errors/domain-error.js';

export type InboxErrorCode = 'LABEL_ALREADY_EXISTS' | 'SAVED_REPLY_ALREADY_EXISTS';

export function inboxError(code: InboxErrorCode): DomainError {
  return new DomainError(code);
}

/** A record of the account the caller named that does not exist (or is another account's). */
export function notFound(what: 'Label' | 'Saved reply' | 'Message' | 'Note'): DomainError {
  return new DomainError('RESOURCE_NOT_FOUND', { message: `${what} not found in this account.` });
}
