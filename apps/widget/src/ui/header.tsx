import type { WidgetAppearance } from '@parley/protocol';
import { CloseIcon } from './icons.js';

interface HeaderProps {
  readonly appearance: WidgetAppearance;
  readonly preview: boolean;
  readonly titleId: string;
  readonly onClose: () => void;
}

export function Header({ appearance, preview, titleId, onClose }: HeaderProps) {
  return (
    <div class="pw-head">
      {appearance.avatarUrl === null ? null : (
        <img class="pw-avatar" src={appearance.avatarUrl} alt="" />
      )}
      <div class="pw-titles">
        <h2 class="pw-title" id={titleId}>
          {appearance.title}
        </h2>
        {appearance.subtitle === '' ? null : <p class="pw-subtitle">{appearance.subtitle}</p>}
      </div>
      {preview ? <span class="pw-preview">Preview</span> : null}
      <button
        type="button"
        class="pw-icon"
        data-testid="close"
        aria-label="Close chat"
        onClick={onClose}
      >
        <CloseIcon />
      </button>
    </div>
  );
}
