import { useEffect, useRef, useState } from 'preact/hooks';
import { ActionButton, useReply } from './choices.js';
import type { PartProps } from './types.js';

/**
 * Cards in a row that scrolls sideways (touch, wheel, keyboard, or the previous/next
 * buttons). The image gallery block sends image-only cards through the same renderer.
 */
export function CarouselPart({ content, active, actions }: PartProps<'carousel'>) {
  const { chosen, choose } = useReply(actions);
  const track = useRef<HTMLDivElement>(null);
  const [edges, setEdges] = useState({ start: true, end: true });
  const count = content.cards.length;

  const measure = () => {
    const el = track.current;
    if (el === null) return;
    setEdges({
      start: el.scrollLeft <= 1,
      end: el.scrollLeft + el.clientWidth >= el.scrollWidth - 1,
    });
  };
  useEffect(() => {
    measure();
    const el = track.current;
    if (el === null || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => {
      observer.disconnect();
    };
  }, []);

  const step = (direction: 1 | -1) => {
    const el = track.current;
    const card = el?.firstElementChild;
    if (el === null || !(card instanceof HTMLElement)) return;
    el.scrollBy({ left: direction * (card.offsetWidth + 8), behavior: 'smooth' });
  };

  return (
    <div
      class={
        content.cards.some((card) => card.imageUrl !== undefined)
          ? 'p-carousel p-pics'
          : 'p-carousel'
      }
      role="region"
      aria-roledescription="carousel"
      aria-label="Cards"
    >
      <div ref={track} class="p-track" tabIndex={0} onScroll={measure}>
        {content.cards.map((card, i) => (
          <div
            key={i}
            class="p-card"
            role="group"
            aria-roledescription="card"
            aria-label={`${i + 1} of ${count}: ${card.title}`}
          >
            {card.imageUrl === undefined ? null : (
              <img class="p-card-img" src={card.imageUrl} alt={card.title} loading="lazy" />
            )}
            <div class="p-card-body">
              <div class="p-card-title">{card.title}</div>
              {card.subtitle === undefined ? null : <div class="p-card-sub">{card.subtitle}</div>}
            </div>
            {card.buttons.length === 0 ? null : (
              <div class="p-card-actions">
                {card.buttons.map((button, b) => (
                  <ActionButton
                    key={b}
                    button={button}
                    disabled={!active || chosen !== null}
                    chosen={button.type === 'reply' && button.id === chosen}
                    onReply={choose}
                    actions={actions}
                  />
                ))}
              </div>
            )}
          </div>
        ))}
      </div>
      {edges.start && edges.end ? null : (
        <>
          <button
            type="button"
            class="p-nav p-prev"
            aria-label="Previous card"
            disabled={edges.start}
            onClick={() => {
              step(-1);
            }}
          >
            ‹
          </button>
          <button
            type="button"
            class="p-nav p-next"
            aria-label="Next card"
            disabled={edges.end}
            onClick={() => {
              step(1);
            }}
          >
            ›
          </button>
        </>
      )}
    </div>
  );
}
