import { Bubble, RichText } from './text.js';
import type { PartProps } from './types.js';

/** A WhatsApp template outside WhatsApp: its name and body parameters, as text. */
export function TemplatePart({ content }: PartProps<'template'>) {
  return (
    <Bubble>
      <span class="p-muted p-block">[template {content.name}]</span>
      {content.parameters.body.map((parameter, i) => (
        <span key={i} class="p-block">
          {parameter}
        </span>
      ))}
    </Bubble>
  );
}

export function ProductPart({ content }: PartProps<'product'>) {
  return (
    <Bubble>
      {content.text === undefined || content.text === '' ? null : (
        <div class="p-block">
          <RichText text={content.text} />
        </div>
      )}
      <ul class="p-products" aria-label="Products">
        {content.productIds.map((productId) => (
          <li key={productId}>{productId}</li>
        ))}
      </ul>
    </Bubble>
  );
}

/** A WhatsApp Flow cannot run here: its page off WhatsApp when there is one. */
export function WhatsappFlowPart({ content, actions }: PartProps<'whatsapp_flow'>) {
  const { fallbackUrl } = content;
  return (
    <>
      <Bubble>
        <RichText text={content.text} />
      </Bubble>
      <div class="p-actions">
        {fallbackUrl === undefined ? (
          <button type="button" class="p-btn" disabled title="Available on WhatsApp only">
            {content.cta}
          </button>
        ) : (
          <button
            type="button"
            class="p-btn"
            onClick={() => {
              actions.openUrl(fallbackUrl);
            }}
          >
            {content.cta}
            <span aria-hidden="true">↗</span>
          </button>
        )}
      </div>
    </>
  );
}

export function SystemPart({ content }: PartProps<'system'>) {
  return (
    <div class="p-system" role="note">
      {content.text}
    </div>
  );
}
