import { CarouselPart } from './carousel.js';
import { ButtonsPart, QuickRepliesPart } from './choices.js';
import type { MessageViewProps } from './contract.js';
import { FileRequestPart } from './file-request.js';
import { FormPart } from './form.js';
import { ListPart } from './list.js';
import { ContactsPart, LocationPart, MediaPart } from './media.js';
import { ProductPart, SystemPart, TemplatePart, WhatsappFlowPart } from './other.js';
import { DatePickerPart, SliderPart } from './pickers.js';
import { TextPart } from './text.js';

function Content({ message, active, appearance, actions }: MessageViewProps) {
  const { content } = message;
  const common = { active, appearance, actions };
  switch (content.type) {
    case 'text':
    case 'reply':
      return <TextPart content={content} {...common} />;
    case 'media':
      return <MediaPart content={content} {...common} />;
    case 'location':
      return <LocationPart content={content} {...common} />;
    case 'contacts':
      return <ContactsPart content={content} {...common} />;
    case 'buttons':
      return <ButtonsPart content={content} {...common} />;
    case 'quick_replies':
      return <QuickRepliesPart content={content} {...common} />;
    case 'list':
      return <ListPart content={content} {...common} />;
    case 'carousel':
      return <CarouselPart content={content} {...common} />;
    case 'template':
      return <TemplatePart content={content} {...common} />;
    case 'form':
      return <FormPart content={content} {...common} />;
    case 'file_request':
      return <FileRequestPart content={content} {...common} />;
    case 'date_picker':
      return <DatePickerPart content={content} {...common} />;
    case 'slider':
      return <SliderPart content={content} {...common} />;
    case 'product':
      return <ProductPart content={content} {...common} />;
    case 'whatsapp_flow':
      return <WhatsappFlowPart content={content} {...common} />;
    case 'system':
      return <SystemPart content={content} {...common} />;
    default: {
      const unknown: never = content;
      return unknown;
    }
  }
}

/**
 * One message: the visitor's on the right in the primary colour, the bot's and agents' on
 * the left, system notes centred. Interactive parts accept input only while `active`.
 */
export function MessageView(props: MessageViewProps) {
  const { message } = props;
  const side =
    message.content.type === 'system'
      ? 'p-sys'
      : message.direction === 'inbound'
        ? 'p-visitor'
        : 'p-bot';
  const agent = message.sender.type === 'user' ? message.sender.name : null;
  return (
    <div class={`p-msg ${side}`} data-type={message.content.type} data-message-id={message.id}>
      {agent === null || side !== 'p-bot' ? null : <div class="p-name">{agent}</div>}
      <Content {...props} />
    </div>
  );
}
