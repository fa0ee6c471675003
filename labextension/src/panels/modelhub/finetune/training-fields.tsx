/*
 * The fine-tune form's training settings (steps, learning rate, batch size,
 * LoRA rank) and the name the tuned model is registered under.
 */
import React from 'react';

import { NAME_RULE } from '../../../utils/names';
import { IFinetuneForm } from '../finetune-form';
import { FieldRow } from './field-row';

type NumberKey = 'maxSteps' | 'learningRate' | 'batchSize' | 'loraR';

export function TrainingFields(props: {
  form: IFinetuneForm;
  onChange: (change: Partial<IFinetuneForm>) => void;
  errorOf: (name: string) => string | null;
}): JSX.Element {
  const { form, onChange, errorOf } = props;
  const numberRow = (
    id: string,
    label: string,
    name: string,
    key: NumberKey,
    help?: string
  ) => (
    <FieldRow id={id} label={label} error={errorOf(name)} help={help}>
      <input
        id={id}
        className="jp-mod-styled jp-studio-input jp-studio-input-tiny"
        value={form[key]}
        onChange={e => onChange({ [key]: e.target.value })}
      />
    </FieldRow>
  );
  return (
    <>
      {numberRow('jp-studio-ft-steps', 'Steps', 'max_steps', 'maxSteps')}
      {numberRow(
        'jp-studio-ft-lr',
        'Learning rate',
        'learning_rate',
        'learningRate'
      )}
      {numberRow('jp-studio-ft-batch', 'Batch size', 'batch_size', 'batchSize')}
      {numberRow(
        'jp-studio-ft-lora',
        'LoRA r',
        'lora_r',
        'loraR',
        'Rank of the low-rank adapters (LoRA, the default method).'
      )}
      <FieldRow
        id="jp-studio-ft-output"
        label="Output model name"
        error={errorOf('output_model_name')}
        help={`The tuned model is registered under this name. ${NAME_RULE}`}
      >
        <input
          id="jp-studio-ft-output"
          className="jp-mod-styled jp-studio-input"
          value={form.outputName}
          onChange={e => onChange({ outputName: e.target.value })}
        />
      </FieldRow>
    </>
  );
}
