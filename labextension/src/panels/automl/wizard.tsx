/*
 * The AutoML wizard: SageMaker Autopilot's five steps. Every change is sent
 * to the server's validate route (debounced) and its message shows next to
 * the field it names; Create sends the same body.
 */
import { Button } from '@jupyterlab/ui-components';
import React, { useEffect, useMemo, useRef, useState } from 'react';

import {
  ALGORITHMS,
  AutoMLMode,
  AutoMLProblemType,
  FeatureType,
  IAutoMLValidation,
  IDataPreview,
  IValidateAutoMLExperiment,
  METRICS,
  previewData,
  validateExperiment
} from '../../api/automl';
import { errorMessage, StudioAPIError } from '../../api/request';
import type { ISpace } from '../../api/spaces';
import { AutoMLModel } from './model';
import { ReviewStep } from './review-step';
import {
  algorithmsFor,
  buildRequest,
  emptyForm,
  FIELD_STEP,
  firstStepWithProblem,
  IWizardForm,
  problemsByField,
  StepId,
  STEPS
} from './wizard-state';

const FEATURE_TYPES: FeatureType[] = [
  'auto',
  'numerical',
  'categorical',
  'text',
  'datetime',
  'sequence'
];
const DEBOUNCE_MS = 350;

/** A field's label, control and the server's message about it. */
function Field(props: {
  label: string;
  field: string;
  problems: Record<string, string>;
  help?: string;
  children: React.ReactNode;
}): JSX.Element {
  const message = props.problems[props.field];
  return (
    <div className="jp-studio-AutoMLField">
      <label className="jp-studio-AutoMLField-label">
        <span>{props.label}</span>
        {props.children}
      </label>
      {props.help ? (
        <div className="jp-studio-FieldHelp">{props.help}</div>
      ) : null}
      {message ? (
        <div
          className="jp-studio-FieldError"
          role="alert"
          data-testid={`automl-error-${props.field}`}
        >
          {message}
        </div>
      ) : null}
    </div>
  );
}

function PreviewTable(props: { preview: IDataPreview }): JSX.Element {
  const { preview } = props;
  return (
    <div className="jp-studio-TableScroll jp-studio-AutoMLPreview">
      <table className="jp-studio-Table" data-testid="automl-preview">
        <thead>
          <tr>
            {preview.columns.map(c => (
              <th
                key={c.name}
                scope="col"
                title={`${c.missing} missing, ${c.unique} distinct`}
              >
                {c.name}
                <div className="jp-studio-muted">{c.inferred_type}</div>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {preview.rows.map((row, i) => (
            <tr key={i}>
              {row.map((cell, j) => (
                <td key={j}>{cell === null ? '' : String(cell)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="jp-studio-muted">
        {preview.row_count} rows, {preview.columns.length} columns (first{' '}
        {preview.rows.length} shown)
      </div>
    </div>
  );
}

/** Only the fields the user has filled, for the validate route. */
function partialBody(
  form: IWizardForm,
  columns: string[]
): IValidateAutoMLExperiment {
  const { body } = buildRequest(form, columns);
  const out: IValidateAutoMLExperiment = { ...body };
  if (!form.name.trim()) {
    delete out.experiment_name;
  }
  if (!form.data.trim()) {
    delete out.data;
  }
  if (!form.target) {
    delete out.target;
  }
  if (!(body.max_runtime && body.max_runtime > 0)) {
    delete out.max_runtime;
  }
  return out;
}

export function AutoMLWizard(props: {
  model: AutoMLModel;
  spaces: ISpace[];
  selectedFile?: () => string | null;
  onCancel: () => void;
}): JSX.Element {
  const { model } = props;
  const settings = model.serverSettings;
  const [prefill] = useState(() => model.takePrefill());
  const [form, setForm] = useState<IWizardForm>(() => ({
    ...emptyForm(),
    spaceId: prefill?.spaceId ?? model.connection.activeSpaceId ?? '',
    name: prefill?.experimentName ?? '',
    data: prefill?.data ?? '',
    target: prefill?.target ?? ''
  }));
  // a pre-filled file that a job is still writing: try its preview again every 3 s
  const [retry, setRetry] = useState(0);
  const [step, setStep] = useState<StepId>('data');
  const [files, setFiles] = useState<string[]>([]);
  const [preview, setPreview] = useState<IDataPreview | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [checked, setChecked] = useState<IAutoMLValidation | null>(null);
  const [serverProblems, setServerProblems] = useState<Record<string, string>>(
    {}
  );
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [triedCreate, setTriedCreate] = useState(false);
  const columns = useMemo(
    () => preview?.columns.map(c => c.name) ?? [],
    [preview]
  );
  const update = (changes: Partial<IWizardForm>) =>
    setForm(previous => ({ ...previous, ...changes }));

  useEffect(() => {
    model
      .listDataFiles()
      .then(setFiles)
      .catch(() => setFiles([]));
  }, [model]);

  // The preview of the data file, as its path is typed.
  useEffect(() => {
    const path = form.data.trim();
    setPreviewError(null);
    if (!path) {
      setPreview(null);
      return;
    }
    let cancelled = false;
    const timer = window.setTimeout(() => {
      previewData(path, settings)
        .then(result => {
          if (!cancelled) {
            setPreview(result);
          }
        })
        .catch(error => {
          if (!cancelled) {
            setPreview(null);
            setPreviewError(errorMessage(error));
          }
        });
    }, DEBOUNCE_MS);
    return () => {
      cancelled = true;
      window.clearTimeout(timer);
    };
  }, [form.data, settings, retry]);

  const waitingForData =
    !!prefill?.dataJob &&
    form.data === prefill.data &&
    !preview &&
    !!previewError;
  useEffect(() => {
    if (!waitingForData) {
      return;
    }
    const timer = window.setTimeout(() => setRetry(n => n + 1), 3000);
    return () => window.clearTimeout(timer);
  }, [waitingForData, previewError, retry]);

  // The server's checks, as anything is typed (and again once the data file can be read).
  const body = useMemo(() => partialBody(form, columns), [form, columns]);
  const bodyKey = JSON.stringify(body);
  const sequence = useRef(0);
  useEffect(() => {
    const controller = new AbortController();
    const mine = ++sequence.current;
    const timer = window.setTimeout(() => {
      validateExperiment(body, settings, controller.signal)
        .then(result => {
          if (mine === sequence.current) {
            setChecked(result);
            setServerProblems(problemsByField(result.problems));
          }
        })
        .catch(error => {
          if (mine !== sequence.current || controller.signal.aborted) {
            return;
          }
          if (error instanceof StudioAPIError && error.detail) {
            setServerProblems(
              problemsByField(
                error.detail.map(d => ({
                  loc: (d.loc ?? []).map(String),
                  msg: d.msg
                }))
              )
            );
          }
        });
    }, DEBOUNCE_MS);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [bodyKey, settings, preview !== null]);

  const local = problemsByField(buildRequest(form, columns).problems);
  const required: Record<string, string> = {};
  if (triedCreate) {
    if (!form.name.trim()) {
      required.experiment_name = 'give the experiment a name';
    }
    if (!form.data.trim()) {
      required.data = 'pick a CSV or Parquet file';
    }
    if (!form.target) {
      required.target = 'choose the column to predict';
    }
  }
  const problems = { ...serverProblems, ...local, ...required };
  if (waitingForData) {
    problems.data = `job ${prefill?.dataJob} is still writing this file: its preview appears when the job finishes`;
  } else if (previewError && !problems.data) {
    problems.data = previewError;
  }
  const stepHasProblem = (id: StepId) =>
    Object.keys(problems).some(key => FIELD_STEP[key.split('.')[0]] === id);

  const index = STEPS.findIndex(s => s.id === step);
  const create = async () => {
    setTriedCreate(true);
    setSubmitError(null);
    const { body: request, problems: found } = buildRequest(form, columns);
    const missing =
      !request.experiment_name || !request.data || !request.target;
    const all = { ...serverProblems, ...problemsByField(found) };
    if (missing || Object.keys(all).length) {
      const first = missing
        ? !request.experiment_name || !request.data
          ? 'data'
          : 'target'
        : firstStepWithProblem(all);
      if (first) {
        setStep(first);
      }
      setSubmitError('Fix the fields marked in red first.');
      return;
    }
    setBusy(true);
    try {
      await model.create(request);
    } catch (error) {
      if (error instanceof StudioAPIError && error.detail) {
        const byField = problemsByField(
          error.detail.map(d => ({
            loc: (d.loc ?? []).map(String),
            msg: d.msg
          }))
        );
        setServerProblems(byField);
        const first = firstStepWithProblem(byField);
        if (first) {
          setStep(first);
        }
      }
      setSubmitError(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };

  const metricChoices =
    form.problemType === 'auto'
      ? Array.from(new Set(Object.values(METRICS).flat()))
      : METRICS[form.problemType];
  const inferred = new Map(
    (preview?.columns ?? []).map(c => [c.name, c.inferred_type])
  );

  return (
    <div className="jp-studio-AutoMLWizard" data-testid="automl-wizard">
      <h2>Create an AutoML experiment</h2>
      <ol className="jp-studio-AutoMLSteps" role="tablist">
        {STEPS.map((s, i) => (
          <li key={s.id}>
            <button
              type="button"
              role="tab"
              aria-selected={s.id === step}
              className={`jp-studio-AutoMLStep${s.id === step ? ' jp-mod-active' : ''}${stepHasProblem(s.id) ? ' jp-mod-error' : ''}`}
              onClick={() => setStep(s.id)}
              data-testid={`automl-step-${s.id}`}
            >
              <span className="jp-studio-AutoMLStep-number">{i + 1}</span>
              {s.label}
            </button>
          </li>
        ))}
      </ol>

      <div className="jp-studio-AutoMLStepBody">
        {step === 'data' ? (
          <>
            <Field
              label="Experiment name"
              field="experiment_name"
              problems={problems}
              help="Unique in the domain: letters, digits and hyphens, at most 63."
            >
              <input
                className="jp-mod-styled jp-studio-input"
                value={form.name}
                data-testid="automl-name"
                onChange={e => update({ name: e.target.value })}
                placeholder="churn-prediction-1"
              />
            </Field>
            <Field
              label="Input data (CSV or Parquet)"
              field="data"
              problems={problems}
            >
              <div className="jp-studio-AutoMLRow">
                <input
                  className="jp-mod-styled jp-studio-input"
                  value={form.data}
                  list="jp-studio-automl-files"
                  data-testid="automl-data"
                  onChange={e => update({ data: e.target.value, target: '' })}
                  placeholder="path/in/the/file/browser.csv"
                />
                {props.selectedFile ? (
                  <Button
                    small
                    className="jp-studio-secondary"
                    title="Use the file selected in the file browser"
                    onClick={() => {
                      const path = props.selectedFile?.();
                      if (path) {
                        update({ data: path, target: '' });
                      }
                    }}
                  >
                    Use selected file
                  </Button>
                ) : null}
              </div>
            </Field>
            <datalist id="jp-studio-automl-files">
              {files.map(f => (
                <option key={f} value={f} />
              ))}
            </datalist>
            {preview ? <PreviewTable preview={preview} /> : null}
            <fieldset className="jp-studio-AutoMLFieldset">
              <legend>Validation split</legend>
              {(
                [
                  [
                    'auto',
                    'Automatic (80/20, or cross-validation on small data)'
                  ],
                  ['ratio', 'Custom ratio'],
                  ['file', 'A separate validation file']
                ] as const
              ).map(([value, label]) => (
                <label key={value} className="jp-studio-AutoMLChoice">
                  <input
                    type="radio"
                    name="automl-split"
                    checked={form.split === value}
                    onChange={() => update({ split: value })}
                  />
                  {label}
                </label>
              ))}
              {form.split === 'ratio' ? (
                <Field
                  label="Validation share (%)"
                  field="validation_ratio"
                  problems={problems}
                >
                  <input
                    className="jp-mod-styled jp-studio-input jp-studio-input-tiny"
                    value={form.ratioPercent}
                    onChange={e => update({ ratioPercent: e.target.value })}
                  />
                </Field>
              ) : null}
              {form.split === 'file' ? (
                <Field
                  label="Validation file"
                  field="validation_data"
                  problems={problems}
                >
                  <input
                    className="jp-mod-styled jp-studio-input"
                    value={form.validationData}
                    list="jp-studio-automl-files"
                    onChange={e => update({ validationData: e.target.value })}
                  />
                </Field>
              ) : null}
            </fieldset>
            <Field label="Space" field="space_id" problems={problems}>
              <select
                className="jp-mod-styled jp-studio-select"
                value={form.spaceId}
                onChange={e => update({ spaceId: e.target.value })}
              >
                <option value="">Home (private)</option>
                {props.spaces.map(s => (
                  <option key={s.space_id} value={s.space_id}>
                    {s.name}
                  </option>
                ))}
              </select>
            </Field>
            <Field
              label="Output location"
              field="output"
              problems={problems}
              help="A folder for the results; empty: the job's output folder."
            >
              <input
                className="jp-mod-styled jp-studio-input"
                value={form.output}
                onChange={e => update({ output: e.target.value })}
              />
            </Field>
          </>
        ) : null}

        {step === 'target' ? (
          <>
            {!columns.length ? (
              <div className="jp-studio-warning">
                Pick a data file first (step 1): its columns appear here.
              </div>
            ) : null}
            <Field label="Target column" field="target" problems={problems}>
              <select
                className="jp-mod-styled jp-studio-select"
                value={form.target}
                data-testid="automl-target"
                onChange={e => update({ target: e.target.value })}
              >
                <option value="">Choose the column to predict…</option>
                {columns.map(c => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            </Field>
            {checked?.problem_type_reason && form.target ? (
              <div
                className="jp-studio-muted"
                data-testid="automl-problem-reason"
              >
                {checked.problem_type_reason}
              </div>
            ) : null}
            <Field
              label="Sample weight column (optional)"
              field="sample_weight"
              problems={problems}
            >
              <select
                className="jp-mod-styled jp-studio-select"
                value={form.weight}
                onChange={e => update({ weight: e.target.value })}
              >
                <option value="">None</option>
                {columns
                  .filter(c => c !== form.target)
                  .map(c => (
                    <option key={c} value={c}>
                      {c}
                    </option>
                  ))}
              </select>
            </Field>
            {problems.features ? (
              <div className="jp-studio-FieldError" role="alert">
                {problems.features}
              </div>
            ) : null}
            <table className="jp-studio-Table jp-studio-AutoMLFeatures">
              <thead>
                <tr>
                  <th scope="col">Use</th>
                  <th scope="col">Feature</th>
                  <th scope="col">Detected</th>
                  <th scope="col">Type</th>
                </tr>
              </thead>
              <tbody>
                {columns
                  .filter(c => c !== form.target && c !== form.weight)
                  .map(c => (
                    <tr key={c}>
                      <td>
                        <input
                          type="checkbox"
                          aria-label={`Use ${c}`}
                          checked={form.included[c] !== false}
                          onChange={e =>
                            update({
                              included: {
                                ...form.included,
                                [c]: e.target.checked
                              }
                            })
                          }
                        />
                      </td>
                      <td>
                        {c}
                        {problems[`features.${c}`] ||
                        problems[`feature_types.${c}`] ? (
                          <div className="jp-studio-FieldError">
                            {problems[`features.${c}`] ??
                              problems[`feature_types.${c}`]}
                          </div>
                        ) : null}
                      </td>
                      <td className="jp-studio-muted">{inferred.get(c)}</td>
                      <td>
                        <select
                          className="jp-mod-styled jp-studio-select"
                          aria-label={`Type of ${c}`}
                          value={form.featureTypes[c] ?? 'auto'}
                          onChange={e =>
                            update({
                              featureTypes: {
                                ...form.featureTypes,
                                [c]: e.target.value as FeatureType
                              }
                            })
                          }
                        >
                          {FEATURE_TYPES.map(t => (
                            <option key={t} value={t}>
                              {t === 'auto'
                                ? 'Auto'
                                : t[0].toUpperCase() + t.slice(1)}
                            </option>
                          ))}
                        </select>
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </>
        ) : null}

        {step === 'method' ? (
          <>
            <fieldset className="jp-studio-AutoMLFieldset">
              <legend>Training method</legend>
              {(
                [
                  [
                    'auto',
                    'Auto',
                    'Ensembling on small and mid-size data, HPO on large data.'
                  ],
                  [
                    'ensembling',
                    'Ensembling',
                    'Strong defaults of each family, bagged with k-fold cross-validation, then ensembled and stacked.'
                  ],
                  [
                    'hpo',
                    'HPO',
                    'Bayesian search (Optuna TPE) with pruning over the chosen families.'
                  ]
                ] as const
              ).map(([value, label, help]) => (
                <label key={value} className="jp-studio-AutoMLChoice">
                  <input
                    type="radio"
                    name="automl-mode"
                    checked={form.mode === value}
                    data-testid={`automl-mode-${value}`}
                    onChange={() =>
                      update({
                        mode: value as AutoMLMode,
                        algorithms: algorithmsFor(value as AutoMLMode)
                      })
                    }
                  />
                  <b>{label}</b> <span className="jp-studio-muted">{help}</span>
                </label>
              ))}
            </fieldset>
            <Field label="Algorithms" field="algorithms" problems={problems}>
              <div className="jp-studio-AutoMLAlgorithms">
                {ALGORITHMS.map(a => (
                  <label key={a.name} className="jp-studio-Checkbox">
                    <input
                      type="checkbox"
                      checked={form.algorithms.includes(a.name)}
                      data-testid={`automl-algorithm-${a.name}`}
                      onChange={e =>
                        update({
                          algorithms: e.target.checked
                            ? [...form.algorithms, a.name]
                            : form.algorithms.filter(x => x !== a.name)
                        })
                      }
                    />
                    {a.label}
                  </label>
                ))}
              </div>
            </Field>
          </>
        ) : null}

        {step === 'deploy' ? (
          <>
            <label className="jp-studio-Checkbox">
              <input
                type="checkbox"
                checked={form.autoDeploy}
                data-testid="automl-auto-deploy"
                onChange={e => update({ autoDeploy: e.target.checked })}
              />
              Deploy the best candidate to an endpoint when the job completes
            </label>
            {form.autoDeploy ? (
              <Field
                label="Endpoint name"
                field="endpoint_name"
                problems={problems}
              >
                <input
                  className="jp-mod-styled jp-studio-input"
                  value={form.endpointName}
                  data-testid="automl-endpoint-name"
                  onChange={e => update({ endpointName: e.target.value })}
                />
              </Field>
            ) : null}
            <Field
              label="Problem type"
              field="problem_type"
              problems={problems}
            >
              <select
                className="jp-mod-styled jp-studio-select"
                value={form.problemType}
                onChange={e =>
                  update({
                    problemType: e.target.value as AutoMLProblemType,
                    objectiveMetric: ''
                  })
                }
              >
                <option value="auto">Auto (inferred)</option>
                <option value="binary">Binary classification</option>
                <option value="multiclass">Multiclass classification</option>
                <option value="regression">Regression</option>
              </select>
            </Field>
            <Field
              label="Objective metric"
              field="objective_metric"
              problems={problems}
            >
              <select
                className="jp-mod-styled jp-studio-select"
                value={form.objectiveMetric}
                onChange={e => update({ objectiveMetric: e.target.value })}
              >
                <option value="">Default for the problem type</option>
                {metricChoices.map(m => (
                  <option key={m} value={m}>
                    {m}
                  </option>
                ))}
              </select>
            </Field>
            <Field
              label="Maximum runtime of the job (minutes)"
              field="max_runtime"
              problems={problems}
            >
              <input
                className="jp-mod-styled jp-studio-input jp-studio-input-tiny"
                value={form.maxRuntimeMinutes}
                data-testid="automl-max-runtime"
                onChange={e => update({ maxRuntimeMinutes: e.target.value })}
              />
            </Field>
            <Field
              label="Maximum runtime of one candidate (minutes, optional)"
              field="max_candidate_runtime"
              problems={problems}
            >
              <input
                className="jp-mod-styled jp-studio-input jp-studio-input-tiny"
                value={form.maxCandidateMinutes}
                onChange={e => update({ maxCandidateMinutes: e.target.value })}
              />
            </Field>
            <Field
              label="Tags (key=value, one per line)"
              field="tags"
              problems={problems}
            >
              <textarea
                className="jp-mod-styled jp-studio-input"
                rows={3}
                value={form.tags}
                onChange={e => update({ tags: e.target.value })}
              />
            </Field>
          </>
        ) : null}

        {step === 'review' ? (
          <ReviewStep form={form} columns={columns} checked={checked} />
        ) : null}
      </div>

      {submitError ? (
        <div
          className="jp-studio-error jp-studio-banner"
          role="alert"
          data-testid="automl-submit-error"
        >
          {submitError}
        </div>
      ) : null}
      <div className="jp-studio-AutoMLActions">
        <Button className="jp-studio-secondary" onClick={props.onCancel}>
          Cancel
        </Button>
        <span className="jp-studio-spacer" />
        <Button
          className="jp-studio-secondary"
          disabled={index === 0}
          onClick={() => setStep(STEPS[Math.max(0, index - 1)].id)}
        >
          Back
        </Button>
        {step !== 'review' ? (
          <Button
            className="jp-studio-primary"
            data-testid="automl-next"
            onClick={() => setStep(STEPS[index + 1].id)}
          >
            Next
          </Button>
        ) : (
          <Button
            className="jp-studio-primary"
            data-testid="automl-create"
            disabled={busy}
            onClick={() => void create()}
          >
            {busy ? 'Creating…' : 'Create experiment'}
          </Button>
        )}
      </div>
    </div>
  );
}
