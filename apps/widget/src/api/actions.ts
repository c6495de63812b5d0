import type { WidgetAction } from '@parley/protocol';

/**
 * Runs the flow's Javascript blocks in the host page, each at most once per page load (the
 * socket and a poll can both deliver one, and a reconnect may deliver it again). The code is
 * the bot owner's, written for their own site: it gets the `Parley` API as its argument. A
 * failing script is logged and never breaks the widget.
 */
export function actionRunner(api: unknown): (action: WidgetAction) => void {
  const done = new Set<string>();
  return (action) => {
    if (done.has(action.id)) return;
    done.add(action.id);
    try {
      // Running the site owner's own script is the point of the Javascript block.
      // eslint-disable-next-line @typescript-eslint/no-implied-eval
      const run = new Function('Parley', action.code);
      run.call(undefined, api);
    } catch (error) {
      console.error('[parley] a Javascript block failed:', error);
    }
  };
}
