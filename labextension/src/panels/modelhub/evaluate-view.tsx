/*
 * The Evaluate tab: two models (hub ids, registry versions or endpoints) on
 * a labelled file; the result as a comparison table and chart.
 */
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { Button } from '@jupyterlab/ui-components';
import React, { useEffect, useState } from 'react';

import type { FinetuneTask, IEvaluateRequest } from '../../api/modelhub';
import { errorMessage } from '../../api/request';
import { StatusBadge } from '../../components/status-badge';
import { useSignal } from '../../components/use-signal';
import { VegaChart } from '../../components/vega-chart';
import { LoadState } from '../../utils/load-state';
import { comparisonTable, evaluationChartSpec, formatMetric } from './charts';
import { ColumnSelect, DataPicker, IDataChoice } from './data-picker';
import { evaluationChoices } from './catalogue';
import {
  guessLabelColumn,
  guessTextColumn,
  INSTRUCTION_HINTS,
  LABEL_HINTS,
  RESPONSE_HINTS,
  TEXT_HINTS
} from './data-files';
import { ModelHubModel } from './model';

export function EvaluateView(props: {
  model: ModelHubModel;
  rendermime: IRenderMimeRegistry | null;
}): JSX.Element {
  const { model } = props;
  useSignal(model.changed);
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

  const run = model.evaluation;
  const result = run?.result ? LoadState.valueOf(run.result) : undefined;
  const table = result ? comparisonTable(result.rows) : null;
  const chart =
    result && result.chart && Object.keys(result.chart).length
      ? result.chart
      : result
        ? evaluationChartSpec(result.rows)
        : null;
  return (
    <div className="jp-studio-HubTwoColumns">
      <form
        className="jp-studio-HubForm"
        data-testid="studio-hub-evaluate-form"
        onSubmit={e => {
          e.preventDefault();
          void submit();
        }}
      >
        <h3>Evaluate and compare</h3>
        <div className="jp-studio-HubFields">
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
            label={
              task === 'classification' ? 'Label column' : 'Response column'
            }
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
      <section
        className="jp-studio-HubResult"
        data-testid="studio-hub-evaluation"
      >
        {!run ? (
          <div className="jp-studio-muted">
            Metrics of the models show here side by side, each model as soon as
            it is scored.
          </div>
        ) : (
          <>
            <div className="jp-studio-JobDetail-titleRow">
              <h3 className="jp-studio-JobDetail-title">{run.job.name}</h3>
              <StatusBadge
                status={run.job.status}
                title={run.job.status_message}
              />
            </div>
            {run.job.status === 'Failed' && run.job.status_message ? (
              <pre className="jp-studio-StatusMessage jp-mod-error">
                {run.job.status_message}
              </pre>
            ) : null}
            {run.result?.status === 'error' ? (
              <div className="jp-studio-error">{run.result.error}</div>
            ) : null}
            {result && result.complete === false ? (
              <div className="jp-studio-muted" role="status">
                Scoring the next model… (the table grows as each model ends)
              </div>
            ) : null}
            {table && table.models.length ? (
              <table
                className="jp-studio-Table"
                data-testid="studio-hub-evaluation-table"
              >
                <thead>
                  <tr>
                    <th scope="col">Metric</th>
                    {table.models.map(m => (
                      <th key={m} scope="col" className="jp-studio-Table-num">
                        {m}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {table.rows.map(r => (
                    <tr key={`${r.metric}/${r.perturbation ?? ''}`}>
                      <td>
                        {r.metric}
                        {r.perturbation ? (
                          <span className="jp-studio-muted">
                            {' '}
                            · {r.perturbation}
                          </span>
                        ) : null}
                      </td>
                      {r.values.map((v, i) => (
                        <td
                          key={i}
                          className={`jp-studio-Table-num${r.best === i ? ' jp-studio-HubBest' : ''}`}
                        >
                          {formatMetric(v)}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
            {chart && table?.models.length ? (
              <VegaChart
                spec={chart}
                rendermime={props.rendermime}
                label="Metrics by model"
                testId="studio-hub-evaluation-chart"
              />
            ) : null}
          </>
        )}
      </section>
    </div>
  );
}
