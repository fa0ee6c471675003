/*
 * The fine-tune form: model and task, data and columns, training settings;
 * Start fine-tuning (a gated model's refusal shows its license gate).
 */
import { Button } from '@jupyterlab/ui-components';
import React, { useEffect, useState } from 'react';

import { FinetuneTask, isLicenseRefusal } from '../../../api/modelhub';
import { errorMessage, StudioAPIError } from '../../../api/request';
import { sortErrorDetail } from '../../../utils/field-errors';
import {
  guessLabelColumn,
  guessTextColumn,
  INSTRUCTION_HINTS,
  LABEL_HINTS,
  RESPONSE_HINTS,
  TEXT_HINTS
} from '../data-files';
import { IDataChoice } from '../data-picker';
import {
  finetuneProblems,
  finetuneRequest,
  IFinetuneForm
} from '../finetune-form';
import { LicenseGate } from '../license-gate';
import { ModelHubModel } from '../model';
import { DataFields } from './data-fields';
import { ModelFields } from './model-fields';
import { TrainingFields } from './training-fields';

/** The request's fields, in the form's order (for the server's field errors). */
const FIELDS = [
  'model_id',
  'data',
  'task',
  'instruction_column',
  'response_column',
  'text_column',
  'label_column',
  'max_steps',
  'learning_rate',
  'batch_size',
  'lora_r',
  'output_model_name',
  'space_id'
];

export function FinetuneStartForm(props: {
  model: ModelHubModel;
}): JSX.Element {
  const { model } = props;
  const candidates = model.allCards.filter(
    c => c.task === 'text-generation' || c.tasks.includes('text-classification')
  );
  const [form, setForm] = useState<IFinetuneForm>({
    modelId: '',
    task: 'generation',
    data: { spaceId: model.activeSpaceId ?? '', path: '', columns: [] },
    instruction: '',
    response: '',
    text: '',
    label: '',
    maxSteps: '20',
    learningRate: '0.002',
    batchSize: '4',
    loraR: '8',
    outputName: ''
  });
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [serverFields, setServerFields] = useState<Record<string, string>>({});
  const [refused, setRefused] = useState(false);

  // Default model: the selected catalogue model, else the first candidate.
  useEffect(() => {
    if (form.modelId && candidates.some(c => c.id === form.modelId)) {
      return;
    }
    const preferred =
      candidates.find(c => c.id === model.selectedId) ?? candidates[0];
    if (preferred) {
      pickModel(preferred.id);
    }
  }, [candidates.map(c => c.id).join(','), model.selectedId]);

  const pickModel = (id: string) => {
    const card = candidates.find(c => c.id === id);
    setRefused(false);
    const task: FinetuneTask =
      card && card.task !== 'text-generation' ? 'classification' : 'generation';
    setForm(f => ({
      ...f,
      modelId: id,
      task,
      outputName:
        f.outputName ||
        `${id.replace(/[^A-Za-z0-9-]+/g, '-')}-tuned`.slice(0, 60)
    }));
  };

  const setData = (data: IDataChoice) => {
    setForm(f => {
      const cols = data.columns;
      const keep = (column: string) => (cols.includes(column) ? column : '');
      // Text columns by name, then by content: never a column of numbers.
      const instruction =
        keep(f.instruction) || guessTextColumn(data, INSTRUCTION_HINTS);
      const response =
        keep(f.response) ||
        guessTextColumn(data, RESPONSE_HINTS, [instruction]);
      const text = keep(f.text) || guessTextColumn(data, TEXT_HINTS);
      const label =
        keep(f.label) || guessLabelColumn(data, LABEL_HINTS, [text]);
      return { ...f, data, instruction, response, text, label };
    });
  };
  const change = (values: Partial<IFinetuneForm>) =>
    setForm(f => ({ ...f, ...values }));

  const problems = finetuneProblems(form);
  const errorOf = (name: string) =>
    (touched ? problems[name] : undefined) ?? serverFields[name] ?? null;

  const submit = async (): Promise<void> => {
    setTouched(true);
    if (Object.keys(problems).length) {
      return;
    }
    setBusy(true);
    setError(null);
    setRefused(false);
    setServerFields({});
    try {
      await model.startFinetune(finetuneRequest(form));
    } catch (e) {
      const detail = e instanceof StudioAPIError ? e.detail : null;
      const sorted = sortErrorDetail(detail, FIELDS);
      setServerFields(sorted.fields);
      setRefused(isLicenseRefusal(e));
      setError([errorMessage(e), ...sorted.other].join('\n'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="jp-studio-ModelHubForm"
      data-testid="studio-modelhub-finetune-form"
      onSubmit={e => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3>Fine-tune a model</h3>
      <div className="jp-studio-ModelHubFields">
        <ModelFields
          candidates={candidates}
          modelId={form.modelId}
          task={form.task}
          onModel={pickModel}
          onTask={task => change({ task })}
          errorOf={errorOf}
        />
        <DataFields
          model={model}
          form={form}
          onData={setData}
          onChange={change}
          errorOf={errorOf}
        />
        <TrainingFields form={form} onChange={change} errorOf={errorOf} />
      </div>
      {refused ? (
        <LicenseGate
          model={model}
          modelId={form.modelId}
          action="fine-tune"
          retry={submit}
          onCancel={() => {
            setError(null);
            setRefused(false);
          }}
        />
      ) : error ? (
        <div
          className="jp-studio-error jp-studio-ModelHubDeployError"
          role="alert"
          data-testid="studio-modelhub-finetune-error"
        >
          {error}
        </div>
      ) : null}
      <Button type="submit" className="jp-studio-primary" disabled={busy}>
        {busy ? 'Starting…' : 'Start fine-tuning'}
      </Button>
    </form>
  );
}
