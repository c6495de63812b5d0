import type { WidgetAppearance, WidgetConfig } from '@parley/protocol';

/**
 * Web triggers and pop-ups: the widget's own initiative on page load. Pure decisions here
 * (what fires when), timers in `schedule`.
 */

type Trigger = WidgetConfig['triggers'][number];
type Popup = WidgetAppearance['popups'][number];

/** Milliseconds after load at which `trigger` fires on this page, or null when it does not. */
export function triggerDelay(trigger: Trigger, href: string, firstVisit: boolean): number | null {
  if (trigger.urlContains !== undefined && !href.includes(trigger.urlContains)) return null;
  if (trigger.firstVisitOnly === true && !firstVisit) return null;
  return (trigger.secondsOnPage ?? 0) * 1_000;
}

/** When the first of the triggers fires, or null when none applies to this page. */
export function firstTrigger(
  triggers: readonly Trigger[],
  href: string,
  firstVisit: boolean,
): number | null {
  let earliest: number | null = null;
  for (const trigger of triggers) {
    const delay = triggerDelay(trigger, href, firstVisit);
    if (delay !== null && (earliest === null || delay < earliest)) earliest = delay;
  }
  return earliest;
}

/** The pop-ups meant for this page, with when each appears. */
export function popupsFor(
  popups: readonly Popup[],
  href: string,
): { index: number; text: string; delayMs: number }[] {
  return popups.flatMap((popup, index) =>
    popup.urlContains === '' || href.includes(popup.urlContains)
      ? [{ index, text: popup.text, delayMs: popup.delaySeconds * 1_000 }]
      : [],
  );
}

export interface AutomationHooks {
  /** A web trigger fired: open the chat and start the bot. */
  trigger(): void;
  showPopup(popup: { index: number; text: string }): void;
}

/** Starts the timers for one page load; the returned function cancels what has not fired. */
export function schedule(
  config: WidgetConfig,
  appearance: WidgetAppearance,
  firstVisit: boolean,
  hooks: AutomationHooks,
): () => void {
  const href = location.href;
  const timers: ReturnType<typeof setTimeout>[] = [];
  const triggerAt = firstTrigger(config.triggers, href, firstVisit);
  if (triggerAt !== null) {
    timers.push(
      setTimeout(() => {
        hooks.trigger();
      }, triggerAt),
    );
  }
  for (const popup of popupsFor(appearance.popups, href)) {
    timers.push(
      setTimeout(() => {
        hooks.showPopup(popup);
      }, popup.delayMs),
    );
  }
  return () => {
    for (const timer of timers) clearTimeout(timer);
  };
}
