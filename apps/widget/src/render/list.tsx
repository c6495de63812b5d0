import { useEffect, useId, useRef } from 'preact/hooks';
import { useReply } from './choices.js';
import { Bubble, RichText } from './text.js';
import type { PartProps } from './types.js';

/** The nearest scrolling ancestor: the widget's message list, which the sheet covers. */
function scrollParent(node: HTMLElement): HTMLElement | null {
  for (let el = node.parentElement; el !== null; el = el.parentElement) {
    if (/(auto|scroll)/.test(getComputedStyle(el).overflowY)) return el;
  }
  return null;
}

/**
 * A list message: the text and a button opening a modal sheet (a native `<dialog>`: focus
 * stays inside, Escape closes, focus returns to the button) over the widget's messages.
 */
export function ListPart({ content, active, actions }: PartProps<'list'>) {
  const { chosen, choose } = useReply(actions);
  const dialog = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const titleId = useId();

  const open = () => {
    const sheet = dialog.current;
    const button = opener.current;
    if (sheet === null || button === null) return;
    const area = scrollParent(button)?.getBoundingClientRect();
    if (area !== undefined) {
      Object.assign(sheet.style, {
        left: `${area.left}px`,
        width: `${area.width}px`,
        bottom: `${window.innerHeight - area.bottom}px`,
        maxHeight: `${Math.max(area.height, 200)}px`,
        margin: '0',
      });
    }
    sheet.showModal();
  };
  const close = () => {
    dialog.current?.close();
  };
  // A newer message makes the list read-only: an open sheet goes away with it.
  useEffect(() => {
    if (!active) dialog.current?.close();
  }, [active]);

  return (
    <>
      <Bubble>
        <RichText text={content.text} />
      </Bubble>
      <div class="p-actions">
        <button
          ref={opener}
          type="button"
          class="p-btn"
          aria-haspopup="dialog"
          disabled={!active || chosen !== null}
          onClick={open}
        >
          <span aria-hidden="true">☰</span>
          {content.buttonText}
        </button>
      </div>
      <dialog
        ref={dialog}
        class="p-sheet"
        aria-labelledby={titleId}
        onClick={(event) => {
          // A click on the backdrop lands on the dialog itself.
          if (event.target === event.currentTarget) close();
        }}
      >
        <div class="p-sheet-head">
          <h2 id={titleId} class="p-sheet-title">
            {content.buttonText}
          </h2>
          <button type="button" class="p-icon-btn" aria-label="Close" onClick={close}>
            ✕
          </button>
        </div>
        {content.sections.map((section, s) => (
          <section key={s} class="p-sheet-section">
            {section.title === undefined ? null : <h3 class="p-sheet-sub">{section.title}</h3>}
            <ul class="p-plain">
              {section.rows.map((row) => (
                <li key={row.id}>
                  <button
                    type="button"
                    class="p-row"
                    onClick={() => {
                      close();
                      choose(row.id, row.title);
                    }}
                  >
                    <span class="p-row-title">{row.title}</span>
                    {row.description === undefined ? null : (
                      <span class="p-row-desc">{row.description}</span>
                    )}
                  </button>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </dialog>
    </>
  );
}
