import type { FastifyRequest } from 'fastify';

/** The visitor token of a widget request: `Authorization: Bearer <token>`. */
export function visitorTokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}
