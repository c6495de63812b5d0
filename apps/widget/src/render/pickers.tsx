import { useId, useState } from 'preact/hooks';
import { RichText } from './text.js';
import type { PartProps } from './types.js';

const INPUT_TYPE = { date: 'date', time: 'time', datetime: 'datetime-local' } as const;
/** What the calendar block reads: `YYYY-MM-DD`, `HH:mm` or `YYYY-MM-DDTHH:mm` (no seconds). */
const VALUE_LENGTH = { date: 10, time: 5, datetime: 16 } as const;
const NOUN = { date: 'a date', time: 'a time', datetime: 'a date and time' } as const;

const shown = (bound: string) => bound.replace('T', ' ');

function rangeText(min: string | undefined, max: string | undefined): string {
  if (min !== undefined && max !== undefined) return ` between ${shown(min)} and ${shown(max)}`;
  if (min !== undefined) return ` from ${shown(min)}`;
  return max === undefined ? '' : ` until ${shown(max)}`;
}

/** A native date, time or date-time input; the choice is sent as a text message. */
export function DatePickerPart({ content, active, actions }: PartProps<'date_picker'>) {
  const id = useId();
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState(false);
  const { mode } = content;

  const submit = (form: HTMLFormElement) => {
    const input = form.elements.namedItem('value');
    if (!(input instanceof HTMLInputElement)) return;
    if (value === '' || !input.validity.valid) {
      setError(`Choose ${NOUN[mode]}${rangeText(content.min, content.max)}.`);
      input.focus();
      return;
    }
    setSent(true);
    actions.send({ type: 'text', text: value.slice(0, VALUE_LENGTH[mode]) });
  };

  return (
    <>
      <div class="p-bubble" id={`${id}-text`}>
        <RichText text={content.text} />
      </div>
      <form
        class="p-picker"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          submit(event.currentTarget);
        }}
      >
        <fieldset class="p-fieldset p-inline" disabled={!active || sent}>
          <input
            class="p-input"
            name="value"
            type={INPUT_TYPE[mode]}
            min={content.min}
            max={content.max}
            value={value}
            aria-labelledby={`${id}-text`}
            aria-invalid={error !== null}
            aria-describedby={error === null ? undefined : `${id}-error`}
            onInput={(event) => {
              setValue(event.currentTarget.value);
              setError(null);
            }}
          />
          <button type="submit" class="p-btn p-btn-primary">
            {sent ? 'Sent ✓' : 'Send'}
          </button>
        </fieldset>
        {error === null ? null : (
          <div id={`${id}-error`} class="p-error">
            {error}
          </div>
        )}
      </form>
    </>
  );
}

/** Decimal places of a number as written, so 0.1 steps show as 0.3, not 0.30000000000000004. */
function decimals(n: number): number {
  const [digits = '', exponent] = String(n).split('e-');
  return (digits.split('.')[1] ?? '').length + Number(exponent ?? 0);
}

/** A range input; the number is sent as a reply's title, which the slider block reads. */
export function SliderPart({ content, active, actions }: PartProps<'slider'>) {
  const id = useId();
  const { min, max, step } = content;
  const places = Math.min(Math.max(decimals(step), decimals(min)), 20);
  const [value, setValue] = useState(() =>
    (min + Math.round((max - min) / 2 / step) * step).toFixed(places),
  );
  const [sent, setSent] = useState(false);

  return (
    <>
      <div class="p-bubble" id={`${id}-text`}>
        <RichText text={content.text} />
      </div>
      <form
        class="p-picker"
        onSubmit={(event) => {
          event.preventDefault();
          setSent(true);
          actions.send({ type: 'reply', replyTo: 'slider', title: value });
        }}
      >
        <fieldset class="p-fieldset" disabled={!active || sent}>
          <div class="p-inline">
            <input
              id={`${id}-range`}
              class="p-range"
              type="range"
              min={min}
              max={max}
              step={step}
              value={value}
              aria-labelledby={`${id}-text`}
              onInput={(event) => {
                setValue(event.currentTarget.value);
              }}
            />
            <output class="p-range-value" for={`${id}-range`}>
              {value}
            </output>
          </div>
          <div class="p-range-ends" aria-hidden="true">
            <span>{min}</span>
            <span>{max}</span>
          </div>
          <button type="submit" class="p-btn p-btn-primary p-submit">
            {sent ? 'Sent ✓' : 'Send'}
          </button>
        </fieldset>
      </form>
    </>
  );
}
