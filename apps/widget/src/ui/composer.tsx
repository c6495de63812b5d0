import type { Ref } from 'preact';
import { useRef, useState } from 'preact/hooks';
import type { MessageActions } from '../render/contract.js';
import { AttachIcon, SendIcon } from './icons.js';

interface ComposerProps {
  readonly actions: MessageActions;
  readonly onTyping: () => void;
  readonly inputRef: Ref<HTMLTextAreaElement>;
}

const MAX_TEXT = 4_096;
const MAX_INPUT_PX = 120;

/**
 * Where the visitor writes: always enabled (they may type while the bot or an agent is
 * busy). Enter sends, Shift+Enter breaks the line; the clip attaches a file.
 */
export function Composer({ actions, onTyping, inputRef }: ComposerProps) {
  const [text, setText] = useState('');
  const [note, setNote] = useState<{ text: string; error: boolean } | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);

  const submit = (target: HTMLTextAreaElement | null): void => {
    const value = text.trim();
    if (value === '') return;
    actions.send({ type: 'text', text: value });
    setText('');
    if (target !== null) target.style.height = '';
  };

  const attach = (file: File): void => {
    setNote({ text: `Uploading ${file.name}…`, error: false });
    actions
      .upload(file, (fraction) => {
        setNote({ text: `Uploading ${file.name}… ${Math.round(fraction * 100)}%`, error: false });
      })
      .then(
        () => {
          setNote(null);
        },
        (error: unknown) => {
          const message = error instanceof Error ? error.message : 'The upload failed.';
          setNote({ text: message, error: true });
        },
      );
  };

  return (
    <>
      <form
        class="pw-composer"
        onSubmit={(event) => {
          event.preventDefault();
          const form = event.currentTarget;
          const input = form.querySelector('textarea');
          submit(input);
        }}
      >
        <button
          type="button"
          class="pw-icon"
          aria-label="Attach a file"
          data-testid="attach"
          onClick={() => fileRef.current?.click()}
        >
          <AttachIcon />
        </button>
        <input
          type="file"
          hidden
          ref={fileRef}
          onChange={(event) => {
            const input = event.currentTarget;
            const file = input.files?.[0];
            input.value = '';
            if (file !== undefined) attach(file);
          }}
        />
        <textarea
          class="pw-input"
          aria-label="Message"
          data-testid="composer-input"
          placeholder="Write a message…"
          rows={1}
          maxLength={MAX_TEXT}
          value={text}
          ref={inputRef}
          onInput={(event) => {
            const input = event.currentTarget;
            setText(input.value);
            input.style.height = '';
            input.style.height = `${Math.min(input.scrollHeight, MAX_INPUT_PX)}px`;
            if (input.value !== '') onTyping();
          }}
          onKeyDown={(event) => {
            // Enter while an IME composes (Japanese, Chinese) confirms the word, not the message.
            if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
              event.preventDefault();
              submit(event.currentTarget);
            }
          }}
        />
        <button
          type="submit"
          class="pw-icon pw-send"
          aria-label="Send"
          data-testid="send"
          disabled={text.trim() === ''}
        >
          <SendIcon />
        </button>
      </form>
      {note === null ? null : (
        <div
          class={note.error ? 'pw-note pw-error' : 'pw-note'}
          role={note.error ? 'alert' : 'status'}
        >
          {note.text}
        </div>
      )}
    </>
  );
}
