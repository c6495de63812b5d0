import { useId, useState } from 'preact/hooks';
import { fieldError, formReply, INVALID, own, type FormField } from './form-logic.js';
import type { PartProps } from './types.js';

const INPUT_TYPE: Record<FormField['kind'], string> = {
  text: 'text',
  textarea: 'text',
  select: 'text',
  email: 'email',
  phone: 'tel',
  number: 'number',
  date: 'date',
  url: 'url',
};
const AUTOCOMPLETE: Partial<Record<FormField['kind'], string>> = { email: 'email', phone: 'tel' };

interface FieldProps {
  readonly field: FormField;
  readonly id: string;
  readonly value: string;
  readonly error: string | undefined;
  readonly onChange: (value: string) => void;
}

function Control({ field, id, value, error, onChange }: FieldProps) {
  const shared = {
    id,
    name: field.name,
    class: 'p-input',
    'aria-invalid': error !== undefined,
    'aria-required': field.required,
    'aria-describedby': error === undefined ? undefined : `${id}-error`,
  };
  if (field.kind === 'textarea') {
    return (
      <textarea
        {...shared}
        rows={3}
        value={value}
        onInput={(event) => {
          onChange(event.currentTarget.value);
        }}
      />
    );
  }
  if (field.kind === 'select') {
    return (
      <select
        {...shared}
        value={value}
        onChange={(event) => {
          onChange(event.currentTarget.value);
        }}
      >
        <option value="">Choose…</option>
        {(field.options ?? []).map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    );
  }
  return (
    <input
      {...shared}
      type={INPUT_TYPE[field.kind]}
      step={field.kind === 'number' ? 'any' : undefined}
      autoComplete={AUTOCOMPLETE[field.kind]}
      value={value}
      onInput={(event) => {
        onChange(event.currentTarget.value);
      }}
    />
  );
}

/**
 * A form: every field checked with the server's own validators before it is sent, errors
 * shown under their fields and the first wrong one focused; read-only once sent.
 */
export function FormPart({ content, active, actions }: PartProps<'form'>) {
  const id = useId();
  const [values, setValues] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [sent, setSent] = useState(false);

  const submit = (form: HTMLFormElement) => {
    const found: Record<string, string> = {};
    for (const field of content.fields) {
      // A number or date the browser cannot read shows as empty: say it is wrong, not missing.
      const control = form.elements.namedItem(field.name);
      const error =
        control instanceof HTMLInputElement && control.validity.badInput
          ? INVALID[field.kind]
          : fieldError(field, own(values, field.name) ?? '');
      if (error !== null) found[field.name] = error;
    }
    setErrors(found);
    const wrong = content.fields.find((field) => Object.hasOwn(found, field.name));
    if (wrong !== undefined) {
      const control = form.elements.namedItem(wrong.name);
      if (control instanceof HTMLElement) control.focus();
      return;
    }
    setSent(true);
    actions.send(formReply(content, values));
  };

  return (
    <form
      class="p-form"
      noValidate
      aria-labelledby={content.title === undefined ? undefined : `${id}-title`}
      onSubmit={(event) => {
        event.preventDefault();
        submit(event.currentTarget);
      }}
    >
      {content.title === undefined ? null : (
        <div id={`${id}-title`} class="p-form-title">
          {content.title}
        </div>
      )}
      <fieldset class="p-fieldset" disabled={!active || sent}>
        {content.fields.map((field, i) => {
          const fieldId = `${id}-${i}`;
          const error = own(errors, field.name);
          return (
            <div key={field.name} class="p-field">
              <label class="p-label" for={fieldId}>
                {field.label}
                {field.required ? (
                  <span class="p-req" aria-hidden="true">
                    {' *'}
                  </span>
                ) : null}
              </label>
              <Control
                field={field}
                id={fieldId}
                value={own(values, field.name) ?? ''}
                error={error}
                onChange={(value) => {
                  setValues((old) => ({ ...old, [field.name]: value }));
                  setErrors(({ [field.name]: _fixed, ...rest }) => rest);
                }}
              />
              {error === undefined ? null : (
                <div id={`${fieldId}-error`} class="p-error">
                  {error}
                </div>
              )}
            </div>
          );
        })}
        {sent ? (
          <p class="p-muted" role="status">
            Sent ✓
          </p>
        ) : (
          <button type="submit" class="p-btn p-btn-primary p-submit">
            {content.submitLabel}
          </button>
        )}
      </fieldset>
    </form>
  );
}
