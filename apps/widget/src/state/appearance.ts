import type { WidgetAppearance } from '@parley/protocol';
import { isRecord } from '../transport/guards.js';

/** The protocol's defaults, shown until the config arrives (and under `setAppearance`). */
export const DEFAULT_APPEARANCE: WidgetAppearance = {
  title: 'Chat with us',
  subtitle: 'We usually reply in a few minutes',
  welcomeText: '',
  primaryColor: '#2563eb',
  textColor: '#ffffff',
  avatarUrl: null,
  launcherIconUrl: null,
  position: 'right',
  customCss: '',
  imageMaxWidth: 240,
  imageMaxHeight: 240,
  popups: [],
  openOnLoad: false,
};

const STRING_KEYS = ['title', 'subtitle', 'welcomeText', 'customCss'] as const;
const COLOR_KEYS = ['primaryColor', 'textColor'] as const;
const URL_KEYS = ['avatarUrl', 'launcherIconUrl'] as const;
const SIZE_KEYS = ['imageMaxWidth', 'imageMaxHeight'] as const;

type Popup = WidgetAppearance['popups'][number];

function toPopup(value: unknown): Popup | null {
  if (!isRecord(value) || typeof value.text !== 'string' || value.text === '') return null;
  return {
    text: value.text,
    delaySeconds: typeof value.delaySeconds === 'number' ? value.delaySeconds : 5,
    urlContains: typeof value.urlContains === 'string' ? value.urlContains : '',
  };
}

/**
 * The valid part of what a page passed to `Parley.setAppearance` (the builder's live
 * preview): plain JavaScript callers can hand anything, and a wrong type must not reach CSS.
 */
export function sanitizeAppearance(value: unknown): Partial<WidgetAppearance> {
  const out: Partial<WidgetAppearance> = {};
  if (!isRecord(value)) return out;
  for (const key of STRING_KEYS) {
    const v = value[key];
    if (typeof v === 'string') out[key] = v;
  }
  for (const key of COLOR_KEYS) {
    const v = value[key];
    if (typeof v === 'string' && /^#[0-9a-fA-F]{6}$/.test(v)) out[key] = v;
  }
  for (const key of URL_KEYS) {
    const v = value[key];
    if (v === null || (typeof v === 'string' && /^https?:\/\//.test(v))) out[key] = v;
  }
  for (const key of SIZE_KEYS) {
    const v = value[key];
    if (typeof v === 'number' && v >= 80 && v <= 800) out[key] = v;
  }
  if (value.position === 'left' || value.position === 'right') out.position = value.position;
  if (typeof value.openOnLoad === 'boolean') out.openOnLoad = value.openOnLoad;
  if (Array.isArray(value.popups)) {
    out.popups = value.popups.map(toPopup).filter((p): p is Popup => p !== null);
  }
  return out;
}
