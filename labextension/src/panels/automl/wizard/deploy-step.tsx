/*
 * Step 4 of the AutoML wizard: deploying the best candidate when the job
 * completes, and the advanced settings (problem type, objective metric, time
 * limits, tags).
 */
import React from 'react';

import { AutoMLProblemType, METRICS } from '../../../api/automl';
import { Field } from './field';
import type { IStepProps, IWizardForm } from './wizard-state';

/** The objective metrics the form's problem type may use. */
function metricChoices(form: IWizardForm): string[] {
  return form.problemType === 'auto'
    ? Array.from(new Set(Object.values(METRICS).flat()))
    : METRICS[form.problemType];
}

export function DeployStep(props: IStepProps): JSX.Element {
  const { form, update, problems } = props;
  return (
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
        <Field label="Endpoint name" field="endpoint_name" problems={problems}>
          <input
            className="jp-mod-styled jp-studio-input"
            value={form.endpointName}
            data-testid="automl-endpoint-name"
            onChange={e => update({ endpointName: e.target.value })}
          />
        </Field>
      ) : null}
      <Field label="Problem type" field="problem_type" problems={problems}>
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
          {metricChoices(form).map(m => (
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
  );
}
