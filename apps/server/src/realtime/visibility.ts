import { z } from 'zod';
import { can, type Principal } from '../core/auth/principal.js';

/** Who is looking: the parts of a principal that decide which conversations it sees. */
export interface Viewer {
  /** `live_chat.full_access`: every conversation of the account. */
  readonly fullAccess: boolean;
  readonly userId: number | null;
  /** The teams the user belongs to (empty for account tokens). */
  readonly teamIds: ReadonlySet<number>;
}

/** To whom a conversation was assigned when the event happened (from its snapshot). */
export interface Assignment {
  readonly userId: number | null;
  readonly teamId: number | null;
}

export const UNASSIGNED: Assignment = { userId: null, teamId: null };

export function viewerOf(principal: Principal, teamIds: ReadonlySet<number>): Viewer {
  return {
    fullAccess: can(principal, 'live_chat.full_access'),
    userId: principal.userId,
    teamIds,
  };
}

// Only the assignee is read: the rest of the snapshot is passed through untouched.
const assignedSnapshot = z.object({
  conversation: z.object({
    assignee: z.object({
      user: z.object({ id: z.number() }).nullable(),
      team: z.object({ id: z.number() }).nullable(),
    }),
  }),
});

/** Reads the assignee from an event's `data`; a snapshot without one counts as unassigned. */
export function assignmentOf(data: unknown): Assignment {
  const parsed = assignedSnapshot.safeParse(data);
  if (!parsed.success) return UNASSIGNED;
  const { user, team } = parsed.data.conversation.assignee;
  return { userId: user?.id ?? null, teamId: team?.id ?? null };
}

/**
 * The visibility rule, in one place: full access sees every conversation event of the
 * account; anyone else sees a conversation's events while it is assigned to them or to one
 * of their teams (as the event's snapshot says, so live delivery and replay agree).
 */
export function canSee(
  viewer: Viewer,
  conversationId: number | null,
  assignment: Assignment,
): boolean {
  if (viewer.fullAccess) return true;
  if (conversationId === null) return false;
  if (viewer.userId !== null && assignment.userId === viewer.userId) return true;
  return assignment.teamId !== null && viewer.teamIds.has(assignment.teamId);
}
