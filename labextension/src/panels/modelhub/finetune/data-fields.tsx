/*
 * The fine-tune form's training data: the file (from a space or home) and
 * its columns, instruction and response for generation, text and label for
 * classification.
 */
import React from 'react';

import { ColumnSelect, DataPicker, IDataChoice } from '../data-picker';
import { IFinetuneForm } from '../finetune-form';
import { ModelHubModel } from '../model';

const COLUMN_FIELDS = [
  'instruction_column',
  'response_column',
  'text_column',
  'label_column'
];

export function DataFields(props: {
  model: ModelHubModel;
  form: IFinetuneForm;
  onData: (data: IDataChoice) => void;
  onChange: (change: Partial<IFinetuneForm>) => void;
  errorOf: (name: string) => string | null;
}): JSX.Element {
  const { form, onChange, errorOf } = props;
  const columns = form.data.columns;
  return (
    <>
      <DataPicker
        model={props.model}
        idPrefix="jp-studio-ft-data"
        value={form.data}
        onChange={props.onData}
      />
      {errorOf('data') ? (
        <>
          <span />
          <div className="jp-studio-FieldError">{errorOf('data')}</div>
        </>
      ) : null}
      {form.task === 'generation' ? (
        <>
          <ColumnSelect
            id="jp-studio-ft-instruction"
            label="Instruction column"
            columns={columns}
            value={form.instruction}
            onChange={v => onChange({ instruction: v })}
          />
          <ColumnSelect
            id="jp-studio-ft-response"
            label="Response column"
            columns={columns}
            value={form.response}
            onChange={v => onChange({ response: v })}
          />
        </>
      ) : (
        <>
          <ColumnSelect
            id="jp-studio-ft-text"
            label="Text column"
            columns={columns}
            value={form.text}
            onChange={v => onChange({ text: v })}
          />
          <ColumnSelect
            id="jp-studio-ft-label"
            label="Label column"
            columns={columns}
            value={form.label}
            onChange={v => onChange({ label: v })}
          />
        </>
      )}
      {COLUMN_FIELDS.map(name => errorOf(name))
        .filter(Boolean)
        .map(text => (
          <React.Fragment key={text}>
            <span />
            <div className="jp-studio-FieldError">{text}</div>
          </React.Fragment>
        ))}
    </>
  );
}
