import { useId, useRef, useState } from 'preact/hooks';
import { acceptsType, formatBytes } from './files.js';
import { RichText } from './text.js';
import type { PartProps } from './types.js';

type Upload =
  | { readonly phase: 'idle' }
  | { readonly phase: 'uploading'; readonly name: string; readonly progress: number }
  | { readonly phase: 'done'; readonly name: string }
  | { readonly phase: 'failed'; readonly error: string };

/** Why a file is refused before upload, or null: the block's type and size limits. */
function refusal(file: File, accept: readonly string[], maxBytes: number | undefined) {
  if (!acceptsType(accept, file.type)) return `${file.name} is not a file type that is accepted.`;
  if (maxBytes !== undefined && file.size > maxBytes) {
    return `${file.name} is ${formatBytes(file.size)}; the largest file allowed is ${formatBytes(maxBytes)}.`;
  }
  return null;
}

/** A request for a file: a picker button, a progress bar while uploading, the outcome. */
export function FileRequestPart({ content, active, actions }: PartProps<'file_request'>) {
  const id = useId();
  const picker = useRef<HTMLInputElement>(null);
  const [state, setState] = useState<Upload>({ phase: 'idle' });
  const busy = state.phase === 'uploading' || state.phase === 'done';

  const upload = async (file: File) => {
    const refused = refusal(file, content.accept, content.maxBytes);
    if (refused !== null) {
      setState({ phase: 'failed', error: refused });
      return;
    }
    setState({ phase: 'uploading', name: file.name, progress: 0 });
    try {
      await actions.upload(file, (progress) => {
        setState({
          phase: 'uploading',
          name: file.name,
          progress: Math.min(1, Math.max(0, progress)),
        });
      });
      setState({ phase: 'done', name: file.name });
    } catch (error) {
      const message = error instanceof Error && error.message !== '' ? error.message : '';
      setState({ phase: 'failed', error: message || 'The upload failed. Please try again.' });
    }
  };

  return (
    <>
      <div class="p-bubble" id={`${id}-text`}>
        <RichText text={content.text} />
      </div>
      <div class="p-upload">
        <input
          ref={picker}
          type="file"
          hidden
          accept={content.accept.length === 0 ? undefined : content.accept.join(',')}
          aria-labelledby={`${id}-text`}
          disabled={!active || busy}
          onChange={(event) => {
            const input = event.currentTarget;
            const file = input.files?.[0];
            input.value = '';
            if (file !== undefined) void upload(file);
          }}
        />
        <button
          type="button"
          class="p-btn"
          disabled={!active || busy}
          aria-describedby={`${id}-text`}
          onClick={() => picker.current?.click()}
        >
          {state.phase === 'failed' ? 'Choose another file' : 'Choose a file'}
        </button>
        {content.maxBytes === undefined ? null : (
          <span class="p-hint">Up to {formatBytes(content.maxBytes)}</span>
        )}
        {state.phase === 'uploading' ? (
          <div
            class="p-progress"
            role="progressbar"
            aria-label={`Uploading ${state.name}`}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.round(state.progress * 100)}
          >
            <div class="p-progress-bar" style={{ width: `${Math.round(state.progress * 100)}%` }} />
          </div>
        ) : null}
        {state.phase === 'done' ? (
          <span class="p-hint" role="status">
            Sent {state.name} ✓
          </span>
        ) : null}
        {state.phase === 'failed' ? (
          <div class="p-error" role="alert">
            {state.error}
          </div>
        ) : null}
      </div>
    </>
  );
}
