import { nativeErrorBody } from '@parley/protocol';
import { z } from 'zod';
import type { TeamWithMembers } from '../../core/teams/teams-service.js';
import type { ApiTokenRow, UserRow } from '../../storage/schema.js';

export const idParam = z.object({ id: z.coerce.number().int().positive() });

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export const nativeError = nativeErrorBody;

export const errorResponses = {
  400: nativeError,
  401: nativeError,
  403: nativeError,
  404: nativeError,
  409: nativeError,
};

const isoTime = (epochMs: number | null) =>
  epochMs === null ? null : new Date(epochMs).toISOString();

export const userSchema = z.object({
  id: z.number(),
  email: z.string(),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  kind: z.enum(['human', 'app']),
  status: z.enum(['invited', 'active', 'disabled']),
  role_id: z.number(),
  availability: z.enum(['online', 'offline', 'busy']),
  max_open_conversations: z.number(),
  created_at: z.string(),
});

export function userDto(user: UserRow): z.infer<typeof userSchema> {
  return {
    id: user.id,
    email: user.email,
    first_name: user.first_name,
    last_name: user.last_name,
    kind: user.kind,
    status: user.status,
    role_id: user.role_id,
    availability: user.availability,
    max_open_conversations: user.max_open_conversations,
    created_at: new Date(user.created_at).toISOString(),
  };
}

export const teamSchema = z.object({
  id: z.number(),
  name: z.string(),
  description: z.string(),
  member_ids: z.array(z.number()),
  assignment_mode: z.enum(['round_robin', 'team']),
  created_at: z.string(),
});

export function teamDto({ team, memberIds }: TeamWithMembers): z.infer<typeof teamSchema> {
  return {
    id: team.id,
    name: team.name,
    description: team.description,
    member_ids: [...memberIds],
    assignment_mode: team.assignment_mode,
    created_at: new Date(team.created_at).toISOString(),
  };
}

export const tokenSchema = z.object({
  id: z.number(),
  kind: z.enum(['account', 'user', 'app']),
  name: z.string(),
  user_id: z.number().nullable(),
  prefix: z.string(),
  scopes: z.array(z.string()).nullable(),
  expires_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
  last_used_at: z.string().nullable(),
  created_at: z.string(),
});

export function tokenDto(token: ApiTokenRow): z.infer<typeof tokenSchema> {
  const scopes: unknown = token.scopes === null ? null : JSON.parse(token.scopes);
  return {
    id: token.id,
    kind: token.kind,
    name: token.name,
    user_id: token.user_id,
    prefix: token.token_prefix,
    scopes: Array.isArray(scopes)
      ? scopes.filter((scope): scope is string => typeof scope === 'string')
      : null,
    expires_at: isoTime(token.expires_at),
    revoked_at: isoTime(token.revoked_at),
    last_used_at: isoTime(token.last_used_at),
    created_at: new Date(token.created_at).toISOString(),
  };
}
