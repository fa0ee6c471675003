/*
 * A dialog around a small form: the form checks itself as the user types
 * (the accept button is disabled while it is invalid), and a server error
 * brings the dialog back with the values kept and the errors by field.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { ReactWidget } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import React from 'react';

import { errorMessage, StudioAPIError } from '../../api/request';
import { FormRow } from '../../components/schema-field';
import { sortErrorDetail } from '../../utils/field-errors';

/** Errors to show in a form: one message and errors by field. */
export interface IFormErrors {
  message: string | null;
  fields: Record<string, string>;
}

export const NO_FORM_ERRORS: IFormErrors = { message: null, fields: {} };

/**
 * The body of a form dialog: holds the values `V` as typed and knows
 * whether they can be sent.
 */
export abstract class FormBody<V>
  extends ReactWidget
  implements Dialog.IBodyWidget<V>
{
  constructor(values: V, errors: IFormErrors) {
    super();
    this.values = values;
    this.serverErrors = errors;
  }

  /** The values as typed. */
  values: V;
  /** The server's errors of the last attempt (cleared field by field as edited). */
  serverErrors: IFormErrors;

  /** Problems of the values by field; empty when they can be sent. */
  abstract problems(): Record<string, string>;

  getValue(): V {
    return this.values;
  }

  /** Change some values, re-render and update the accept button. */
  protected set(change: Partial<V>): void {
    this.values = { ...this.values, ...change };
    const fields = { ...this.serverErrors.fields };
    for (const key of Object.keys(change)) {
      delete fields[key];
    }
    this.serverErrors = { ...this.serverErrors, fields };
    this.update();
    this._syncAccept();
  }

  /** The error to show under a field: the form's own, else the server's. */
  protected fieldError(field: string): string | null {
    return this.problems()[field] ?? this.serverErrors.fields[field] ?? null;
  }

  /**
   * A labelled text or number input bound to the string value `field`, with
   * its help and error under it.
   */
  protected inputRow(
    field: keyof V & string,
    row: {
      id: string;
      label: string;
      help?: string;
      placeholder?: string;
      /** Monospace text (names, paths). */
      mono?: boolean;
      number?: { min: number; max?: number; step: number | 'any' };
    }
  ): JSX.Element {
    const { number } = row;
    const classes = ['jp-mod-styled', 'jp-studio-input'];
    classes.push(number ? 'jp-studio-input-short' : '');
    classes.push(row.mono ? 'jp-studio-mono' : '');
    return (
      <FormRow
        id={row.id}
        label={row.label}
        help={row.help}
        error={this.fieldError(field)}
      >
        {aria => (
          <input
            {...aria}
            className={classes.filter(Boolean).join(' ')}
            type={number ? 'number' : 'text'}
            min={number?.min}
            max={number?.max}
            step={number?.step}
            placeholder={row.placeholder}
            value={String(this.values[field] ?? '')}
            spellCheck={number ? undefined : false}
            onChange={e =>
              this.set({ [field]: e.target.value } as unknown as Partial<V>)
            }
          />
        )}
      </FormRow>
    );
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this._syncAccept();
  }

  private _syncAccept(): void {
    const button = this.node
      .closest('.jp-Dialog-content')
      ?.querySelector<HTMLButtonElement>('.jp-Dialog-button.jp-mod-accept');
    if (button) {
      button.disabled = Object.keys(this.problems()).length > 0;
    }
  }
}

/**
 * Show a form dialog until its values are sent successfully or it is
 * cancelled.
 *
 * @param makeBody - a new body for the values and errors of the last attempt.
 * @param submit - sends the values; its errors bring the dialog back.
 * @param fields - names of the form's fields (to place server errors).
 * @returns what `submit` returned, or `null` when cancelled.
 */
export async function showFormDialog<V, R>(options: {
  title: string;
  acceptLabel: string;
  initial: V;
  makeBody: (values: V, errors: IFormErrors) => FormBody<V>;
  submit: (values: V) => Promise<R>;
  fields: readonly string[];
  /** Server error codes that belong to a field (e.g. `endpoint_exists`). */
  codeFields?: Record<string, string>;
  /** The element focused when the dialog opens. */
  focus?: string;
}): Promise<R | null> {
  let values = options.initial;
  let errors = NO_FORM_ERRORS;
  for (;;) {
    const body = options.makeBody(values, errors);
    const result = await showDialog<V>({
      title: options.title,
      body,
      focusNodeSelector: options.focus ?? 'input:not([readonly]), select',
      buttons: [
        Dialog.cancelButton(),
        Dialog.okButton({ label: options.acceptLabel })
      ]
    });
    if (!result.button.accept || result.value === null) {
      return null;
    }
    values = result.value;
    const problems = body.problems();
    if (Object.keys(problems).length) {
      // Enter pressed on an invalid form: show it again.
      errors = { message: null, fields: problems };
      continue;
    }
    try {
      return await options.submit(values);
    } catch (error) {
      const detail = error instanceof StudioAPIError ? error.detail : null;
      const sorted = sortErrorDetail(detail, options.fields);
      const code = error instanceof StudioAPIError ? error.code : null;
      const field = code ? options.codeFields?.[code] : undefined;
      if (field && !sorted.other.length) {
        errors = { message: null, fields: { [field]: errorMessage(error) } };
        continue;
      }
      errors = {
        message: [errorMessage(error), ...sorted.other].join('\n'),
        fields: sorted.fields
      };
    }
  }
}
