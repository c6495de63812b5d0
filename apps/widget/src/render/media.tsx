import { telHref } from './choices.js';
import { formatBytes } from './files.js';
import { Bubble, RichText } from './text.js';
import type { ContentOf, PartProps } from './types.js';

type Media = ContentOf<'media'>;

/** The file's name: its own, else the last part of its URL, else its kind. */
function fileName(content: Media): string {
  const { filename, url } = content.media;
  if (filename !== undefined && filename !== '') return filename;
  try {
    const last = url === undefined ? '' : (new URL(url).pathname.split('/').pop() ?? '');
    return last === '' ? content.kind : decodeURIComponent(last);
  } catch {
    return content.kind;
  }
}

function Body({ content, appearance }: PartProps<'media'>) {
  const { url, size } = content.media;
  const name = fileName(content);
  const box = {
    maxWidth: `${appearance.imageMaxWidth}px`,
    maxHeight: `${appearance.imageMaxHeight}px`,
  };
  if (url === undefined) return <span class="p-muted">[{`${content.kind}: ${name}`}]</span>;
  switch (content.kind) {
    case 'image':
      return (
        <a class="p-img-link" href={url} target="_blank" rel="noopener noreferrer">
          <img class="p-img" src={url} alt={content.caption ?? name} style={box} loading="lazy" />
        </a>
      );
    case 'video':
      return <video class="p-video" src={url} controls preload="metadata" style={box} />;
    case 'audio':
      return <audio class="p-audio" src={url} controls preload="metadata" />;
    case 'voice':
    case 'document':
    case 'sticker':
      return (
        <a class="p-file" href={url} target="_blank" rel="noopener noreferrer" download={name}>
          <span class="p-file-name">{name}</span>
          {size === undefined ? null : <span class="p-file-size">{formatBytes(size)}</span>}
        </a>
      );
  }
}

export function MediaPart(props: PartProps<'media'>) {
  const { caption } = props.content;
  return (
    <div class="p-bubble p-media">
      <Body {...props} />
      {caption === undefined || caption === '' ? null : (
        <div class="p-caption">
          <RichText text={caption} />
        </div>
      )}
    </div>
  );
}

export function LocationPart({ content }: PartProps<'location'>) {
  const at = `${content.latitude},${content.longitude}`;
  const href = `https://www.google.com/maps/search/?api=1&query=${encodeURIComponent(at)}`;
  return (
    <Bubble>
      {content.name === undefined ? null : <strong class="p-block">{content.name}</strong>}
      {content.address === undefined ? null : <span class="p-block">{content.address}</span>}
      <a class="p-block" href={href} target="_blank" rel="noopener noreferrer">
        {content.name === undefined && content.address === undefined ? at : 'Open in maps'}
      </a>
    </Bubble>
  );
}

export function ContactsPart({ content }: PartProps<'contacts'>) {
  return (
    <Bubble>
      <ul class="p-plain">
        {content.contacts.map((contact, i) => (
          <li key={i} class="p-contact">
            <strong class="p-block">{contact.name}</strong>
            {contact.phones.map((phone) => (
              <a key={phone} class="p-block" href={telHref(phone)}>
                {phone}
              </a>
            ))}
            {contact.emails.map((email) => (
              <a key={email} class="p-block" href={`mailto:${email}`}>
                {email}
              </a>
            ))}
          </li>
        ))}
      </ul>
    </Bubble>
  );
}
