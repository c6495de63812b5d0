import type { Readable } from 'node:stream';
import type { ServiceContext } from '../context.js';
import { DomainError } from '../errors/domain-error.js';
import {
  ContactsRepository,
  type ContactSearch,
} from '../../storage/repositories/contacts-repository.js';
import type { ContactRow } from '../../storage/schema-conversations.js';
import { inTransaction, type UnitOfWork } from '../../storage/transaction.js';
import {
  normalizeContactInput,
  type ContactInput,
  type ContactVariables,
} from './contact-fields.js';
import {
  matchKeys,
  upsertContacts,
  type UpsertItemResult,
  type UpsertResult,
} from './contact-upsert.js';
import { applyContactChanges, insertContact, retryOnConflict } from './contact-writes.js';
import { contactsCsvStream } from './csv-export.js';
import { importContactsCsv, type CsvImportReport } from './csv-import.js';
import { tryNormalizePhone } from './phone.js';

export interface ContactPage {
  readonly contacts: readonly ContactRow[];
  /** The id to pass as `afterId` for the next page; null on the last page. */
  readonly nextCursor: number | null;
}

/** What an inbound channel knows about a person it has not seen before. */
export interface IdentityDefaults {
  readonly name?: string | null | undefined;
  readonly email?: string | null | undefined;
  /** Stored when it is a valid number; an invalid one from a provider is dropped, not fatal. */
  readonly phone?: string | null | undefined;
  readonly variables?: ContactVariables | undefined;
}

export {
  EMAIL_OR_PHONE_REQUIRED,
  type UpsertItemResult,
  type UpsertResult,
} from './contact-upsert.js';

/**
 * The people an account talks to. A contact is matched by e-mail, then phone (E.164), and
 * known to each channel by an identity (channel, external id). Its public `key` and
 * `external_key` are what integrations hold on to.
 */
export class ContactsService {
  constructor(private readonly context: ServiceContext) {}

  async get(accountId: number, contactId: number): Promise<ContactRow> {
    const contact = await this.#contacts(accountId).findById(contactId);
    if (contact === undefined) throw new DomainError('CONTACT_NOT_FOUND');
    return contact;
  }

  /** One page in id order; `afterId` is the previous page's `nextCursor`. */
  async search(accountId: number, search: ContactSearch): Promise<ContactPage> {
    const rows = await this.#contacts(accountId).search({ ...search, limit: search.limit + 1 });
    const page = rows.slice(0, search.limit);
    const more = rows.length > search.limit;
    return { contacts: page, nextCursor: more ? (page.at(-1)?.id ?? null) : null };
  }

  /** A new contact, even if another one has the same e-mail or phone (see `upsert`). */
  async create(accountId: number, input: ContactInput): Promise<ContactRow> {
    const fields = normalizeContactInput(input);
    return retryOnConflict(() =>
      inTransaction(this.context.db, (unit) =>
        insertContact(new ContactsRepository(unit.db, accountId), accountId, fields),
      ),
    );
  }

  async update(accountId: number, contactId: number, input: ContactInput): Promise<ContactRow> {
    const fields = normalizeContactInput(input);
    return retryOnConflict(() =>
      inTransaction(this.context.db, async (unit) => {
        const contacts = new ContactsRepository(unit.db, accountId);
        const existing = await contacts.findById(contactId);
        if (existing === undefined) throw new DomainError('CONTACT_NOT_FOUND');
        return applyContactChanges(contacts, existing, fields);
      }),
    );
  }

  block(accountId: number, contactId: number): Promise<ContactRow> {
    return this.#setBlocked(accountId, contactId, true);
  }

  unblock(accountId: number, contactId: number): Promise<ContactRow> {
    return this.#setBlocked(accountId, contactId, false);
  }

  /**
   * Creates or updates the contact with this e-mail, else this phone ("Either email or
   * phone is mandatory"). A match gets the given fields (variables merged); a new contact
   * gets a key and the default external key.
   */
  async upsert(accountId: number, input: ContactInput): Promise<UpsertResult> {
    const [result] = await this.upsertMany(accountId, [input]);
    if (result === undefined) throw new DomainError('INTERNAL_ERROR');
    if (!result.ok) throw result.error;
    return result;
  }

  /** `upsert` for many: each item succeeds or fails on its own (see `upsertContacts`). */
  upsertMany(accountId: number, inputs: readonly ContactInput[]): Promise<UpsertItemResult[]> {
    const { db, dialect } = this.context;
    return upsertContacts({ db, dialect, accountId }, inputs);
  }

  /** All contacts as a CSV byte stream, read in batches as the consumer pulls. */
  exportCsv(accountId: number): Readable {
    return contactsCsvStream(this.context.db, accountId);
  }

  /** Upserts every row of a CSV text; see `importContactsCsv` for the columns. */
  importCsv(accountId: number, text: string): Promise<CsvImportReport> {
    return importContactsCsv((inputs) => this.upsertMany(accountId, inputs), text);
  }

  /**
   * The contact a channel knows as `externalId`, created (and linked) on first contact. A
   * contact with the same e-mail or phone is linked instead of duplicated, so a customer
   * imported by phone keeps one history when they first write on WhatsApp.
   *
   * Runs in the caller's unit of work (the inbound message is written in the same
   * transaction). Two first messages racing: the identity's unique constraint lets one
   * link; the other removes the contact it made and answers the winner's.
   */
  async findOrCreateByIdentity(
    unit: UnitOfWork,
    accountId: number,
    channelId: number,
    externalId: string,
    defaults: IdentityDefaults = {},
  ): Promise<UpsertResult> {
    const contacts = new ContactsRepository(unit.db, accountId);
    const known = await contacts.findByIdentity(channelId, externalId);
    if (known !== undefined) return { contact: known, created: false };
    if (!(await contacts.hasChannel(channelId))) throw new DomainError('CHANNEL_NOT_FOUND');

    const phone = defaults.phone == null ? null : (tryNormalizePhone(defaults.phone) ?? null);
    const email = lenientEmail(defaults.email);
    await contacts.lockMatchKeys(this.context.dialect, matchKeys(email, phone));
    const match =
      (email === null ? undefined : await contacts.findByEmail(email)) ??
      (phone === null ? undefined : await contacts.findByPhone(phone));
    const contact =
      match ??
      (await insertContact(contacts, accountId, {
        name: defaults.name?.trim() ?? null,
        email,
        phone,
        variables: defaults.variables ?? {},
      }));
    if (await contacts.addIdentity(contact.id, channelId, externalId)) {
      return { contact, created: match === undefined };
    }
    if (match === undefined) await contacts.delete(contact.id);
    const winner = await contacts.findByIdentity(channelId, externalId);
    if (winner === undefined) throw new DomainError('INTERNAL_ERROR');
    return { contact: winner, created: false };
  }

  async #setBlocked(accountId: number, contactId: number, blocked: boolean): Promise<ContactRow> {
    const updated = await this.#contacts(accountId).update(contactId, { blocked: blocked ? 1 : 0 });
    if (updated === undefined) throw new DomainError('CONTACT_NOT_FOUND');
    return updated;
  }

  #contacts(accountId: number): ContactsRepository {
    return new ContactsRepository(this.context.db, accountId);
  }
}

/** A provider's e-mail, normalised; a malformed one must not lose the customer's message. */
function lenientEmail(email: string | null | undefined): string | null {
  try {
    return normalizeContactInput({ email }).email ?? null;
  } catch {
    return null;
  }
}
