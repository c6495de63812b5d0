const READY: unique symbol = Symbol('ready');

/**
 * An async generator's items through `map`, up to `ahead` of them in progress at once, the
 * results yielded in the items' order; returns what the source returned. The crawl job runs
 * pages through the page pool this way: the next pages are being extracted while one is
 * written, and the writes keep the order in which the crawler found the pages.
 */
export async function* mapAhead<T, R, S>(
  source: AsyncIterator<T, S>,
  map: (item: T) => Promise<R>,
  ahead: number,
): AsyncGenerator<R, S> {
  const pending: Promise<R>[] = [];
  let next = source.next();
  let finished = false;
  try {
    for (;;) {
      const head = pending.at(0);
      // Whichever comes first: the source's next item (while fewer than `ahead` are in
      // progress), or the oldest result to hand on.
      const event =
        pending.length >= Math.max(1, ahead)
          ? READY
          : head === undefined
            ? await next
            : await Promise.race([next, head.then((): typeof READY => READY)]);
      if (event === READY) {
        yield await takeFirst(pending);
        continue;
      }
      if (event.done === true) {
        finished = true;
        // Hand on what is left, then return the source's value.
        while (pending.length > 0) yield await takeFirst(pending);
        return event.value;
      }
      const result = map(event.value);
      // Awaited in turn; until then, a failure must not count as unhandled.
      result.catch(() => undefined);
      pending.push(result);
      next = source.next();
    }
  } finally {
    // Stopped early (the consumer returned or threw): the source stops too, once its pending
    // item is in (not awaited: that may be a page still downloading).
    if (!finished) source.return?.().catch(() => undefined);
  }
}

function takeFirst<R>(pending: Promise<R>[]): Promise<R> {
  const first = pending.shift();
  if (first === undefined) throw new Error('mapAhead: nothing in progress');
  return first;
}
