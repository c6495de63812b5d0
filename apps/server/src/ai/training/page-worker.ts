import { parentPort } from 'node:worker_threads';
import { pageDocument } from './page-document.js';
import { isPageJob, type FromPageWorker } from './page-worker-messages.js';

/**
 * The worker-thread side of PagePool: the pool's bootstrap imports this module and calls
 * serve(). Each job is one page through pageDocument(), exactly as on the main thread.
 */
export function serve(): void {
  const port = parentPort;
  if (port === null) throw new Error('serve() runs in a worker thread');
  const send = (message: FromPageWorker) => {
    port.postMessage(message);
  };
  port.on('message', (message: unknown) => {
    if (!isPageJob(message)) return;
    const { id } = message;
    pageDocument(message.page, message.url).then(
      (result) => {
        send({ type: 'done', id, result });
      },
      (error: unknown) => {
        send({
          type: 'error',
          id,
          message: error instanceof Error ? error.message : String(error),
        });
      },
    );
  });
  send({ type: 'ready' });
}
