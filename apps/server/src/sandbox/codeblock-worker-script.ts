import { Worker } from 'node:worker_threads';

/**
 * How a pool worker loads its module, in the three ways the server runs:
 *
 * - compiled by `tsc -b`: this file is `dist/.../codeblock-worker-script.js` and the worker
 *   module is plain `codeblock-worker.js`;
 * - under tsx (`npm start`) and vitest: this file is the `.ts` source, and so is the worker
 *   module. A worker thread does not inherit the loader hooks of the thread that made it
 *   (tsx's register() on the main thread, vitest's own transform), so the worker registers
 *   tsx itself before importing the module.
 *
 * The bootstrap is an eval'd script rather than a `.mjs` file because tsc copies no `.mjs`
 * into dist, and the bootstrap must be plain JavaScript in every case. It resolves nothing
 * itself: both URLs come absolute in workerData, so the process's cwd does not matter. It
 * uses neither `require` nor top-level await: an eval'd worker is a CommonJS script, or an
 * ES module when the process runs with --input-type=module (workers inherit execArgv).
 */
const WORKER_BOOTSTRAP = `
import('node:worker_threads')
  .then(async ({ workerData }) => {
    if (workerData.tsx !== undefined) (await import(workerData.tsx)).register();
    (await import(workerData.entry)).serve();
  })
  .catch((error) => {
    process.nextTick(() => {
      throw error;
    });
  });
`;

/** The real worker module, with the extension this build runs from. */
export const CODEBLOCK_WORKER_MODULE = new URL(
  new URL(import.meta.url).pathname.endsWith('.ts')
    ? './codeblock-worker.ts'
    : './codeblock-worker.js',
  import.meta.url,
);

interface BootstrapData {
  /** The module whose serve() the worker calls. */
  readonly entry: string;
  /** tsx's ESM API, registered first when the module is TypeScript source. */
  readonly tsx?: string;
}

function bootstrapData(module: URL): BootstrapData {
  if (!module.pathname.endsWith('.ts')) return { entry: module.href };
  // tsx is a dependency of the server; resolved from here, wherever the process started.
  return { entry: module.href, tsx: import.meta.resolve('tsx/esm/api') };
}

/** A worker that loads `module` and calls its serve(); `live` is shared with it for stats. */
export function startCodeblockWorker(module: URL, live: Int32Array): Worker {
  return new Worker(WORKER_BOOTSTRAP, {
    eval: true,
    workerData: { ...bootstrapData(module), live },
  });
}
