import { CloseIcon } from './icons.js';

interface PopupsProps {
  readonly popups: readonly { index: number; text: string }[];
  readonly onOpen: () => void;
  readonly onDismiss: (index: number) => void;
}

/** Proactive messages beside the closed launcher: a click opens the chat. */
export function Popups({ popups, onOpen, onDismiss }: PopupsProps) {
  if (popups.length === 0) return null;
  return (
    <div class="pw-popups" role="status">
      {popups.map((popup) => (
        <div class="pw-popup" key={popup.index} data-testid="popup">
          <button type="button" class="pw-popup-text" onClick={onOpen}>
            {popup.text}
          </button>
          <button
            type="button"
            class="pw-icon"
            aria-label="Dismiss"
            onClick={() => {
              onDismiss(popup.index);
            }}
          >
            <CloseIcon />
          </button>
        </div>
      ))}
    </div>
  );
}
