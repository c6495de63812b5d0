import type { Ref } from 'preact';
import type { WidgetAppearance } from '@parley/protocol';
import { ChatIcon, CloseIcon } from './icons.js';

interface LauncherProps {
  readonly open: boolean;
  readonly unread: number;
  readonly appearance: WidgetAppearance;
  readonly onToggle: () => void;
  readonly buttonRef: Ref<HTMLButtonElement>;
}

/** The round button in the page's corner that opens and closes the chat. */
export function Launcher({ open, unread, appearance, onToggle, buttonRef }: LauncherProps) {
  const icon = open ? (
    <CloseIcon />
  ) : appearance.launcherIconUrl === null ? (
    <ChatIcon />
  ) : (
    <img src={appearance.launcherIconUrl} alt="" />
  );
  return (
    <button
      type="button"
      class="pw-launcher"
      data-testid="launcher"
      aria-label={open ? 'Close chat' : 'Open chat'}
      aria-expanded={open}
      onClick={onToggle}
      ref={buttonRef}
    >
      {icon}
      {!open && unread > 0 ? (
        <span class="pw-badge" aria-hidden="true">
          {unread > 9 ? '9+' : unread}
        </span>
      ) : null}
    </button>
  );
}
