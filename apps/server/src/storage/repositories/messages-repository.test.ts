import { afterEach, describe, expect, it } from 'vitest';
import { createAccount } from '../../core/accounts/accounts-service.js';
import { conversationPublicId, messagePublicId } from '../../core/ids.js';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../testing/test-databases.js';
import type { Database } from '../database.js';
import { ChannelsRepository } from './channels-repository.js';
import { ContactsRepository } from './contacts-repository.js';
import { ConversationsRepository } from './conversations-repository.js';
import { MessagesRepository } from './messages-repository.js';

describe.each(DIALECTS)('messages repository on %s', (dialect) => {
  let testDb: TestDatabase;
  let database: Database;
  afterEach(async () => {
    await database.close();
    await testDb.drop();
  });

  async function conversationOnNewDatabase() {
    testDb = await createTestDatabase(dialect);
    database = testDb.open();
    const { db } = database;
    const { account } = await createAccount(db, { name: 'Acme', adminEmail: 'a@acme.test' });
    const channel = await new ChannelsRepository(db, account.id).insert({
      type: 'whatsapp',
      provider: 'sandbox',
      name: 'Sandbox',
      phoneNumber: '+14155550100',
      externalId: null,
      publicKey: 'public-key-of-the-test-channel',
      config: '{}',
      secrets: null,
    });
    const contact = await new ContactsRepository(db, account.id).insert({
      key: 'k'.repeat(32),
      externalKey: null,
      name: 'Ada',
      email: null,
      phone: null,
      variables: '{}',
    });
    const conversation = await new ConversationsRepository(db, account.id).insert({
      publicId: conversationPublicId(),
      contactId: contact.id,
      channelId: channel.id,
      status: 'open',
      assigneeUserId: null,
      assigneeTeamId: null,
      assignedToBot: false,
      title: null,
      now: Date.now(),
    });
    return { messages: new MessagesRepository(db, account.id), conversation };
  }

  function newMessage(conversation: { id: number; channel_id: number }, providerId: string) {
    const now = Date.now();
    return {
      public_id: messagePublicId(now),
      conversation_id: conversation.id,
      channel_id: conversation.channel_id,
      direction: 'inbound' as const,
      sender_type: 'contact' as const,
      sender_user_id: null,
      content: JSON.stringify({ type: 'text', text: 'Hello' }),
      text: 'Hello',
      status: 'received' as const,
      status_history: JSON.stringify([{ status: 'received', at: now }]),
      failure_reason: null,
      provider_message_id: providerId,
      created_at: now,
      updated_at: now,
    };
  }

  // The inserts return only the new id and build the row from what they were given: the
  // row they answer must be exactly the one a read finds.
  it('answers an inserted message as it is stored', async () => {
    const { messages, conversation } = await conversationOnNewDatabase();
    const inserted = await messages.insert(newMessage(conversation, 'wamid.1'));
    expect(inserted).toEqual(await messages.findById(inserted.id));

    const unlessKnown = await messages.insertUnlessKnown(newMessage(conversation, 'wamid.2'));
    expect(unlessKnown).toBeDefined();
    expect(unlessKnown).toEqual(await messages.findById(unlessKnown?.id ?? 0));
  });

  it('inserts a provider message once', async () => {
    const { messages, conversation } = await conversationOnNewDatabase();
    const first = await messages.insertUnlessKnown(newMessage(conversation, 'wamid.same'));
    const again = await messages.insertUnlessKnown(newMessage(conversation, 'wamid.same'));
    expect(first).toBeDefined();
    expect(again).toBeUndefined();
    expect(await messages.findByProviderId(conversation.channel_id, 'wamid.same')).toEqual(first);
  });
});
