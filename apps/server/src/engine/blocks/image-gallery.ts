import type { MessageContent } from '@parley/protocol';
import { z } from 'zod';
import { render } from '../template.js';
import type { BlockDefinition, ExecContext } from '../types.js';
import { field, none, templateUse } from './common.js';
import { linkField } from './carousel.js';
import { send } from './interactive.js';

export const imageGalleryData = z.object({
  images: field(
    z
      .array(
        z.object({
          url: linkField('Image URL'),
          caption: field(z.string().max(256).optional(), { label: 'Caption', kind: 'template' }),
        }),
      )
      .min(1)
      .max(10),
    { label: 'Images', kind: 'list' },
  ),
  display: field(z.enum(['carousel', 'media']).default('carousel'), {
    label: 'Show as',
    kind: 'select',
    help: '"carousel": one swipeable message of image cards; "media": one image message each.',
  }),
});
export type ImageGalleryData = z.infer<typeof imageGalleryData>;

function contents(data: ImageGalleryData, ctx: ExecContext): MessageContent[] {
  const images = data.images.map((image, i) => ({
    url: image.url,
    caption: image.caption === undefined ? '' : render(image.caption, ctx.scope),
    // A card needs a title: an image without a caption shows its position, "2/5".
    position: `${i + 1}/${data.images.length}`,
  }));
  if (data.display === 'carousel') {
    const cards = images.map((image) => ({
      title: image.caption === '' ? image.position : image.caption,
      imageUrl: image.url,
      buttons: [],
    }));
    return [{ type: 'carousel', cards }];
  }
  return images.map((image) => ({
    type: 'media',
    kind: 'image',
    media: { url: image.url },
    ...(image.caption === '' ? {} : { caption: image.caption }),
  }));
}

export const imageGalleryBlock: BlockDefinition<ImageGalleryData> = {
  type: 'image_gallery',
  label: 'Image gallery',
  data: imageGalleryData,
  waits: false,
  handles: () => ['next'],
  reads: (data) =>
    data.images.flatMap((image, i) =>
      image.caption === undefined ? [] : [templateUse(['images', i, 'caption'], image.caption)],
    ),
  writes: none,
  targets: none,
  execute: (data, ctx) => ({ next: 'next', effects: contents(data, ctx).map(send) }),
};
