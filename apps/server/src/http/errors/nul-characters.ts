import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';
import { pathOfNulCharacter } from '../../core/nul-characters.js';

/**
 * A request carrying a NUL character (see core/nul-characters.ts), in a value or a key, is
 * refused as invalid on every database alike, in the route's own error envelope, before its
 * handler runs: on PostgreSQL it would otherwise end in a 500.
 */
export function refusingNulCharacters<S>(
  compiler: FastifySchemaCompiler<S>,
): FastifySchemaCompiler<S> {
  return (route) => {
    const validate = compiler(route);
    return (data: unknown) => {
      const path = pathOfNulCharacter(data);
      return path === undefined ? validate(data) : { error: [nulCharacterIssue(path)] };
    };
  };
}

function nulCharacterIssue(path: readonly string[]): FastifySchemaValidationError {
  return {
    keyword: 'invalid_format',
    instancePath: `/${path.join('/')}`,
    schemaPath: '#/nul_character',
    params: { format: 'text without NUL characters' },
    message: 'must not contain NUL (\\u0000) characters',
  };
}
