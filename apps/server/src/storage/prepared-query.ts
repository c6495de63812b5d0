import {
  type BinaryOperationNode,
  type Compilable,
  type CompiledQuery,
  type DialectAdapter,
  type Expression,
  type OperationNode,
  OperationNodeTransformer,
  type QueryId,
  ValueNode,
} from 'kysely';
import type { Db } from './database.js';
import { connectionOfTransaction } from './transaction.js';

/**
 * A hole in a prepared query. Kysely compiles it like any other value, as one bound
 * parameter whose value is this object; compiling notes which parameter it became.
 */
class Placeholder<T> implements Expression<T> {
  /** Only the type matters: it lets Kysely check the placeholder against its column. */
  get expressionType(): T | undefined {
    return undefined;
  }

  toOperationNode(): OperationNode {
    return ValueNode.create(this);
  }
}

/** Names a parameter of a prepared query, typed by its entry in `Params`. */
export type ParamOf<Params> = <K extends keyof Params>(name: K) => Expression<Params[K]>;

/** Where each bound parameter's value comes from: the caller's values, or the query. */
type Slot<Params> = { readonly name: keyof Params } | { readonly constant: unknown };

interface Compiled<Params, Row> {
  readonly query: CompiledQuery<Row>;
  readonly slots: readonly Slot<Params>[];
  /** Parameters the query compares with: null there would silently match nothing. */
  readonly compared: readonly (keyof Params)[];
}

/** Collects the placeholders that are an operand of a comparison (`=`, `<`, `like`…). */
class ComparedPlaceholders extends OperationNodeTransformer {
  readonly found = new Set<Placeholder<unknown>>();

  protected override transformBinaryOperation(
    node: BinaryOperationNode,
    queryId?: QueryId,
  ): BinaryOperationNode {
    for (const operand of [node.leftOperand, node.rightOperand]) {
      if (ValueNode.is(operand) && operand.value instanceof Placeholder) {
        this.found.add(operand.value);
      }
    }
    return super.transformBinaryOperation(node, queryId);
  }
}

/**
 * A query built once and compiled once per dialect, then run many times with new
 * parameter values. Building a query with Kysely's builder and compiling it costs several
 * times what SQLite then spends running it (about 9 µs against 3 µs for a small select in
 * a transaction), so the few queries every message runs are prepared; the rest keep the
 * builder. The query's shape must not depend on the values: lists for `in` cannot be
 * parameters, and a comparison with null never matches (SQL compares null with `is`), so
 * a run that binds null or undefined to a compared parameter throws instead.
 */
export class PreparedQuery<Params extends object, Row> {
  // Keyed by the dialect's adapter, which a database and all its transactions share: SQL
  // differs between SQLite and PostgreSQL, and tests run both in one process.
  readonly #compiled = new WeakMap<DialectAdapter, Compiled<Params, Row>>();

  constructor(private readonly build: (db: Db, param: ParamOf<Params>) => Compilable<Row>) {}

  /** Runs the query in `db` (a database or a transaction); resolves to its rows. */
  async execute(db: Db, values: Params): Promise<Row[]> {
    const { query, slots, compared } = this.#compile(db);
    for (const name of compared) {
      if (values[name] === null || values[name] === undefined) {
        throw new Error(`a prepared query compares "${String(name)}" with null`);
      }
    }
    const parameters = slots.map((slot) => ('name' in slot ? values[slot.name] : slot.constant));
    const bound: CompiledQuery<Row> = { ...query, parameters };
    // In a transaction, straight to its connection (Parley's databases have no Kysely
    // plugins, which are all the executor would add); else through Kysely.
    const connection = connectionOfTransaction(db);
    const result =
      connection === undefined
        ? await db.executeQuery<Row>(bound)
        : await connection.executeQuery<Row>(bound);
    return result.rows;
  }

  async takeFirst(db: Db, values: Params): Promise<Row | undefined> {
    const rows = await this.execute(db, values);
    return rows[0];
  }

  async takeFirstOrThrow(db: Db, values: Params): Promise<Row> {
    const row = await this.takeFirst(db, values);
    if (row === undefined) throw new Error('a prepared query returned no row');
    return row;
  }

  #compile(db: Db): Compiled<Params, Row> {
    // getExecutor() is Kysely's own way to its adapter (marked internal, typed public).
    const adapter = db.getExecutor().adapter;
    let compiled = this.#compiled.get(adapter);
    if (compiled === undefined) {
      const names = new Map<Placeholder<unknown>, keyof Params>();
      const query = this.build(db, (name) => {
        const placeholder = new Placeholder<Params[typeof name]>();
        names.set(placeholder, name);
        return placeholder;
      }).compile();
      const slots = query.parameters.map((value): Slot<Params> => {
        const name = value instanceof Placeholder ? names.get(value) : undefined;
        return name === undefined ? { constant: value } : { name };
      });
      const comparisons = new ComparedPlaceholders();
      comparisons.transformNode(query.query);
      const compared = [...comparisons.found].flatMap((placeholder) => {
        const name = names.get(placeholder);
        return name === undefined ? [] : [name];
      });
      compiled = { query, slots, compared };
      this.#compiled.set(adapter, compiled);
    }
    return compiled;
  }
}
