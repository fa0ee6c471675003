/*
 * Pickers of a node's input columns: one column (a select), several columns
 * in order (chips and an "Add column" select, with "all numeric columns" and
 * the like), and column -> value rows (rename, cast). When the input's
 * columns are not known (its preview failed), names are typed.
 */
import React, { useState } from 'react';

import { InputColumns, IMapRow, columnGroups } from './step-fields';

/** The select (or, columns unknown, the text input) of one column. */
export function ColumnSelect(props: {
  value: string;
  columns: InputColumns;
  onChange: (name: string) => void;
  /** The empty choice's text ("Choose…", "none"). */
  emptyLabel: string;
  /** Columns not offered (already chosen elsewhere). */
  exclude?: readonly string[];
  id?: string;
  ariaLabel?: string;
  describedBy?: string;
  invalid?: boolean;
}): JSX.Element {
  const { value, columns } = props;
  if (columns === undefined) {
    return <Loading id={props.id} label={props.ariaLabel} />;
  }
  if (columns === null) {
    return (
      <input
        id={props.id}
        aria-label={props.ariaLabel}
        aria-describedby={props.describedBy}
        aria-invalid={props.invalid || undefined}
        className="jp-mod-styled jp-studio-input"
        placeholder="column name"
        value={value}
        onChange={e => props.onChange(e.target.value)}
      />
    );
  }
  const unknown = value && !columns.some(c => c.name === value);
  const offered = columns.filter(
    c => c.name === value || !props.exclude?.includes(c.name)
  );
  return (
    <select
      id={props.id}
      aria-label={props.ariaLabel}
      aria-describedby={props.describedBy}
      aria-invalid={props.invalid || unknown || undefined}
      className="jp-mod-styled jp-studio-select jp-studio-ColumnSelect"
      value={value}
      onChange={e => props.onChange(e.target.value)}
    >
      <option value="">{props.emptyLabel}</option>
      {unknown ? (
        <option value={value}>{value} (not in the input)</option>
      ) : null}
      {offered.map(c => (
        <option key={c.name} value={c.name}>
          {c.name} · {c.kind}
        </option>
      ))}
    </select>
  );
}

/** Several columns, in the order chosen (join keys pair up by position). */
export function ColumnsPicker(props: {
  id: string;
  value: string[];
  columns: InputColumns;
  onChange: (names: string[]) => void;
  describedBy?: string;
  invalid?: boolean;
}): JSX.Element {
  const { value, columns } = props;
  const [typed, setTyped] = useState('');
  const add = (names: string[]) =>
    props.onChange([...value, ...names.filter(n => n && !value.includes(n))]);
  const known = new Set((columns ?? []).map(c => c.name));
  const left = (columns ?? []).filter(c => !value.includes(c.name));
  return (
    <div
      className="jp-studio-ColumnsPicker"
      data-testid="studio-columns-picker"
    >
      {value.length ? (
        <ul className="jp-studio-ColumnChips" aria-label="Chosen columns">
          {value.map(name => (
            <li
              key={name}
              className={`jp-studio-ColumnChip${
                columns && !known.has(name) ? ' jp-mod-invalid' : ''
              }`}
            >
              {name}
              <button
                type="button"
                className="jp-studio-ColumnChip-remove"
                aria-label={`Remove ${name}`}
                title={`Remove ${name}`}
                onClick={() => props.onChange(value.filter(n => n !== name))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {columns === undefined ? (
        <Loading id={props.id} />
      ) : columns === null ? (
        <input
          id={props.id}
          aria-describedby={props.describedBy}
          aria-invalid={props.invalid || undefined}
          className="jp-mod-styled jp-studio-input"
          placeholder="Type a column name and press Enter"
          value={typed}
          onChange={e => setTyped(e.target.value)}
          onKeyDown={e => {
            if (e.key === 'Enter') {
              e.preventDefault();
              add([typed.trim()]);
              setTyped('');
            }
          }}
          onBlur={() => {
            add([typed.trim()]);
            setTyped('');
          }}
        />
      ) : (
        <select
          id={props.id}
          aria-describedby={props.describedBy}
          aria-invalid={props.invalid || undefined}
          className="jp-mod-styled jp-studio-select"
          value=""
          disabled={!left.length}
          onChange={e => {
            const choice = e.target.value;
            const group = columnGroups(left).find(
              g => `group:${g.label}` === choice
            );
            add(group ? group.names : [choice]);
          }}
        >
          <option value="">
            {left.length ? 'Add a column…' : 'Every column is chosen'}
          </option>
          {left.map(c => (
            <option key={c.name} value={c.name}>
              {c.name} · {c.kind}
            </option>
          ))}
          {columnGroups(left).length ? (
            <optgroup label="Add several">
              {columnGroups(left).map(g => (
                <option key={g.label} value={`group:${g.label}`}>
                  {g.label}
                </option>
              ))}
            </optgroup>
          ) : null}
        </select>
      )}
    </div>
  );
}

/** Rows of column -> value: a column select, a value (select or text), remove. */
export function ColumnMapEditor(props: {
  id: string;
  value: IMapRow[];
  columns: InputColumns;
  /** Allowed values (a select), or free text. */
  options?: string[];
  valueLabel: string;
  onChange: (rows: IMapRow[]) => void;
}): JSX.Element {
  const { value, options } = props;
  const update = (index: number, change: Partial<IMapRow>) =>
    props.onChange(
      value.map((r, i) => (i === index ? { ...r, ...change } : r))
    );
  return (
    <div className="jp-studio-RowsEditor" id={props.id}>
      {value.map((row, index) => (
        <div className="jp-studio-RowsEditor-row" key={index}>
          <ColumnSelect
            ariaLabel={`Column ${index + 1}`}
            value={row.column}
            columns={props.columns}
            emptyLabel="Choose a column…"
            exclude={value.map(r => r.column)}
            onChange={column => update(index, { column })}
          />
          <span className="jp-studio-muted">→</span>
          {options ? (
            <select
              aria-label={`${props.valueLabel} ${index + 1}`}
              className="jp-mod-styled jp-studio-select"
              value={row.value}
              onChange={e => update(index, { value: e.target.value })}
            >
              {options.includes(row.value) ? null : (
                <option value={row.value}>{row.value || 'Choose…'}</option>
              )}
              {options.map(o => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          ) : (
            <input
              aria-label={`${props.valueLabel} ${index + 1}`}
              className="jp-mod-styled jp-studio-input"
              value={row.value}
              onChange={e => update(index, { value: e.target.value })}
            />
          )}
          <RemoveButton
            label={`Remove row ${index + 1}`}
            onClick={() => props.onChange(value.filter((_, i) => i !== index))}
          />
        </div>
      ))}
      <button
        type="button"
        className="jp-mod-styled jp-studio-button"
        onClick={() => props.onChange([...value, { column: '', value: '' }])}
      >
        Add a column
      </button>
    </div>
  );
}

/** A disabled select while the input's columns are asked for. */
function Loading(props: { id?: string; label?: string }): JSX.Element {
  return (
    <select
      id={props.id}
      aria-label={props.label}
      className="jp-mod-styled jp-studio-select"
      disabled
    >
      <option>Loading the columns…</option>
    </select>
  );
}

export function RemoveButton(props: {
  label: string;
  onClick: () => void;
}): JSX.Element {
  return (
    <button
      type="button"
      className="jp-mod-styled jp-studio-button jp-studio-RowsEditor-remove"
      aria-label={props.label}
      title={props.label}
      onClick={props.onClick}
    >
      ×
    </button>
  );
}
