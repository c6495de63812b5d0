import { againIfRaced } from '../../storage/unique-violation.js';
import type { ServiceContext } from '../context.js';
import { DomainError } from '../errors/domain-error.js';
import { TeamsRepository } from '../../storage/repositories/teams-repository.js';
import { UsersRepository } from '../../storage/repositories/users-repository.js';
import type { TeamRow } from '../../storage/schema.js';
import { inTransaction } from '../../storage/transaction.js';

export interface TeamWithMembers {
  readonly team: TeamRow;
  readonly memberIds: readonly number[];
}

export interface TeamInput {
  readonly name: string;
  readonly description?: string | undefined;
  readonly memberIds?: readonly number[] | undefined;
  /** 'round_robin': conversations given to the team go to its next available agent. */
  readonly assignmentMode?: 'round_robin' | 'team' | undefined;
}

/** Named groups of users: the unit of assignment (and the Wabbit dialect's "groups"). */
export class TeamsService {
  constructor(private readonly context: ServiceContext) {}

  async list(accountId: number): Promise<TeamWithMembers[]> {
    const teams = new TeamsRepository(this.context.db, accountId);
    const rows = await teams.list();
    return Promise.all(
      rows.map(async (team) => ({ team, memberIds: await teams.memberIds(team.id) })),
    );
  }

  async get(accountId: number, teamId: number): Promise<TeamWithMembers> {
    const teams = new TeamsRepository(this.context.db, accountId);
    const team = await teams.findById(teamId);
    if (team === undefined) throw new DomainError('TEAM_NOT_FOUND');
    return { team, memberIds: await teams.memberIds(team.id) };
  }

  async create(accountId: number, input: TeamInput): Promise<TeamWithMembers> {
    // Two creations of one name at once: the second sees the first's team.
    const created = await againIfRaced(() =>
      inTransaction(this.context.db, async (unit) => {
        const teams = new TeamsRepository(unit.db, accountId);
        if ((await teams.findByName(input.name)) !== undefined)
          throw new DomainError('TEAM_ALREADY_EXISTS');
        const team = await teams.insert({
          name: input.name,
          description: input.description ?? '',
          assignment_mode: input.assignmentMode ?? 'team',
        });
        const memberIds = await this.#checkedMembers(unit.db, accountId, input.memberIds ?? []);
        await teams.replaceMembers(team.id, memberIds);
        return { team, memberIds };
      }),
    );
    await this.context.bus.publish('team.changed', accountId, { teamId: created.team.id });
    return created;
  }

  async update(
    accountId: number,
    teamId: number,
    input: Partial<TeamInput>,
  ): Promise<TeamWithMembers> {
    await againIfRaced(() =>
      inTransaction(this.context.db, async (unit) => {
        const teams = new TeamsRepository(unit.db, accountId);
        const team = await teams.findById(teamId);
        if (team === undefined) throw new DomainError('TEAM_NOT_FOUND');
        if (
          input.name !== undefined &&
          input.name !== team.name &&
          (await teams.findByName(input.name)) !== undefined
        ) {
          throw new DomainError('TEAM_ALREADY_EXISTS');
        }
        await teams.update(teamId, {
          name: input.name,
          description: input.description,
          assignment_mode: input.assignmentMode,
        });
        if (input.memberIds !== undefined) {
          await teams.replaceMembers(
            teamId,
            await this.#checkedMembers(unit.db, accountId, input.memberIds),
          );
        }
      }),
    );
    await this.context.bus.publish('team.changed', accountId, { teamId });
    return this.get(accountId, teamId);
  }

  async remove(accountId: number, teamId: number): Promise<void> {
    if (!(await new TeamsRepository(this.context.db, accountId).delete(teamId)))
      throw new DomainError('TEAM_NOT_FOUND');
    await this.context.bus.publish('team.changed', accountId, { teamId });
  }

  /** Every member must be a user of this account; anything else is USER_NOT_FOUND. */
  async #checkedMembers(
    db: ServiceContext['db'],
    accountId: number,
    ids: readonly number[],
  ): Promise<number[]> {
    const unique = [...new Set(ids)].sort((a, b) => a - b);
    const users = new UsersRepository(db, accountId);
    for (const id of unique) {
      if ((await users.findById(id)) === undefined) {
        throw new DomainError('USER_NOT_FOUND', { details: { userId: id } });
      }
    }
    return unique;
  }
}
