/*
 * One field of a Data Wrangler form (see step-fields.ts): a column picker,
 * condition or key rows, a group of options, or a plain schema field.
 */
import React from 'react';

import { FormRow, SchemaField } from '../../components/schema-field';
import type { FieldValue } from '../../utils/schema-form';
import { ColumnMapEditor, ColumnSelect, ColumnsPicker } from './column-inputs';
import { RowsEditor } from './rows-editor';
import {
  InputColumns,
  IMapRow,
  IStepField,
  IStepValues,
  StepValue
} from './step-fields';

const HELP: Partial<Record<IStepField['kind'], string>> = {
  columns: 'In the order chosen.',
  conditions: 'A row is kept when its conditions hold (all or any, below).'
};

export function StepField(props: {
  id: string;
  field: IStepField;
  value: StepValue;
  onChange: (value: StepValue) => void;
  error?: string | null;
  /** The columns of the node's input `index` (`null`: not known). */
  columnsOf: (index: number) => InputColumns;
}): JSX.Element {
  const { field, value, onChange, id } = props;
  const columns = props.columnsOf(field.input);
  const base = field.base;
  if (field.kind === 'plain') {
    return (
      <SchemaField
        id={id}
        field={base}
        value={value as FieldValue}
        error={props.error}
        onChange={onChange}
      />
    );
  }
  if (field.kind === 'group') {
    const group = (value ?? {}) as IStepValues;
    return (
      <details
        className="jp-studio-FieldGroup"
        data-field={id}
        open={Boolean(props.error)}
      >
        <summary>{base.label}</summary>
        {base.help ? (
          <div className="jp-studio-FieldHelp">{base.help}</div>
        ) : null}
        <div className="jp-studio-FormGrid">
          {(field.children ?? []).map(child => (
            <StepField
              key={child.name}
              id={`${id}-${child.name}`}
              field={child}
              value={group[child.name]}
              columnsOf={props.columnsOf}
              onChange={v => onChange({ ...group, [child.name]: v })}
            />
          ))}
        </div>
        {props.error ? (
          <div
            className="jp-studio-FieldError"
            data-testid="studio-field-error"
          >
            {props.error}
          </div>
        ) : null}
      </details>
    );
  }
  const unknown =
    columns === null && field.kind !== 'rows' && field.kind !== 'conditions'
      ? 'The input’s columns are not known (its preview failed): type names.'
      : '';
  const help = [base.help, HELP[field.kind], unknown].filter(Boolean).join(' ');
  return (
    <FormRow
      id={id}
      label={base.required ? `${base.label} *` : base.label}
      help={help}
      error={props.error}
    >
      {aria => {
        switch (field.kind) {
          case 'column':
            return (
              <ColumnSelect
                id={aria.id}
                describedBy={aria['aria-describedby']}
                invalid={aria['aria-invalid']}
                value={typeof value === 'string' ? value : ''}
                columns={columns}
                emptyLabel={base.required ? 'Choose a column…' : 'none'}
                onChange={onChange}
              />
            );
          case 'columns':
            return (
              <ColumnsPicker
                id={aria.id}
                describedBy={aria['aria-describedby']}
                invalid={aria['aria-invalid']}
                value={Array.isArray(value) ? (value as string[]) : []}
                columns={columns}
                onChange={onChange}
              />
            );
          case 'columnMap':
            return (
              <ColumnMapEditor
                id={aria.id}
                value={Array.isArray(value) ? (value as IMapRow[]) : []}
                columns={columns}
                options={field.valueOptions}
                valueLabel={field.valueOptions ? 'Type' : 'New name'}
                onChange={onChange}
              />
            );
          default:
            return (
              <RowsEditor
                id={aria.id}
                field={field}
                value={Array.isArray(value) ? (value as IStepValues[]) : []}
                columns={columns}
                onChange={onChange}
              />
            );
        }
      }}
    </FormRow>
  );
}
