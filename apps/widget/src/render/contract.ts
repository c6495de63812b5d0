import type { MessageContent, WidgetAppearance, WidgetMessage } from '@parley/protocol';

/**
 * The seam between the widget shell (transport, state, layout) and the message renderers:
 * the shell hands each message to `MessageView` with these props; renderers never talk to
 * the server themselves.
 */
export interface MessageActions {
  /** Sends the visitor's answer: a text, a `reply` (button, row, form) or a media message. */
  send(content: MessageContent): void;
  /**
   * Uploads a file (progress from 0 to 1) and sends it as a media message; rejects with a
   * message a person can read when the upload fails or the file is refused.
   */
  upload(file: File, onProgress: (fraction: number) => void): Promise<void>;
  /** Opens a link the visitor chose, in a new tab. */
  openUrl(url: string): void;
}

export interface MessageViewProps {
  readonly message: WidgetMessage;
  /**
   * The latest message of the conversation: only its interactive parts (quick replies,
   * forms, pickers, file requests) accept input; older ones are shown read-only.
   */
  readonly active: boolean;
  readonly appearance: WidgetAppearance;
  readonly actions: MessageActions;
}
