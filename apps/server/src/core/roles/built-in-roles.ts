import { uniformConfiguration, type RoleConfiguration } from './role-configuration.js';

export interface BuiltInRole {
  readonly masterRoleId: number;
  readonly name: string;
  readonly description: string;
  readonly configuration: RoleConfiguration;
}

const nothing = uniformConfiguration(false);
const everything = uniformConfiguration(true);

/**
 * The four roles every account starts with. `master_role_id` identifies the built-in
 * template a role came from (WotNot shows 2 for admin); custom roles have none.
 */
export const builtInRoles: readonly BuiltInRole[] = [
  {
    masterRoleId: 2,
    name: 'admin',
    description: 'Has complete access to configure and manage every aspect of the platform.',
    configuration: everything,
  },
  {
    masterRoleId: 3,
    name: 'agent',
    description: 'Chats with customers in the inbox and manages contacts.',
    configuration: {
      ...nothing,
      live_chat: { settings: false, full_access: true, human_handover: true },
      contacts: { full_access: true },
      support_ticket: { full_access: true },
      ticket: { full_access: true },
    },
  },
  {
    masterRoleId: 4,
    name: 'bot builder',
    description: 'Builds and deploys bots, trains the AI studio and configures channels.',
    configuration: {
      ...nothing,
      bot_builder: { full_access: true, read_only_access: true },
      ai_studio: { full_access: true },
      analytics: { full_access: true },
      account_settings: { ...nothing.account_settings, variables: true },
      channel_configuration: everything.channel_configuration,
    },
  },
  {
    masterRoleId: 5,
    name: 'viewer',
    description: 'Sees bots, conversations and reports without changing anything.',
    configuration: {
      ...nothing,
      bot_builder: { full_access: false, read_only_access: true },
      analytics: { full_access: true },
    },
  },
];

export const ADMIN_MASTER_ROLE_ID = 2;
