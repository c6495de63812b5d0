import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Runtime } from '../../runtime.js';
import { principalOf } from '../plugins/authenticate.js';
import { errorResponses, idParam, teamDto, teamSchema } from './schemas.js';

const TAGS = ['Native: teams'];
const READ = { auth: { mode: 'principal' } } as const;
const WRITE = { auth: { mode: 'principal', permission: 'account_settings.teams' } } as const;
const teamBody = z.object({
  name: z.string().trim().min(1).max(100),
  description: z.string().max(500).optional(),
  member_ids: z.array(z.number().int().positive()).max(1_000).optional(),
  assignment_mode: z.enum(['round_robin', 'team']).optional(),
});

export function registerTeamRoutes(app: FastifyInstance, { services }: Runtime): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get('/teams', {
    config: READ,
    schema: {
      tags: TAGS,
      summary: 'List teams',
      response: { 200: z.object({ teams: z.array(teamSchema) }), ...errorResponses },
    },
    handler: async (request) => ({
      teams: (await services.teams.list(principalOf(request).accountId)).map(teamDto),
    }),
  });

  api.get('/teams/:id', {
    config: READ,
    schema: {
      tags: TAGS,
      summary: 'Get a team',
      params: idParam,
      response: { 200: teamSchema, ...errorResponses },
    },
    handler: async (request) =>
      teamDto(await services.teams.get(principalOf(request).accountId, request.params.id)),
  });

  api.post('/teams', {
    config: WRITE,
    schema: {
      tags: TAGS,
      summary: 'Create a team',
      body: teamBody,
      response: { 201: teamSchema, ...errorResponses },
    },
    handler: async (request, reply) => {
      const { name, description, member_ids, assignment_mode } = request.body;
      const team = await services.teams.create(principalOf(request).accountId, {
        name,
        description,
        memberIds: member_ids,
        assignmentMode: assignment_mode,
      });
      return reply.status(201).send(teamDto(team));
    },
  });

  api.patch('/teams/:id', {
    config: WRITE,
    schema: {
      tags: TAGS,
      summary: 'Rename a team or replace its members',
      params: idParam,
      body: teamBody.partial(),
      response: { 200: teamSchema, ...errorResponses },
    },
    handler: async (request) => {
      const { name, description, member_ids, assignment_mode } = request.body;
      return teamDto(
        await services.teams.update(principalOf(request).accountId, request.params.id, {
          name,
          description,
          memberIds: member_ids,
          assignmentMode: assignment_mode,
        }),
      );
    },
  });

  api.delete('/teams/:id', {
    config: WRITE,
    schema: {
      tags: TAGS,
      summary: 'Delete a team',
      params: idParam,
      response: { 204: z.null(), ...errorResponses },
    },
    handler: async (request, reply) => {
      await services.teams.remove(principalOf(request).accountId, request.params.id);
      return reply.status(204).send(null);
    },
  });
}
