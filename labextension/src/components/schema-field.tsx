import React from 'react';

import type { FieldValue, ISchemaField } from '../utils/schema-form';

/**
 * A label and the control under it, as two cells of a two-column form grid:
 * the control, its help text and its error.
 */
export function FormRow(props: {
  id: string;
  label: string;
  help?: string;
  error?: string | null;
  /** Put the label after the control (checkboxes). */
  inlineLabel?: boolean;
  children: (aria: IFieldAria) => React.ReactNode;
}): JSX.Element {
  const { id, label, help, error } = props;
  const helpId = help ? `${id}-help` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const aria: IFieldAria = {
    id,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': [errorId, helpId].filter(Boolean).join(' ') || undefined
  };
  return (
    <>
      {props.inlineLabel ? (
        <span />
      ) : (
        <label htmlFor={id} className="jp-studio-FormRow-label">
          {label}
        </label>
      )}
      <div className="jp-studio-FormRow-control" data-field={id}>
        {props.inlineLabel ? (
          <label className="jp-studio-Checkbox">
            {props.children(aria)}
            {label}
          </label>
        ) : (
          props.children(aria)
        )}
        {error ? (
          <div
            id={errorId}
            className="jp-studio-FieldError"
            data-testid="studio-field-error"
          >
            {error}
          </div>
        ) : null}
        {help ? (
          <div id={helpId} className="jp-studio-FieldHelp">
            {help}
          </div>
        ) : null}
      </div>
    </>
  );
}

/** Accessibility attributes a `FormRow` gives its control. */
export interface IFieldAria {
  id: string;
  'aria-invalid'?: boolean;
  'aria-describedby'?: string;
}

/** The placeholder of a field: its default, or "optional". */
function placeholder(field: ISchemaField): string {
  if (field.required) {
    return '';
  }
  if (field.default !== undefined && field.default !== null) {
    const text =
      typeof field.default === 'object'
        ? JSON.stringify(field.default)
        : String(field.default);
    return text && text !== '[]' && text !== '{}'
      ? `default: ${text}`
      : 'optional';
  }
  return 'optional';
}

/**
 * One field of a form built from a JSON Schema: a text, number, checkbox,
 * select, or textarea (one item per line, `KEY=VALUE` lines, JSON).
 */
export function SchemaField(props: {
  field: ISchemaField;
  value: FieldValue;
  onChange: (value: FieldValue) => void;
  error?: string | null;
  id: string;
}): JSX.Element {
  const { field, value, onChange, error, id } = props;
  const text = typeof value === 'string' ? value : '';
  const hints: Record<string, string> = {
    lines: 'One per line.',
    keyValues: 'One KEY=VALUE per line.',
    json: 'JSON.'
  };
  const help = [field.help, hints[field.type]].filter(Boolean).join(' ');
  const required = field.required && field.type !== 'boolean';

  return (
    <FormRow
      id={id}
      label={required ? `${field.label} *` : field.label}
      help={help}
      error={error}
      inlineLabel={field.type === 'boolean'}
    >
      {aria => {
        switch (field.type) {
          case 'boolean':
            return (
              <input
                {...aria}
                type="checkbox"
                checked={value === true}
                onChange={e => onChange(e.target.checked)}
              />
            );
          case 'enum':
            return (
              <select
                {...aria}
                className="jp-mod-styled jp-studio-select"
                value={text}
                onChange={e => onChange(e.target.value)}
              >
                {text === '' ||
                field.nullable ||
                (!field.required && field.default === undefined) ? (
                  <option value="">
                    {field.required ? 'Choose…' : 'none'}
                  </option>
                ) : null}
                {(field.options ?? []).map(option => (
                  <option
                    key={JSON.stringify(option)}
                    value={JSON.stringify(option)}
                  >
                    {String(option)}
                  </option>
                ))}
              </select>
            );
          case 'number':
          case 'integer':
            return (
              <input
                {...aria}
                className="jp-mod-styled jp-studio-input jp-studio-input-short"
                type="number"
                step={field.type === 'integer' ? 1 : 'any'}
                min={field.minimum ?? field.exclusiveMinimum}
                max={field.maximum ?? field.exclusiveMaximum}
                placeholder={placeholder(field)}
                value={text}
                onChange={e => onChange(e.target.value)}
              />
            );
          case 'lines':
          case 'keyValues':
          case 'json':
            return (
              <textarea
                {...aria}
                className="jp-mod-styled jp-studio-textarea jp-studio-mono"
                rows={3}
                spellCheck={false}
                placeholder={
                  field.type === 'keyValues'
                    ? 'e.g. MY_SETTING=value'
                    : placeholder(field)
                }
                value={text}
                onChange={e => onChange(e.target.value)}
              />
            );
          default:
            return (
              <input
                {...aria}
                className="jp-mod-styled jp-studio-input"
                type="text"
                placeholder={placeholder(field)}
                value={text}
                onChange={e => onChange(e.target.value)}
              />
            );
        }
      }}
    </FormRow>
  );
}
