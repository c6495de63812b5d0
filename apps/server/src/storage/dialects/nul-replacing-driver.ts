import type {
  CompiledQuery,
  DatabaseConnection,
  Dialect,
  Driver,
  QueryCompiler,
  QueryResult,
  TransactionSettings,
} from 'kysely';
import { replaceNulCharacters } from '../../core/nul-characters.js';

/**
 * PostgreSQL's text cannot hold the NUL character: a parameter with one fails its statement
 * and, in a transaction, the transaction with it. The HTTP layer refuses NULs and inbound
 * messages have them replaced, but text also arrives from elsewhere (an API a bot calls, a
 * provider's error message recorded on a job). So no statement reaches PostgreSQL with one:
 * each is replaced by U+FFFD, the character that stands for one that could not be kept.
 * SQLite's driver does the same, so both databases store the same text.
 */
export function withoutNulParameters(query: CompiledQuery): CompiledQuery {
  if (!query.parameters.some(holdsNul)) return query;
  return {
    ...query,
    parameters: query.parameters.map((value) =>
      typeof value === 'string' ? replaceNulCharacters(value) : value,
    ),
  };
}

function holdsNul(value: unknown): boolean {
  return typeof value === 'string' && value.includes('\u0000');
}

/** `dialect` with every statement's parameters passed through `withoutNulParameters`. */
export function replacingNulCharacters(dialect: Dialect): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createDriver: () => new NulReplacingDriver(dialect.createDriver()),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db) => dialect.createIntrospector(db),
  };
}

class NulReplacingConnection implements DatabaseConnection {
  constructor(readonly inner: DatabaseConnection) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return this.inner.executeQuery<R>(withoutNulParameters(query));
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(withoutNulParameters(query), chunkSize);
  }
}

/** Hands out wrapped connections; hands the driver underneath its own ones back. */
class NulReplacingDriver implements Driver {
  constructor(private readonly inner: Driver) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new NulReplacingConnection(await this.inner.acquireConnection());
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(unwrapped(connection), settings);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(unwrapped(connection));
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(unwrapped(connection));
  }

  savepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    return this.#savepointStep('savepoint', connection, name, compileQuery);
  }

  rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    return this.#savepointStep('rollbackToSavepoint', connection, name, compileQuery);
  }

  releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    return this.#savepointStep('releaseSavepoint', connection, name, compileQuery);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(unwrapped(connection));
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }

  async #savepointStep(
    step: 'savepoint' | 'rollbackToSavepoint' | 'releaseSavepoint',
    connection: DatabaseConnection,
    name: string,
    compileQuery: QueryCompiler['compileQuery'],
  ): Promise<void> {
    const inner = this.inner[step]?.bind(this.inner);
    if (inner === undefined) throw new Error('the database driver has no savepoints');
    await inner(unwrapped(connection), name, compileQuery);
  }
}

function unwrapped(connection: DatabaseConnection): DatabaseConnection {
  return connection instanceof NulReplacingConnection ? connection.inner : connection;
}
