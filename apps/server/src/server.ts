import type { FastifyInstance } from 'fastify';
import type { Config } from './config/config.js';
import { bootstrapFirstAccount, describeBootstrap } from './core/accounts/bootstrap.js';
import { buildApp } from './http/app.js';
import { installDemo, type DemoWorkspace } from './core/bots/demo-setup.js';
import { warmCodeblockPool } from './sandbox/codeblock-sandbox.js';
import { createRuntime, type Runtime } from './runtime.js';

export interface RunningServer {
  readonly runtime: Runtime;
  readonly app: FastifyInstance;
  /** The URL the server listens on (the real port when PORT=0). */
  readonly url: string;
  /** Graceful stop: refuse new connections, finish in-flight requests and jobs, close pools. */
  stop(): Promise<void>;
}

/**
 * Starts one Parley process: migrate, bootstrap the first account (printing its
 * credentials once), serve HTTP and, unless PARLEY_RUN_WORKERS=false, run the job workers.
 */
export async function startServer(
  config: Config,
  print: (text: string) => void = console.log,
): Promise<RunningServer> {
  const runtime = await createRuntime(config);
  try {
    const created = await bootstrapFirstAccount(runtime.database.db, config);
    if (created !== undefined) {
      print(describeBootstrap(created, config.publicUrl));
      // The demo is a convenience: if it cannot be installed, Parley still starts.
      try {
        const demo = await installDemo(
          runtime.context,
          runtime.services,
          created.account.id,
          created.admin.id,
        );
        print(describeDemo(demo, config.publicUrl));
      } catch (error) {
        runtime.logger.warn({ err: error }, 'could not install the demo bot');
      }
    }
    if (runtime.secretKeyGenerated) {
      runtime.logger.warn(
        { dataDir: config.dataDir },
        'generated a new master secret in the data directory: back it up with the database',
      );
    }
    const app = await buildApp(runtime);
    const address = await app.listen({ port: config.port, host: config.host });
    if (config.runWorkers) {
      await runtime.startWorkers();
      // A Codeblock's first run should not pay for starting its sandbox worker.
      warmCodeblockPool();
    }
    runtime.logger.info(
      {
        address,
        database: runtime.database.description,
        queue: runtime.queue.backend,
        bus: runtime.bus.backend,
      },
      'Parley is listening',
    );
    let stopping: Promise<void> | undefined;
    return {
      runtime,
      app,
      url: address.replace('0.0.0.0', '127.0.0.1').replace('[::]', '127.0.0.1'),
      stop() {
        stopping ??= (async () => {
          await app.close();
          await runtime.close();
        })();
        return stopping;
      },
    };
  } catch (error) {
    await runtime.close();
    throw error;
  }
}

/** Runs only the job workers (`parley worker`), for scaling jobs apart from HTTP. */
export async function startWorker(config: Config): Promise<Runtime> {
  const runtime = await createRuntime(config);
  await runtime.startWorkers();
  runtime.logger.info({ queue: runtime.queue.backend }, 'Parley worker is running');
  return runtime;
}

/** Stops gracefully on SIGINT/SIGTERM; a second signal, or the timeout, forces the exit. */
export function stopOnSignals(
  stop: () => Promise<void>,
  timeoutMs: number,
  log: (message: string) => void,
): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    log(`${signal} received: shutting down`);
    const force = setTimeout(() => process.exit(1), timeoutMs + 2_000);
    force.unref();
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

function describeDemo(demo: DemoWorkspace, publicUrl: string): string {
  return [
    '  A demo bot answers on the "Demo sandbox" channel. Talk to it as a contact:',
    '',
    `    curl -X POST ${publicUrl}/api/native/channels/${demo.channelId}/sandbox/inbound \\`,
    '      -H "Authorization: Bearer <account token>" -H "Content-Type: application/json" \\',
    '      -d \'{"from": "+14155550123", "content": {"type": "text", "text": "Hi"}}\'',
    '',
    `  and read its replies with GET ${publicUrl}/api/native/conversations/<conversation_id>/messages.`,
    '',
    '  Or chat with the demo bots in the web widget, on demo pages with their embed tag:',
    '',
    ...demo.bots.map((bot) => `    ${bot.title}: ${publicUrl}/demo?bot_key=${bot.botKey}`),
    '',
    `  and try a draft (with the debugger panel) at ${publicUrl}/preview/${demo.previewKey}`,
    '',
  ].join('\n');
}
