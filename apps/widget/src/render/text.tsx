import type { ComponentChildren } from 'preact';
import { formatText, type Token } from './format.js';
import type { PartProps } from './types.js';

function render(tokens: readonly Token[]): ComponentChildren[] {
  return tokens.map((token, i) => {
    switch (token.kind) {
      case 'text':
        return token.text;
      case 'br':
        return <br key={i} />;
      case 'link':
        return (
          <a key={i} href={token.href} target="_blank" rel="noopener noreferrer">
            {token.text}
          </a>
        );
      case 'code':
        return (
          <code key={i} class="p-code">
            {token.text}
          </code>
        );
      case 'bold':
        return <strong key={i}>{render(token.children)}</strong>;
      case 'italic':
        return <em key={i}>{render(token.children)}</em>;
      case 'strike':
        return <s key={i}>{render(token.children)}</s>;
    }
  });
}

/** Chat text with formatting and links; always rendered as text nodes, never as HTML. */
export function RichText({ text }: { readonly text: string }) {
  return <>{render(formatText(text))}</>;
}

export function Bubble({ children }: { readonly children: ComponentChildren }) {
  return <div class="p-bubble">{children}</div>;
}

export function TextPart({ content }: PartProps<'text' | 'reply'>) {
  return (
    <Bubble>
      <RichText text={content.type === 'text' ? content.text : content.title} />
    </Bubble>
  );
}
