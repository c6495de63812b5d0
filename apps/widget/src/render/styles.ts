/**
 * The renderers' CSS, injected into the widget's shadow root: `p-` classes only, colours
 * from `--parley-primary` / `--parley-on-primary`. Sized for a 360 px wide panel.
 */
export const renderStyles = `
.p-msg{display:flex;flex-direction:column;align-items:flex-start;gap:6px;margin:4px 0;max-width:100%;box-sizing:border-box;font-size:14px;line-height:1.4}
.p-msg *,.p-msg *::before,.p-msg *::after,.p-sheet,.p-sheet *{box-sizing:border-box}
.p-visitor{align-items:flex-end}
.p-sys{align-items:center}
.p-name{font-size:12px;color:#6b7280;margin:0 4px -2px}

.p-bubble{max-width:85%;padding:8px 12px;border-radius:16px 16px 16px 4px;background:#f1f3f5;color:#1f2328;overflow-wrap:anywhere;white-space:pre-wrap}
.p-visitor .p-bubble{background:var(--parley-primary);color:var(--parley-on-primary);border-radius:16px 16px 4px 16px}
.p-bubble a{color:inherit;text-decoration:underline}
.p-code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em;padding:0 3px;border-radius:4px;background:rgba(127,127,127,.18)}
.p-block{display:block}
.p-muted{color:#6b7280;font-size:13px}
.p-visitor .p-bubble .p-muted{color:inherit;opacity:.8}
.p-plain{list-style:none;margin:0;padding:0}
.p-contact+.p-contact{margin-top:8px}
.p-products{margin:4px 0 0;padding-left:18px}
.p-system{max-width:90%;text-align:center;font-size:12px;color:#6b7280;padding:2px 8px;overflow-wrap:anywhere}
.p-media{padding:4px;white-space:normal}
.p-media .p-caption{padding:4px 8px 2px;white-space:pre-wrap}
.p-img-link{display:block;line-height:0}
.p-img,.p-video{display:block;width:auto;height:auto;max-width:100%;border-radius:12px;object-fit:contain}
.p-audio{display:block;width:240px;max-width:100%}
.p-file{display:flex;align-items:baseline;gap:8px;padding:6px 8px}
.p-file-name{font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;min-width:0}
.p-file-size{font-size:12px;opacity:.75;white-space:nowrap}
.p-actions{display:flex;flex-direction:column;gap:6px;width:85%;max-width:280px}
.p-btn{display:inline-flex;align-items:center;justify-content:center;gap:6px;min-height:36px;padding:7px 14px;border:1px solid var(--parley-primary);border-radius:18px;background:#fff;color:var(--parley-primary);font:inherit;font-weight:600;text-align:center;text-decoration:none;cursor:pointer}
.p-btn:hover:not(:disabled){background:color-mix(in srgb,var(--parley-primary) 10%,#fff)}
.p-btn:disabled{cursor:default;opacity:.55}
.p-btn.p-chosen,.p-btn-primary{background:var(--parley-primary);color:var(--parley-on-primary)}
.p-btn-primary:hover:not(:disabled){background:var(--parley-primary);filter:brightness(1.08)}
.p-btn.p-chosen:disabled{opacity:1}
.p-chips{display:flex;flex-wrap:wrap;gap:6px;max-width:100%}
.p-chip{min-height:32px;padding:5px 12px;border:1px solid var(--parley-primary);border-radius:16px;background:#fff;color:var(--parley-primary);font:inherit;cursor:pointer}
.p-chip:hover{background:var(--parley-primary);color:var(--parley-on-primary)}
.p-msg :focus-visible,.p-sheet :focus-visible{outline:2px solid var(--parley-primary);outline-offset:2px}
.p-track:focus-visible{outline-offset:-2px}
.p-carousel{position:relative;width:100%}
.p-track{display:flex;gap:8px;overflow-x:auto;scroll-snap-type:x mandatory;scroll-padding-inline:2px;scrollbar-width:thin;padding:2px 2px 6px}
.p-card{flex:0 0 220px;max-width:80%;display:flex;flex-direction:column;scroll-snap-align:start;border:1px solid #e3e5e8;border-radius:12px;background:#fff;overflow:hidden}
.p-card-img{display:block;width:100%;height:130px;object-fit:cover;background:#f1f3f5}
.p-card-body{padding:8px 10px;flex:1}
.p-card-title{font-weight:600;overflow-wrap:anywhere}
.p-card-sub{font-size:13px;color:#6b7280;margin-top:2px;overflow-wrap:anywhere}
.p-card-actions{display:flex;flex-direction:column;gap:6px;padding:0 10px 10px}
.p-nav{position:absolute;top:50%;transform:translateY(-50%);width:32px;height:32px;border:0;border-radius:50%;background:#fff;color:#1f2328;box-shadow:0 1px 4px rgba(0,0,0,.3);font-size:20px;line-height:1;cursor:pointer}
.p-pics .p-nav{top:67px}
.p-nav:disabled{display:none}
.p-prev{left:4px}
.p-next{right:4px}
.p-form{width:100%;max-width:320px;padding:12px;border:1px solid #e3e5e8;border-radius:12px;background:#fff}
.p-form-title{font-weight:600;margin-bottom:8px}
.p-fieldset{border:0;margin:0;padding:0;min-width:0}
.p-field{margin-bottom:10px}
.p-label{display:block;font-size:13px;margin-bottom:3px;color:#1f2328}
.p-req{color:#b91c1c}
.p-input{display:block;width:100%;min-height:36px;padding:7px 9px;border:1px solid #c9cdd2;border-radius:8px;background:#fff;color:#1f2328;font:inherit;font-size:16px}
textarea.p-input{resize:vertical}
.p-input[aria-invalid=true]{border-color:#b91c1c}
.p-input:disabled{background:#f6f7f8;color:#4b5563}
.p-error{color:#b91c1c;font-size:12px;margin-top:3px}
.p-submit{width:100%}
.p-picker{width:85%;max-width:300px}
.p-inline{display:flex;align-items:center;gap:8px}
.p-inline .p-input{flex:1;min-width:0}
.p-range{flex:1;min-width:0;accent-color:var(--parley-primary)}
.p-range-value{min-width:3ch;text-align:right;font-weight:600}
.p-range-ends{display:flex;justify-content:space-between;font-size:12px;color:#6b7280;margin:2px 0 8px}
.p-upload{display:flex;flex-direction:column;align-items:flex-start;gap:6px;width:85%;max-width:280px}
.p-hint{font-size:12px;color:#6b7280}
.p-progress{width:100%;height:6px;border-radius:3px;background:#e5e7eb;overflow:hidden}
.p-progress-bar{height:100%;background:var(--parley-primary);transition:width .2s}
.p-sheet{position:fixed;inset:auto 0 0;width:min(100vw,400px);max-width:100vw;max-height:70vh;margin:auto auto 0;padding:0 0 8px;border:0;border-radius:16px 16px 0 0;background:#fff;color:#1f2328;box-shadow:0 -4px 24px rgba(0,0,0,.2);overflow-y:auto;font-size:14px;line-height:1.4}
.p-sheet::backdrop{background:rgba(0,0,0,.3)}
.p-sheet-head{position:sticky;top:0;display:flex;align-items:center;justify-content:space-between;gap:8px;padding:12px 12px 8px 16px;background:#fff;border-bottom:1px solid #e3e5e8}
.p-sheet-title{margin:0;font-size:16px;font-weight:600}
.p-sheet-sub{margin:10px 16px 2px;font-size:12px;font-weight:600;text-transform:uppercase;color:#6b7280}
.p-icon-btn{width:32px;height:32px;border:0;border-radius:50%;background:transparent;color:inherit;font-size:16px;cursor:pointer}
.p-icon-btn:hover{background:#f1f3f5}
.p-row{display:block;width:100%;padding:10px 16px;border:0;background:transparent;color:inherit;font:inherit;text-align:left;cursor:pointer}
.p-row:hover{background:#f1f3f5}
.p-row-title{display:block;font-weight:600}
.p-row-desc{display:block;font-size:13px;color:#6b7280}
`;
