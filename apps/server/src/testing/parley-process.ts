import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait-for.js';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/parley.js');

export interface ParleyProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything printed to stdout so far. */
  output(): string;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

/**
 * Starts `parley start` as its own process, exactly as `npm start` does, and waits until
 * /healthz answers. The test's own environment is not inherited except PATH.
 */
export async function startParleyProcess(env: Record<string, string>): Promise<ParleyProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [BIN, 'start'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      PARLEY_RATE_LIMIT_PER_MINUTE: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      resolve(code);
    }),
  );
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null)
          throw new Error(`parley exited with ${child.exitCode}: ${stderr}`);
        return fetch(`${url}/healthz`).then(
          (response) => response.ok,
          () => false,
        );
      },
      20_000,
      'parley to answer /healthz',
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${String(error)}\n${stdout}\n${stderr}`);
  }
  return {
    url,
    child,
    output: () => stdout,
    kill(signal) {
      if (child.exitCode !== null || child.signalCode !== null)
        return Promise.resolve(child.exitCode);
      child.kill(signal);
      return exited;
    },
  };
}

/** Reads one sample of a Prometheus metric from /metrics text (0 when absent). */
export function metricValue(
  metrics: string,
  name: string,
  labels: Record<string, string> = {},
): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  let total = 0;
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (wanted.every((label) => line.includes(label)))
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}
