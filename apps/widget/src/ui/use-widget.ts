import { useEffect, useState } from 'preact/hooks';
import type { Widget, WidgetState } from '../state/widget.js';

/** The widget's state, re-rendering the component whenever it changes. */
export function useWidgetState(widget: Widget): WidgetState {
  const [state, setState] = useState(widget.state);
  useEffect(() => {
    // Catch a change made between the first render and this subscription.
    setState(widget.state);
    return widget.store.subscribe(() => {
      setState(widget.state);
    });
  }, [widget]);
  return state;
}
