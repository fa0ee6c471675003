/*
 * The Fine-tune tab: the form (model, data file, columns, steps, learning
 * rate, LoRA rank, output model name), then the job's live loss chart with
 * Stop and Resume.
 */
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { Button } from '@jupyterlab/ui-components';
import React, { useEffect, useState } from 'react';

import { isStoppable, isTerminal } from '../../api/jobs';
import { FinetuneTask, isLicenseRefusal } from '../../api/modelhub';
import { errorMessage, StudioAPIError } from '../../api/request';
import { StatusBadge } from '../../components/status-badge';
import { useSignal } from '../../components/use-signal';
import { VegaChart } from '../../components/vega-chart';
import { sortErrorDetail } from '../../utils/field-errors';
import { LoadState } from '../../utils/load-state';
import type { IPathOpener } from '../../tokens';
import { NAME_RULE } from '../../utils/names';
import { lossChartSpec } from './charts';
import { ColumnSelect, DataPicker, IDataChoice } from './data-picker';
import {
  guessLabelColumn,
  guessTextColumn,
  INSTRUCTION_HINTS,
  LABEL_HINTS,
  RESPONSE_HINTS,
  TEXT_HINTS
} from './data-files';
import {
  finetuneProblems,
  finetuneRequest,
  IFinetuneForm
} from './finetune-form';
import { LicenseGate } from './license-gate';
import { ModelHubModel } from './model';

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

export function FinetuneView(props: {
  model: ModelHubModel;
  rendermime: IRenderMimeRegistry | null;
  opener: IPathOpener;
}): JSX.Element {
  const { model } = props;
  useSignal(model.changed);
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

  const problems = finetuneProblems(form);
  const fieldError = (name: string) =>
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

  const row = (
    id: string,
    label: string,
    name: string,
    input: JSX.Element,
    help?: string
  ) => (
    <>
      <label htmlFor={id}>{label}</label>
      <div>
        {input}
        {fieldError(name) ? (
          <div
            className="jp-studio-FieldError"
            data-testid="studio-field-error"
          >
            {fieldError(name)}
          </div>
        ) : null}
        {help ? <div className="jp-studio-FieldHelp">{help}</div> : null}
      </div>
    </>
  );
  const numberInput = (id: string, key: keyof IFinetuneForm) => (
    <input
      id={id}
      className="jp-mod-styled jp-studio-input jp-studio-input-tiny"
      value={form[key] as string}
      onChange={e => setForm({ ...form, [key]: e.target.value })}
    />
  );

  return (
    <div className="jp-studio-HubTwoColumns">
      <form
        className="jp-studio-HubForm"
        data-testid="studio-hub-finetune-form"
        onSubmit={e => {
          e.preventDefault();
          void submit();
        }}
      >
        <h3>Fine-tune a model</h3>
        <div className="jp-studio-HubFields">
          {row(
            'jp-studio-ft-model',
            'Model',
            'model_id',
            <select
              id="jp-studio-ft-model"
              className="jp-mod-styled jp-studio-select"
              value={form.modelId}
              onChange={e => pickModel(e.target.value)}
            >
              {!candidates.length ? <option value="">Loading…</option> : null}
              {candidates.map(c => (
                <option key={c.id} value={c.id}>
                  {`${c.name}${c.gated && !c.accepted ? ' (license to accept)' : ''}`}
                </option>
              ))}
            </select>
          )}
          {row(
            'jp-studio-ft-task',
            'Task',
            'task',
            <select
              id="jp-studio-ft-task"
              className="jp-mod-styled jp-studio-select"
              value={form.task}
              onChange={e =>
                setForm({ ...form, task: e.target.value as FinetuneTask })
              }
            >
              <option value="generation">
                Generation (instruction → response)
              </option>
              <option value="classification">
                Classification (text → label)
              </option>
            </select>
          )}
          <DataPicker
            model={model}
            idPrefix="jp-studio-ft-data"
            value={form.data}
            onChange={setData}
          />
          {fieldError('data') ? (
            <>
              <span />
              <div className="jp-studio-FieldError">{fieldError('data')}</div>
            </>
          ) : null}
          {form.task === 'generation' ? (
            <>
              <ColumnSelect
                id="jp-studio-ft-instruction"
                label="Instruction column"
                columns={form.data.columns}
                value={form.instruction}
                onChange={v => setForm({ ...form, instruction: v })}
              />
              <ColumnSelect
                id="jp-studio-ft-response"
                label="Response column"
                columns={form.data.columns}
                value={form.response}
                onChange={v => setForm({ ...form, response: v })}
              />
            </>
          ) : (
            <>
              <ColumnSelect
                id="jp-studio-ft-text"
                label="Text column"
                columns={form.data.columns}
                value={form.text}
                onChange={v => setForm({ ...form, text: v })}
              />
              <ColumnSelect
                id="jp-studio-ft-label"
                label="Label column"
                columns={form.data.columns}
                value={form.label}
                onChange={v => setForm({ ...form, label: v })}
              />
            </>
          )}
          {[
            'instruction_column',
            'response_column',
            'text_column',
            'label_column'
          ]
            .map(name => fieldError(name))
            .filter(Boolean)
            .map(text => (
              <React.Fragment key={text}>
                <span />
                <div className="jp-studio-FieldError">{text}</div>
              </React.Fragment>
            ))}
          {row(
            'jp-studio-ft-steps',
            'Steps',
            'max_steps',
            numberInput('jp-studio-ft-steps', 'maxSteps')
          )}
          {row(
            'jp-studio-ft-lr',
            'Learning rate',
            'learning_rate',
            numberInput('jp-studio-ft-lr', 'learningRate')
          )}
          {row(
            'jp-studio-ft-batch',
            'Batch size',
            'batch_size',
            numberInput('jp-studio-ft-batch', 'batchSize')
          )}
          {row(
            'jp-studio-ft-lora',
            'LoRA r',
            'lora_r',
            numberInput('jp-studio-ft-lora', 'loraR'),
            'Rank of the low-rank adapters (LoRA, the default method).'
          )}
          {row(
            'jp-studio-ft-output',
            'Output model name',
            'output_model_name',
            <input
              id="jp-studio-ft-output"
              className="jp-mod-styled jp-studio-input"
              value={form.outputName}
              onChange={e => setForm({ ...form, outputName: e.target.value })}
            />,
            `The tuned model is registered under this name. ${NAME_RULE}`
          )}
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
            className="jp-studio-error jp-studio-HubDeployError"
            role="alert"
            data-testid="studio-hub-finetune-error"
          >
            {error}
          </div>
        ) : null}
        <Button type="submit" className="jp-studio-primary" disabled={busy}>
          {busy ? 'Starting…' : 'Start fine-tuning'}
        </Button>
      </form>
      <FinetuneProgress
        model={model}
        rendermime={props.rendermime}
        opener={props.opener}
      />
    </div>
  );
}

function FinetuneProgress(props: {
  model: ModelHubModel;
  rendermime: IRenderMimeRegistry | null;
  opener: IPathOpener;
}): JSX.Element | null {
  const { model } = props;
  const run = model.finetune;
  const [error, setError] = useState<string | null>(null);
  if (!run) {
    return (
      <div className="jp-studio-HubResult jp-studio-muted">
        The loss curve of the fine-tuning shows here while it trains.
      </div>
    );
  }
  const points = LoadState.valueOf(run.loss)?.points ?? [];
  const checkpoint = LoadState.valueOf(run.loss)?.checkpoint ?? null;
  const job = run.job;
  const act = async (action: () => Promise<unknown>) => {
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <section
      className="jp-studio-HubResult"
      data-testid="studio-hub-finetune-job"
      data-job-id={job.job_id}
      data-status={job.status}
    >
      <div className="jp-studio-JobDetail-titleRow">
        <h3 className="jp-studio-JobDetail-title">{job.name}</h3>
        <StatusBadge status={job.status} title={job.status_message} />
      </div>
      <div className="jp-studio-muted">
        {run.request.model_id} on {run.request.data} ·{' '}
        {points.length
          ? `step ${points[points.length - 1].step} of ${run.request.max_steps}, loss ${points[points.length - 1].loss.toFixed(4)}`
          : job.progress_message || 'waiting for the first step'}
      </div>
      {job.status_message && job.status !== 'Completed' ? (
        <pre className="jp-studio-StatusMessage">{job.status_message}</pre>
      ) : null}
      {points.length ? (
        <VegaChart
          spec={lossChartSpec(points)}
          rendermime={props.rendermime}
          label="Training loss by step"
          testId="studio-hub-loss-chart"
        />
      ) : null}
      {run.loss.status === 'error' ? (
        <div className="jp-studio-error">{run.loss.error}</div>
      ) : null}
      <div className="jp-studio-HubRow">
        <Button
          small
          className="jp-studio-danger"
          disabled={!isStoppable(job.status)}
          title="Stop training; the last checkpoint is kept"
          onClick={() => void act(() => model.stopFinetune())}
        >
          Stop
        </Button>
        <Button
          small
          className="jp-studio-secondary"
          disabled={
            !(job.status === 'Stopped' || job.status === 'Failed') ||
            !checkpoint
          }
          title={
            checkpoint
              ? `Train again from ${checkpoint}`
              : 'Resume needs a checkpoint of a stopped job'
          }
          onClick={() => void act(() => model.resumeFinetune())}
        >
          Resume
        </Button>
        {checkpoint ? (
          <button
            className="jp-studio-linkButton"
            onClick={() => props.opener.reveal(checkpoint)}
          >
            checkpoint
          </button>
        ) : null}
        {job.output_path ? (
          <button
            className="jp-studio-linkButton"
            onClick={() => props.opener.reveal(job.output_path!)}
          >
            output folder
          </button>
        ) : null}
        {job.log_path ? (
          <button
            className="jp-studio-linkButton"
            onClick={() => props.opener.openFile(job.log_path!)}
          >
            log
          </button>
        ) : null}
      </div>
      {isTerminal(job.status) && job.status === 'Completed' ? (
        <Button
          small
          className="jp-studio-primary"
          title="Evaluate the base model against the tuned version"
          onClick={() => void act(() => model.compareWithBase())}
        >
          Compare with the base model
        </Button>
      ) : null}
      {isTerminal(job.status) && job.status === 'Completed' ? (
        <div className="jp-studio-muted">
          Registered as {run.request.output_model_name}: deploy it from the
          Models panel or find it in the catalogue (source: registry).
        </div>
      ) : null}
      {error ? (
        <div className="jp-studio-error" role="alert">
          {error}
        </div>
      ) : null}
    </section>
  );
}
