import type { Button } from '@parley/protocol';
import { useState } from 'preact/hooks';
import type { MessageActions } from './contract.js';
import { Bubble, RichText } from './text.js';
import type { PartProps } from './types.js';

/** A reply choice, sent at most once per message: the engine matches `replyTo` to the id. */
export function useReply(actions: MessageActions) {
  const [chosen, setChosen] = useState<string | null>(null);
  const choose = (id: string, title: string) => {
    if (chosen !== null) return;
    setChosen(id);
    actions.send({ type: 'reply', replyTo: id, title });
  };
  return { chosen, choose };
}

export const telHref = (phone: string) => `tel:${phone.replace(/[^\d+]/g, '')}`;

interface ActionProps {
  readonly button: Button;
  /** Reply buttons only: links and calls always work. */
  readonly disabled: boolean;
  readonly chosen: boolean;
  readonly onReply: (id: string, title: string) => void;
  readonly actions: MessageActions;
}

export function ActionButton({ button, disabled, chosen, onReply, actions }: ActionProps) {
  switch (button.type) {
    case 'reply':
      return (
        <button
          type="button"
          class={chosen ? 'p-btn p-chosen' : 'p-btn'}
          disabled={disabled}
          aria-pressed={chosen}
          onClick={() => {
            onReply(button.id, button.title);
          }}
        >
          {button.title}
        </button>
      );
    case 'url':
      return (
        <button
          type="button"
          class="p-btn"
          onClick={() => {
            actions.openUrl(button.url);
          }}
        >
          {button.title}
          <span aria-hidden="true">↗</span>
        </button>
      );
    case 'call':
      return (
        <a class="p-btn" href={telHref(button.phone)}>
          {button.title}
        </a>
      );
  }
}

export function ButtonsPart({ content, active, actions }: PartProps<'buttons'>) {
  const { chosen, choose } = useReply(actions);
  return (
    <>
      <Bubble>
        <RichText text={content.text} />
      </Bubble>
      <div class="p-actions">
        {content.buttons.map((button, i) => (
          <ActionButton
            key={i}
            button={button}
            disabled={!active || chosen !== null}
            chosen={button.type === 'reply' && button.id === chosen}
            onReply={choose}
            actions={actions}
          />
        ))}
      </div>
    </>
  );
}

export function QuickRepliesPart({ content, active, actions }: PartProps<'quick_replies'>) {
  const { chosen, choose } = useReply(actions);
  return (
    <>
      <Bubble>
        <RichText text={content.text} />
      </Bubble>
      {!active || chosen !== null ? null : (
        <div class="p-chips" role="group" aria-label="Quick replies">
          {content.replies.map((reply) => (
            <button
              key={reply.id}
              type="button"
              class="p-chip"
              onClick={() => {
                choose(reply.id, reply.title);
              }}
            >
              {reply.title}
            </button>
          ))}
        </div>
      )}
    </>
  );
}
