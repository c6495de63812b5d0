/**
 * The shell's CSS, injected into the shadow root only. The host element is the one thing the
 * page's CSS can reach, so `:host` resets it with `!important` (inside a shadow tree an
 * important `:host` rule beats the page's important rules); everything else is scoped by
 * the shadow root and sized in px, never rem, which the page's root font size would change.
 */
export const widgetStyles = `
:host{all:initial!important;display:block!important;position:fixed!important;z-index:2147483000!important;right:0!important;bottom:0!important;width:0!important;height:0!important;margin:0!important;padding:0!important;border:0!important;overflow:visible!important;visibility:visible!important;opacity:1!important;transform:none!important;pointer-events:auto!important}
.pw{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#111827;text-align:left;-webkit-font-smoothing:antialiased;letter-spacing:normal;word-spacing:normal;text-transform:none}
.pw *,.pw *::before,.pw *::after{box-sizing:border-box}
.pw button,.pw textarea,.pw input{font:inherit;color:inherit;margin:0}
.pw button{cursor:pointer}
.pw :focus{outline:none}
.pw :focus-visible{outline:2px solid var(--parley-primary);outline-offset:2px}
.pw svg{display:block;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}
.pw-launcher{position:fixed;bottom:20px;right:20px;width:56px;height:56px;border:0;border-radius:50%;padding:0;display:flex;align-items:center;justify-content:center;background:var(--parley-primary);color:var(--parley-on-primary);box-shadow:0 6px 20px rgba(0,0,0,.22);transition:transform .15s}
.pw-launcher:hover{transform:scale(1.06)}
.pw-launcher img{width:56px;height:56px;border-radius:50%;object-fit:cover}
.pw-launcher svg{width:26px;height:26px}
.pw-badge{position:absolute;top:-2px;right:-2px;min-width:20px;height:20px;padding:0 6px;border-radius:10px;background:#dc2626;color:#fff;font-size:12px;font-weight:700;line-height:20px;text-align:center}
.pw-left .pw-launcher{right:auto;left:20px}
.pw-panel{position:fixed;right:20px;bottom:92px;width:380px;height:600px;max-height:calc(100vh - 112px);display:flex;flex-direction:column;background:#fff;border-radius:16px;overflow:hidden;box-shadow:0 12px 48px rgba(0,0,0,.25)}
.pw-left .pw-panel{right:auto;left:20px}
.pw-head{display:flex;align-items:center;gap:10px;padding:12px 12px 12px 16px;background:var(--parley-primary);color:var(--parley-on-primary);flex:none}
.pw-head :focus-visible{outline-color:var(--parley-on-primary)}
.pw-avatar{width:36px;height:36px;border-radius:50%;object-fit:cover;flex:none;background:rgba(255,255,255,.2)}
.pw-titles{flex:1;min-width:0}
.pw-title{margin:0;font-size:15px;font-weight:700;line-height:1.3;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.pw-subtitle{margin:0;font-size:12px;opacity:.85;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.pw-preview{flex:none;padding:2px 8px;border-radius:999px;border:1px solid currentColor;font-size:11px;font-weight:700;text-transform:uppercase}
.pw-icon{flex:none;width:36px;height:36px;border:0;border-radius:8px;padding:0;background:transparent;display:flex;align-items:center;justify-content:center}
.pw-icon svg{width:20px;height:20px}
.pw-head .pw-icon:hover{background:rgba(255,255,255,.15)}
.pw-log{flex:1;overflow-y:auto;overscroll-behavior:contain;padding:16px 12px 8px;display:flex;flex-direction:column;gap:4px;background:#f9fafb}
.pw-welcome{margin:0 0 4px;padding:10px 12px;border-radius:12px;background:#fff;border:1px solid #e5e7eb;color:#374151;white-space:pre-wrap}
.pw-row{display:flex;flex-direction:column}
.pw-mine>.pw-ticks,.pw-mine>.pw-failed{align-self:flex-end}
.pw-ticks{display:flex;align-items:center;gap:2px;margin-top:2px;font-size:11px;line-height:14px;color:#6b7280}
.pw-ticks.pw-read{color:var(--parley-primary)}
.pw-ticks svg{width:12px;height:12px}
.pw-failed{border:0;background:none;padding:0;color:#dc2626;font-size:12px;text-decoration:underline}
.pw-typing{display:flex;gap:4px;align-self:flex-start;padding:12px 14px;border-radius:16px;background:#e5e7eb}
.pw-typing span{width:7px;height:7px;border-radius:50%;background:#6b7280;animation:pw-blink 1.2s infinite both}
.pw-typing span:nth-child(2){animation-delay:.2s}
.pw-typing span:nth-child(3){animation-delay:.4s}
@keyframes pw-blink{0%,80%,100%{opacity:.3}40%{opacity:1}}
.pw-composer{display:flex;align-items:flex-end;gap:6px;padding:8px;border-top:1px solid #e5e7eb;background:#fff;flex:none}
.pw-input{flex:1;min-height:40px;max-height:120px;resize:none;border:1px solid #d1d5db;border-radius:10px;padding:9px 12px;background:#fff;line-height:20px;font-size:14px}
.pw-input:focus-visible{outline:2px solid var(--parley-primary);outline-offset:0;border-color:transparent}
.pw-composer .pw-icon{color:#4b5563;width:40px;height:40px}
.pw-composer .pw-icon:hover{background:#f3f4f6}
.pw-send{background:var(--parley-primary)!important;color:var(--parley-on-primary)!important;border-radius:10px}
.pw-send:disabled{opacity:.45;cursor:default}
.pw-note{padding:0 12px 8px;font-size:12px;color:#4b5563;background:#fff}
.pw-note.pw-error{color:#dc2626}
.pw-popups{position:fixed;right:20px;bottom:88px;display:flex;flex-direction:column;align-items:flex-end;gap:8px;max-width:300px}
.pw-left .pw-popups{right:auto;left:20px;align-items:flex-start}
.pw-popup{position:relative;display:flex;align-items:flex-start;background:#fff;border-radius:12px;box-shadow:0 6px 24px rgba(0,0,0,.18)}
.pw-popup-text{border:0;background:none;padding:12px 4px 12px 14px;text-align:left;color:#111827;white-space:pre-wrap}
.pw-popup .pw-icon{width:28px;height:28px;color:#6b7280;margin:4px}
.pw-popup .pw-icon svg{width:14px;height:14px}
.pw-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:479px){.pw-panel,.pw-left .pw-panel{left:0;right:0;top:0;bottom:0;width:100vw;height:100vh;height:100dvh;max-height:none;border-radius:0}.pw-open .pw-launcher{display:none}}
@media (prefers-reduced-motion:reduce){.pw *{animation:none!important;transition:none!important}}
`;
