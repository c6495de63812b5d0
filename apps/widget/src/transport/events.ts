import type { DeliveryStatus, WidgetAction, WidgetMessage } from '@parley/protocol';

/** What the live channel (socket or long-polling) reports to the widget. */
export interface LiveEvents {
  message(message: WidgetMessage): void;
  status(id: string, status: DeliveryStatus): void;
  typing(on: boolean, name: string | null): void;
  action(action: WidgetAction): void;
  /** The largest `seq` the server has for this visitor (polling reports it explicitly). */
  cursor(seq: number): void;
  /** The visitor token was refused: the widget must forget it and open a new session. */
  unauthorized(): void;
}
