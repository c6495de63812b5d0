import { describe, expect, it } from 'vitest';
import type { Principal } from '../core/auth/principal.js';
import { uniformConfiguration } from '../core/roles/role-configuration.js';
import { assignmentOf, canSee, UNASSIGNED, viewerOf, type Viewer } from './visibility.js';

const admin: Viewer = { fullAccess: true, userId: 1, teamIds: new Set() };
const agent: Viewer = { fullAccess: false, userId: 7, teamIds: new Set([30]) };

function snapshot(user: number | null, team: number | null): Record<string, unknown> {
  return {
    conversation: {
      id: 'c1',
      assignee: {
        user: user === null ? null : { id: user, email: 'a@b.c', name: null },
        team: team === null ? null : { id: team, name: 'Support' },
        bot: false,
      },
    },
    message: { id: 'm1' },
  };
}

describe('canSee', () => {
  it('lets full access see every conversation event, assigned or not', () => {
    expect(canSee(admin, 5, UNASSIGNED)).toBe(true);
    expect(canSee(admin, 5, { userId: 99, teamId: 98 })).toBe(true);
    expect(canSee(admin, null, UNASSIGNED)).toBe(true);
  });

  it('shows others the conversations assigned to them or to one of their teams', () => {
    expect(canSee(agent, 5, { userId: 7, teamId: null })).toBe(true);
    expect(canSee(agent, 5, { userId: null, teamId: 30 })).toBe(true);
    expect(canSee(agent, 5, { userId: 8, teamId: 30 })).toBe(true);
    expect(canSee(agent, 5, { userId: 8, teamId: 31 })).toBe(false);
    expect(canSee(agent, 5, UNASSIGNED)).toBe(false);
    expect(canSee(agent, null, { userId: 7, teamId: null })).toBe(false);
  });

  it('shows a caller without a user (a narrowed account token) nothing unassigned', () => {
    const token: Viewer = { fullAccess: false, userId: null, teamIds: new Set() };
    expect(canSee(token, 5, UNASSIGNED)).toBe(false);
    expect(canSee(token, 5, { userId: 7, teamId: 30 })).toBe(false);
  });
});

describe('assignmentOf', () => {
  it("reads the assignee from an event's snapshot", () => {
    expect(assignmentOf(snapshot(7, null))).toEqual({ userId: 7, teamId: null });
    expect(assignmentOf(snapshot(null, 30))).toEqual({ userId: null, teamId: 30 });
    expect(assignmentOf(snapshot(null, null))).toEqual(UNASSIGNED);
  });

  it('treats a snapshot without a readable assignee as unassigned', () => {
    expect(assignmentOf({})).toEqual(UNASSIGNED);
    expect(assignmentOf({ conversation: { assignee: 'nobody' } })).toEqual(UNASSIGNED);
    expect(assignmentOf(null)).toEqual(UNASSIGNED);
  });

  it('combined with canSee, filters what an agent receives', () => {
    const visible = [
      snapshot(7, null),
      snapshot(8, 31),
      snapshot(null, 30),
      snapshot(null, null),
    ].map((data) => canSee(agent, 1, assignmentOf(data)));
    expect(visible).toEqual([true, false, true, false]);
  });
});

describe('viewerOf', () => {
  const principal = (overrides: Partial<Principal>): Principal => ({
    kind: 'user_token',
    accountId: 1,
    userId: 7,
    tokenId: 3,
    configuration: uniformConfiguration(true),
    scopes: null,
    ...overrides,
  });

  it('grants full access by the live_chat.full_access switch, narrowed by token scopes', () => {
    expect(viewerOf(principal({}), new Set()).fullAccess).toBe(true);
    expect(viewerOf(principal({ scopes: ['contacts.full_access'] }), new Set()).fullAccess).toBe(
      false,
    );
    expect(viewerOf(principal({ scopes: ['live_chat.full_access'] }), new Set()).fullAccess).toBe(
      true,
    );
    expect(
      viewerOf(principal({ configuration: uniformConfiguration(false) }), new Set([4])),
    ).toEqual({ fullAccess: false, userId: 7, teamIds: new Set([4]) });
  });
});
