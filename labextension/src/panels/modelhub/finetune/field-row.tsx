/*
 * One labelled field of the fine-tune form's grid: the label, then the input
 * with its problem and help under it.
 */
import React from 'react';

export function FieldRow(props: {
  id: string;
  label: string;
  error: string | null;
  help?: string;
  children: JSX.Element;
}): JSX.Element {
  return (
    <>
      <label htmlFor={props.id}>{props.label}</label>
      <div>
        {props.children}
        {props.error ? (
          <div
            className="jp-studio-FieldError"
            data-testid="studio-field-error"
          >
            {props.error}
          </div>
        ) : null}
        {props.help ? (
          <div className="jp-studio-FieldHelp">{props.help}</div>
        ) : null}
      </div>
    </>
  );
}
