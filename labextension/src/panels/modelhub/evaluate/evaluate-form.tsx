/*
 * The Evaluate form: the task, one or two models (catalogue ids, registry
 * versions or endpoints of that task), a labelled file and its columns,
 * and whether to add robustness perturbations.
 */
import { Button } from '@jupyterlab/ui-components';
import React, { useEffect, useState } from 'react';

import type { FinetuneTask, IEvaluateRequest } from '../../../api/modelhub';
import { errorMessage } from '../../../api/request';
import { LoadState } from '../../../utils/load-state';
import { evaluationChoices } from '../catalogue';
import {
  guessLabelColumn,
  guessTextColumn,
  INSTRUCTION_HINTS,
  LABEL_HINTS,
  RESPONSE_HINTS,
  TEXT_HINTS
} from '../data-files';
import { ColumnSelect, DataPicker, IDataChoice } from '../data-picker';
import { ModelHubModel } from '../model';

export function EvaluateForm(props: { model: ModelHubModel }): JSX.Element {
  const { model } = props;
  const endpoints = LoadState.valueOf(model.endpoints) ?? [];
  const [models, setModels] = useState<[string, string]>(['', '']);
  const [task, setTask] = useState<FinetuneTask>('classification');
  // Only the models and endpoints of the task: another would fail the job.
  const options = evaluationChoices(task, model.allCards, endpoints);
  const [data, setData] = useState<IDataChoice>({
    spaceId: model.activeSpaceId ?? '',
    path: '',
    columns: []
  });
  const [columns, setColumns] = useState({ a: '', b: '' });
  const [perturbations, setPerturbations] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const preset = model.evaluatePreset;
  useEffect(() => {
    if (preset) {
      setModels([preset.models[0] ?? '', preset.models[1] ?? '']);
      setTask(preset.task);
    }
  }, [preset?.seq]);
  for (const id of preset?.models ?? []) {
    if (!options.some(o => o.value === id)) {
      options.push({ value: id, label: id });
    }
  }

  const chosen = models.filter(Boolean);
  const problem = !chosen.length
    ? 'Choose one or two models.'
    : chosen.length === 2 && chosen[0] === chosen[1]
      ? 'Choose two different models to compare.'
      : !data.path.trim()
        ? 'Choose a labelled data file.'
        : !columns.a || !columns.b
          ? 'Choose the columns.'
          : null;

  const guessColumns = (value: IDataChoice, forTask: FinetuneTask) => {
    if (!value.columns.length) {
      return;
    }
    if (forTask === 'classification') {
      const a = guessTextColumn(value, TEXT_HINTS);
      const b = guessLabelColumn(value, LABEL_HINTS, [a]);
      setColumns({ a, b });
    } else {
      const a = guessTextColumn(value, INSTRUCTION_HINTS);
      const b = guessTextColumn(value, RESPONSE_HINTS, [a]);
      setColumns({ a, b });
    }
  };
  const onData = (value: IDataChoice) => {
    setData(value);
    guessColumns(value, task);
  };
  const changeTask = (next: FinetuneTask) => {
    setTask(next);
    const fits = new Set(
      evaluationChoices(next, model.allCards, endpoints).map(o => o.value)
    );
    setModels(([a, b]) => [fits.has(a) ? a : '', fits.has(b) ? b : '']);
    guessColumns(data, next);
  };

  const submit = async () => {
    setBusy(true);
    setError(null);
    const body: IEvaluateRequest = {
      models: chosen,
      data: data.path.trim(),
      task,
      perturbations,
      space_id: data.spaceId || null,
      ...(task === 'classification'
        ? { text_column: columns.a, label_column: columns.b }
        : { instruction_column: columns.a, response_column: columns.b })
    };
    try {
      await model.startEvaluation(body);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="jp-studio-ModelHubForm"
      data-testid="studio-modelhub-evaluate-form"
      onSubmit={e => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3>Evaluate and compare</h3>
      <div className="jp-studio-ModelHubFields">
        <label htmlFor="jp-studio-ev-task">Task</label>
        <select
          id="jp-studio-ev-task"
          className="jp-mod-styled jp-studio-select"
          value={task}
          onChange={e => changeTask(e.target.value as FinetuneTask)}
        >
          <option value="classification">
            Classification (accuracy, macro F1)
          </option>
          <option value="generation">
            Generation (exact match, F1, ROUGE-L)
          </option>
        </select>
        {(['A', 'B'] as const).map((label, i) => (
          <React.Fragment key={label}>
            <label htmlFor={`jp-studio-ev-model${i}`}>Model {label}</label>
            <select
              id={`jp-studio-ev-model${i}`}
              className="jp-mod-styled jp-studio-select"
              value={models[i]}
              onChange={e => {
                const next: [string, string] = [...models];
                next[i] = e.target.value;
                setModels(next);
              }}
            >
              <option value="">
                {i === 0 ? 'Choose…' : '(none: one model)'}
              </option>
              {options.map(o => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          </React.Fragment>
        ))}
        <DataPicker
          model={model}
          idPrefix="jp-studio-ev-data"
          value={data}
          onChange={onData}
        />
        <ColumnSelect
          id="jp-studio-ev-col-a"
          label={
            task === 'classification' ? 'Text column' : 'Instruction column'
          }
          columns={data.columns}
          value={columns.a}
          onChange={v => setColumns({ ...columns, a: v })}
        />
        <ColumnSelect
          id="jp-studio-ev-col-b"
          label={task === 'classification' ? 'Label column' : 'Response column'}
          columns={data.columns}
          value={columns.b}
          onChange={v => setColumns({ ...columns, b: v })}
        />
        <span />
        <label className="jp-studio-Checkbox">
          <input
            type="checkbox"
            checked={perturbations}
            onChange={e => setPerturbations(e.target.checked)}
          />
          Robustness: typos, case and whitespace perturbations
        </label>
      </div>
      {error ? (
        <div className="jp-studio-error" role="alert">
          {error}
        </div>
      ) : null}
      <Button
        type="submit"
        className="jp-studio-primary"
        disabled={busy || problem !== null}
        title={problem ?? 'Start an evaluate job'}
      >
        {busy ? 'Starting…' : 'Evaluate'}
      </Button>
      {problem ? <div className="jp-studio-muted">{problem}</div> : null}
    </form>
  );
}
