import type { Migration } from './ddl.js';
import { foundation } from './0001-foundation.js';
import { conversations } from './0002-conversations.js';
import { bots } from './0003-bots.js';
import { botSessions } from './0004-bot-sessions.js';
import { botEditor } from './0005-bot-editor.js';
import { channelInbox } from './0006-channel-inbox.js';
import { media } from './0007-media.js';
import { knowledgeBases } from './0008-knowledge-bases.js';
import { aiPromptsFunctions } from './0009-ai-prompts-functions.js';
import { kbSearchScope } from './0010-kb-search-scope.js';
import { conversationLatestIndex } from './0011-conversation-latest-index.js';
import { channelInboxDrains } from './0012-channel-inbox-drains.js';

/** Every migration, in the order it runs. Append only: never edit one that has shipped. */
export const migrations: readonly Migration[] = [
  foundation,
  conversations,
  bots,
  botSessions,
  botEditor,
  channelInbox,
  media,
  knowledgeBases,
  aiPromptsFunctions,
  kbSearchScope,
  conversationLatestIndex,
  channelInboxDrains,
];
