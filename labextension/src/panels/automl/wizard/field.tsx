/*
 * One field of the AutoML wizard: its label, its control and the server's
 * message about it.
 */
import React from 'react';

/** A field's label, control and the message the checks give about it. */
export function Field(props: {
  label: string;
  field: string;
  problems: Record<string, string>;
  help?: string;
  children: React.ReactNode;
}): JSX.Element {
  const message = props.problems[props.field];
  return (
    <div className="jp-studio-AutoMLField">
      <label className="jp-studio-AutoMLField-label">
        <span>{props.label}</span>
        {props.children}
      </label>
      {props.help ? (
        <div className="jp-studio-FieldHelp">{props.help}</div>
      ) : null}
      {message ? (
        <div
          className="jp-studio-FieldError"
          role="alert"
          data-testid={`automl-error-${props.field}`}
        >
          {message}
        </div>
      ) : null}
    </div>
  );
}
