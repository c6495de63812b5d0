import type { PageBody, PageDocument } from './page-document.js';

/** What PagePool and its workers say to each other. */

export interface PageJob {
  readonly id: number;
  readonly page: PageBody;
  readonly url: string;
}

export type FromPageWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly id: number; readonly result: PageDocument }
  /** An unexpected error (a bug, not a page that cannot be read): the crawl fails with it. */
  | { readonly type: 'error'; readonly id: number; readonly message: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

export function isPageJob(value: unknown): value is PageJob {
  if (!isRecord(value) || typeof value.id !== 'number' || typeof value.url !== 'string')
    return false;
  const page = value.page;
  return (
    isRecord(page) &&
    typeof page.finalUrl === 'string' &&
    typeof page.contentType === 'string' &&
    typeof page.body === 'string'
  );
}

function isPageDocument(value: unknown): value is PageDocument {
  if (!isRecord(value)) return false;
  if (typeof value.failure === 'string') return true;
  const document = value.document;
  return (
    isRecord(document) &&
    typeof document.title === 'string' &&
    typeof document.hash === 'string' &&
    Array.isArray(document.chunks)
  );
}

/** Messages come from our own worker module: the shape is checked, not each chunk. */
export function isFromPageWorker(value: unknown): value is FromPageWorker {
  if (!isRecord(value)) return false;
  switch (value.type) {
    case 'ready':
      return true;
    case 'done':
      return typeof value.id === 'number' && isPageDocument(value.result);
    case 'error':
      return typeof value.id === 'number' && typeof value.message === 'string';
    default:
      return false;
  }
}
