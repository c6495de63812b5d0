import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config/config.js';
import { testBotCommand } from '../engine/test-runner/index.js';
import { loadEnvFile } from '../config/load-env-file.js';
import { createAccount } from '../core/accounts/accounts-service.js';
import { issueToken } from '../core/tokens/tokens-service.js';
import { startServer, startWorker, stopOnSignals } from '../server.js';
import { openDatabase } from '../storage/database.js';
import { migrateToLatest } from '../storage/migrator.js';
import { UsersRepository } from '../storage/repositories/users-repository.js';

const USAGE = `Usage: parley <command> [options]

Commands:
  start                          HTTP server and job workers (the default)
  worker                         job workers only (scale-out)
  migrate                        apply pending database migrations and exit
  create-account --name N --email E [--password P]
                                 create an account with an admin and an account token
  create-token --account ID [--kind account|user|app] [--user ID] [--name N]
                                 issue an API token (printed once)
  test-bot <flow.json> <scenarios.yaml|json>
                                 run bot scenarios (no server); exit 1 on failure

Configuration comes from environment variables (and .env); see the README.`;

async function main(argv: readonly string[]): Promise<void> {
  const [command = 'start', ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return;
  }
  if (command === 'test-bot') {
    // Runs bot scenarios through the real runtime: no configuration, no database.
    process.exitCode = await testBotCommand(rest, {
      readFile: (file) => readFile(file, 'utf8'),
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
    });
    return;
  }
  loadEnvFile();
  const config = loadConfig(process.env);
  switch (command) {
    case 'start': {
      const server = await startServer(config);
      stopOnSignals(
        () => server.stop(),
        config.shutdownTimeoutMs,
        (message) => {
          server.runtime.logger.info(message);
        },
      );
      return;
    }
    case 'worker': {
      const runtime = await startWorker(config);
      stopOnSignals(
        () => runtime.close(),
        config.shutdownTimeoutMs,
        (message) => {
          runtime.logger.info(message);
        },
      );
      return;
    }
    case 'migrate':
      return migrate(config);
    case 'create-account':
      return createAccountCommand(config, rest);
    case 'create-token':
      return createTokenCommand(config, rest);
    default:
      throw new UsageError(`Unknown command "${command}".`);
  }
}

async function migrate(config: Config): Promise<void> {
  const database = openDatabase(config.databaseUrl);
  try {
    const { applied } = await migrateToLatest(database.db, database.dialect);
    console.log(
      applied.length === 0 ? 'The database is up to date.' : `Applied: ${applied.join(', ')}`,
    );
  } finally {
    await database.close();
  }
}

async function createAccountCommand(config: Config, args: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...args],
    options: { name: { type: 'string' }, email: { type: 'string' }, password: { type: 'string' } },
  });
  if (values.name === undefined || values.email === undefined)
    throw new UsageError('create-account needs --name and --email.');
  const { name, email, password } = values;
  const database = openDatabase(config.databaseUrl);
  try {
    await migrateToLatest(database.db, database.dialect);
    const created = await database.db
      .transaction()
      .execute((trx) => createAccount(trx, { name, adminEmail: email, adminPassword: password }));
    console.log(
      JSON.stringify(
        {
          account_id: created.account.id,
          admin_email: created.admin.email,
          admin_password: created.adminPassword,
          account_token: created.accountToken,
        },
        null,
        2,
      ),
    );
  } finally {
    await database.close();
  }
}

async function createTokenCommand(config: Config, args: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      account: { type: 'string' },
      kind: { type: 'string', default: 'account' },
      user: { type: 'string' },
      name: { type: 'string', default: 'CLI token' },
    },
  });
  const accountId = Number(values.account);
  const kind = values.kind;
  if (!Number.isInteger(accountId) || accountId <= 0)
    throw new UsageError('create-token needs --account <id>.');
  if (kind !== 'account' && kind !== 'user' && kind !== 'app')
    throw new UsageError('--kind is account, user or app.');
  const database = openDatabase(config.databaseUrl);
  try {
    await migrateToLatest(database.db, database.dialect);
    const account = await database.db
      .selectFrom('accounts')
      .select('id')
      .where('id', '=', accountId)
      .executeTakeFirst();
    if (account === undefined) throw new UsageError(`No account ${accountId}.`);
    const userId = values.user === undefined ? null : Number(values.user);
    if (kind !== 'account') {
      const user =
        userId === null
          ? undefined
          : await new UsersRepository(database.db, accountId).findById(userId);
      if (user === undefined)
        throw new UsageError(
          `A ${kind} token needs --user <id> of a user in account ${accountId}.`,
        );
    }
    const issued = await issueToken(database.db, accountId, { kind, name: values.name, userId });
    console.log(
      JSON.stringify(
        { id: issued.row.id, kind, account_id: accountId, token: issued.secret },
        null,
        2,
      ),
    );
  } finally {
    await database.close();
  }
}

class UsageError extends Error {}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof UsageError) {
    console.error(error.message);
    if (error instanceof UsageError) console.error(`\n${USAGE}`);
  } else {
    console.error(error);
  }
  process.exit(1);
});
