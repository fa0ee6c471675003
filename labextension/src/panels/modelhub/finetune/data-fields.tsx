/*
 * The fine-tune form's training data: the file (from a space or home) and
 * its columns, instruction and response for generation, text and label for
 * classification.
 */
import React from 'react';

import type { FinetuneTask } from '../../../api/modelhub';
import { ColumnChoice, DataPicker, IDataChoice } from '../data-picker';
import { IFinetuneForm } from '../finetune-form';
import { ModelHubModel } from '../model';
import { FieldRow } from './field-row';

/** One column field of the form: where it is kept, its request field, its id and label. */
interface IColumnField {
  key: 'instruction' | 'response' | 'text' | 'label';
  requestField: string;
  id: string;
  label: string;
}

const COLUMN_FIELDS: Record<FinetuneTask, IColumnField[]> = {
  generation: [
    {
      key: 'instruction',
      requestField: 'instruction_column',
      id: 'jp-studio-ft-instruction',
      label: 'Instruction column'
    },
    {
      key: 'response',
      requestField: 'response_column',
      id: 'jp-studio-ft-response',
      label: 'Response column'
    }
  ],
  classification: [
    {
      key: 'text',
      requestField: 'text_column',
      id: 'jp-studio-ft-text',
      label: 'Text column'
    },
    {
      key: 'label',
      requestField: 'label_column',
      id: 'jp-studio-ft-label',
      label: 'Label column'
    }
  ]
};

export function DataFields(props: {
  model: ModelHubModel;
  form: IFinetuneForm;
  onData: (data: IDataChoice) => void;
  onChange: (change: Partial<IFinetuneForm>) => void;
  errorOf: (name: string) => string | null;
}): JSX.Element {
  const { form, onChange, errorOf } = props;
  const dataError = errorOf('data');
  return (
    <>
      <DataPicker
        model={props.model}
        idPrefix="jp-studio-ft-data"
        value={form.data}
        onChange={props.onData}
      />
      {dataError ? (
        <>
          <span />
          <div className="jp-studio-FieldError">{dataError}</div>
        </>
      ) : null}
      {COLUMN_FIELDS[form.task].map(field => (
        <FieldRow
          key={field.key}
          id={field.id}
          label={field.label}
          error={errorOf(field.requestField)}
        >
          <ColumnChoice
            id={field.id}
            columns={form.data.columns}
            value={form[field.key]}
            onChange={value => onChange({ [field.key]: value })}
          />
        </FieldRow>
      ))}
    </>
  );
}
