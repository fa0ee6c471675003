/*
 * A list of small objects edited as rows: filter conditions (column /
 * operator / value), sort keys (column / descending), aggregations (column /
 * function / name). Each cell is built from the item's schema.
 */
import React from 'react';

import type { FieldValue } from '../../utils/schema-form';
import { ColumnSelect, RemoveButton } from './column-inputs';
import {
  InputColumns,
  IStepField,
  IStepValues,
  LIST_OPERATORS,
  NO_VALUE_OPERATORS,
  OPERATOR_LABELS,
  initialRow
} from './step-fields';

/** One cell: a column select, a select of allowed values, a checkbox or a text. */
function Cell(props: {
  field: IStepField;
  value: unknown;
  columns: InputColumns;
  row: number;
  operatorLabels: boolean;
  onChange: (value: FieldValue) => void;
}): JSX.Element {
  const { field, row } = props;
  const base = field.base;
  const label = `${base.label} ${row + 1}`;
  const text = typeof props.value === 'string' ? props.value : '';
  if (field.kind === 'column') {
    return (
      <ColumnSelect
        ariaLabel={label}
        value={text}
        columns={props.columns}
        emptyLabel={base.required ? 'Choose a column…' : 'none'}
        onChange={props.onChange}
      />
    );
  }
  if (base.type === 'boolean') {
    return (
      <label className="jp-studio-Checkbox">
        <input
          type="checkbox"
          aria-label={label}
          checked={props.value === true}
          onChange={e => props.onChange(e.target.checked)}
        />
        {base.label}
      </label>
    );
  }
  if (base.type === 'enum') {
    return (
      <select
        aria-label={label}
        className="jp-mod-styled jp-studio-select"
        value={text}
        onChange={e => props.onChange(e.target.value)}
      >
        {text === '' || base.nullable ? <option value="">none</option> : null}
        {(base.options ?? []).map(option => (
          <option key={JSON.stringify(option)} value={JSON.stringify(option)}>
            {props.operatorLabels
              ? (OPERATOR_LABELS[String(option)] ?? String(option))
              : String(option)}
          </option>
        ))}
      </select>
    );
  }
  return (
    <input
      aria-label={label}
      className="jp-mod-styled jp-studio-input"
      type={
        base.type === 'number' || base.type === 'integer' ? 'number' : 'text'
      }
      placeholder={base.required ? base.label : `${base.label} (optional)`}
      value={text}
      onChange={e => props.onChange(e.target.value)}
    />
  );
}

/** The value input of a condition, shaped by its operator. */
function ConditionValue(props: {
  operator: string;
  value: string;
  row: number;
  onChange: (text: string) => void;
}): JSX.Element | null {
  if (NO_VALUE_OPERATORS.includes(props.operator)) {
    return <span />;
  }
  const list = LIST_OPERATORS.includes(props.operator);
  return (
    <input
      aria-label={`Value ${props.row + 1}`}
      className="jp-mod-styled jp-studio-input"
      placeholder={list ? 'values, separated by commas' : 'value'}
      value={props.value}
      onChange={e => props.onChange(e.target.value)}
    />
  );
}

export function RowsEditor(props: {
  id: string;
  field: IStepField;
  value: IStepValues[];
  columns: InputColumns;
  onChange: (rows: IStepValues[]) => void;
}): JSX.Element {
  const { field, value } = props;
  const conditions = field.kind === 'conditions';
  const cells = (field.children ?? []).filter(
    c => !(conditions && c.name === 'value')
  );
  const update = (index: number, name: string, cell: FieldValue) =>
    props.onChange(
      value.map((r, i) => (i === index ? { ...r, [name]: cell } : r))
    );
  const operatorOf = (row: IStepValues) => {
    try {
      return String(JSON.parse(String(row.operator ?? '"=="')));
    } catch {
      return '==';
    }
  };
  return (
    <div
      className="jp-studio-RowsEditor"
      id={props.id}
      data-testid={conditions ? 'studio-conditions' : 'studio-rows'}
    >
      {value.map((row, index) => (
        <div
          className="jp-studio-RowsEditor-row"
          key={index}
          data-testid="studio-rows-row"
        >
          {cells.map(child => (
            <Cell
              key={child.name}
              field={child}
              value={row[child.name]}
              columns={props.columns}
              row={index}
              operatorLabels={conditions && child.name === 'operator'}
              onChange={cell => update(index, child.name, cell)}
            />
          ))}
          {conditions ? (
            <ConditionValue
              operator={operatorOf(row)}
              value={typeof row.value === 'string' ? row.value : ''}
              row={index}
              onChange={text => update(index, 'value', text)}
            />
          ) : null}
          <RemoveButton
            label={`Remove row ${index + 1}`}
            onClick={() => props.onChange(value.filter((_, i) => i !== index))}
          />
        </div>
      ))}
      <button
        type="button"
        className="jp-mod-styled jp-studio-button"
        onClick={() => props.onChange([...value, initialRow(field)])}
      >
        {conditions ? 'Add a condition' : 'Add a row'}
      </button>
    </div>
  );
}
