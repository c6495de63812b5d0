import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { DomainError } from '../errors/domain-error.js';
import type { ContactRow } from '../../storage/schema-conversations.js';
import { normalizePhone, type PhoneOptions } from './phone.js';

/** A contact's custom variables: flat, with scalar values (WotNot's `custom_variables`). */
export type ContactVariables = Record<string, string | number | boolean>;

export const contactVariablesSchema = z.record(
  z.string().min(1).max(100),
  z.union([z.string().max(10_000), z.number(), z.boolean()]),
);

/** What may be set on a contact; absent fields are left as they are. */
export interface ContactInput {
  readonly name?: string | null | undefined;
  readonly email?: string | null | undefined;
  readonly phone?: string | null | undefined;
  /** Merged into the contact's variables (a key given replaces that key only). */
  readonly variables?: ContactVariables | undefined;
  readonly externalKey?: string | null | undefined;
}

/** The input after validation: e-mail lower-cased, phone in E.164, empty strings → null. */
export interface NormalizedContactInput {
  readonly name?: string | null;
  readonly email?: string | null;
  readonly phone?: string | null;
  readonly variables?: ContactVariables;
  readonly externalKey?: string | null;
}

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const KEY_LENGTH = 32;

/** A contact's public key: 32 characters of [A-Za-z0-9] (~190 bits), like WotNot's. */
export function generateContactKey(): string {
  let key = '';
  // randomInt draws without modulo bias, so every character is equally likely.
  for (let i = 0; i < KEY_LENGTH; i++) key += KEY_ALPHABET[randomInt(KEY_ALPHABET.length)] ?? '';
  return key;
}

/** WotNot's default external key, `<phone digits>_<account id>` (`12125550100_13361`). */
export function defaultExternalKey(phone: string | null, accountId: number): string | null {
  return phone === null ? null : `${phone.replace(/\D/g, '')}_${accountId}`;
}

const emailSchema = z.email();

/**
 * Validates and normalises an input. Throws BAD_REQUEST naming the field, so every entry
 * point (routes, CSV rows, channels) reports the same sentences.
 */
export function normalizeContactInput(
  input: ContactInput,
  phoneOptions: Omit<PhoneOptions, 'field'> = {},
): NormalizedContactInput {
  const result: {
    name?: string | null;
    email?: string | null;
    phone?: string | null;
    variables?: ContactVariables;
    externalKey?: string | null;
  } = {};
  if (input.name !== undefined) result.name = blankToNull(input.name);
  if (input.externalKey !== undefined) result.externalKey = blankToNull(input.externalKey);
  if (input.email !== undefined) {
    const email = blankToNull(input.email)?.toLowerCase() ?? null;
    if (email !== null && !emailSchema.safeParse(email).success) {
      throw fieldError('email', '"email" must be a valid email');
    }
    result.email = email;
  }
  if (input.phone !== undefined) {
    const phone = blankToNull(input.phone);
    result.phone = phone === null ? null : normalizePhone(phone, phoneOptions);
  }
  if (input.variables !== undefined) {
    const parsed = contactVariablesSchema.safeParse(input.variables);
    if (!parsed.success) throw fieldError('variables', '"variables" must map names to scalars');
    result.variables = parsed.data;
  }
  return result;
}

/** The stored variables document; anything but a flat object of scalars reads as empty. */
export function contactVariables(contact: Pick<ContactRow, 'variables'>): ContactVariables {
  let document: unknown;
  try {
    document = JSON.parse(contact.variables);
  } catch {
    return {};
  }
  const parsed = contactVariablesSchema.safeParse(document);
  return parsed.success ? parsed.data : {};
}

export function fieldError(field: string, message: string): DomainError {
  return new DomainError('BAD_REQUEST', { message, issues: [{ path: [field], message }] });
}

function blankToNull(value: string | null): string | null {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}
