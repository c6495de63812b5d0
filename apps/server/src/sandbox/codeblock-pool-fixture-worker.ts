import { serve as serveCodeblocks } from './codeblock-worker.js';

/**
 * A pool worker for tests: the real one, where code containing a marker hangs or kills the
 * worker right after its run started, as a hang inside wasm or a crash of the thread would.
 */
export function serve(): void {
  serveCodeblocks({
    onStarted(code) {
      if (code.includes('HANG_WORKER'))
        for (;;) {
          // Spins where no interrupt handler is consulted: only terminate() stops it.
        }
      if (code.includes('CRASH_WORKER')) process.exit(7);
    },
  });
}
