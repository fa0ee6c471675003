import { addIcon, Button, closeIcon } from '@jupyterlab/ui-components';
import React from 'react';

/** One column of a row list: a text field of each row. */
export interface IRowColumn<R> {
  key: keyof R & string;
  label: string;
  /** Placeholder of the row's field (e.g. its default). */
  placeholder?: (row: R, index: number) => string;
  /** Id of a `<datalist>` of suggestions. */
  list?: string;
  /** Monospaced (container paths, values). */
  mono?: boolean;
  /** Share of the row's width (default 1). */
  width?: number;
}

/**
 * A labelled list of rows of text fields (inputs, outputs, arguments,
 * variables): each row can be removed, "Add" appends an empty one. Errors
 * are shown under the field (or row) they name.
 */
export function RowList<R extends Record<keyof R, string>>(props: {
  id: string;
  /** The list's label, e.g. "Inputs". */
  label: string;
  /** One row's label, e.g. "Input" (fields are "Input 1 source"...). */
  rowLabel: string;
  columns: IRowColumn<R>[];
  rows: R[];
  empty: R;
  onChange: (rows: R[]) => void;
  /** Errors by row, then column key (`''`: the whole row). */
  rowErrors?: Record<number, Record<string, string>>;
  /** An error of the whole list. */
  error?: string | null;
  help?: React.ReactNode;
}): JSX.Element {
  const { id, rows, columns, rowLabel, onChange } = props;
  const labelId = `${id}-label`;
  const update = (index: number, key: keyof R, value: string) =>
    onChange(rows.map((r, i) => (i === index ? { ...r, [key]: value } : r)));
  const remove = (index: number) =>
    onChange(rows.filter((_, i) => i !== index));
  const style = {
    gridTemplateColumns: `${columns
      .map(c => `minmax(0, ${c.width ?? 1}fr)`)
      .join(' ')} auto`
  };
  return (
    <>
      <span id={labelId} className="jp-studio-FormRow-label">
        {props.label}
      </span>
      <div
        className="jp-studio-FormRow-control jp-studio-RowList"
        role="group"
        aria-labelledby={labelId}
        data-field={id}
      >
        {rows.length ? (
          <div className="jp-studio-RowList-grid" style={style}>
            {columns.length > 1
              ? [
                  ...columns.map(c => (
                    <span key={c.key} className="jp-studio-RowList-head">
                      {c.label}
                    </span>
                  )),
                  <span key="remove-head" />
                ]
              : null}
            {rows.map((row, index) => {
              const errors = props.rowErrors?.[index] ?? {};
              return (
                <React.Fragment key={index}>
                  {columns.map(c => {
                    const name =
                      columns.length > 1
                        ? `${rowLabel} ${index + 1} ${c.label.toLowerCase()}`
                        : `${rowLabel} ${index + 1}`;
                    const error = errors[c.key];
                    return (
                      <div key={c.key} className="jp-studio-RowList-cell">
                        <input
                          className={`jp-mod-styled jp-studio-input${
                            c.mono ? ' jp-studio-mono' : ''
                          }`}
                          type="text"
                          aria-label={name}
                          aria-invalid={error ? true : undefined}
                          list={c.list}
                          value={row[c.key]}
                          placeholder={c.placeholder?.(row, index)}
                          onChange={e => update(index, c.key, e.target.value)}
                        />
                        {error ? (
                          <div
                            className="jp-studio-FieldError"
                            data-testid="studio-field-error"
                          >
                            {error}
                          </div>
                        ) : null}
                      </div>
                    );
                  })}
                  <Button
                    type="button"
                    small
                    minimal
                    aria-label={`Remove ${rowLabel.toLowerCase()} ${index + 1}`}
                    title={`Remove this ${rowLabel.toLowerCase()}`}
                    onClick={() => remove(index)}
                  >
                    <closeIcon.react tag="span" />
                  </Button>
                  {errors[''] ? (
                    <div
                      className="jp-studio-FieldError jp-studio-RowList-rowError"
                      data-testid="studio-field-error"
                    >
                      {errors['']}
                    </div>
                  ) : null}
                </React.Fragment>
              );
            })}
          </div>
        ) : null}
        <div>
          <Button
            type="button"
            small
            minimal
            onClick={() => onChange([...rows, { ...props.empty }])}
          >
            <addIcon.react tag="span" className="jp-studio-ButtonIcon" />
            Add {rowLabel.toLowerCase()}
          </Button>
        </div>
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
