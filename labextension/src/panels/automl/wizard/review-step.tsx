/*
 * The wizard's last step: everything the experiment will do, the columns
 * left out included, before Create.
 */
import React from 'react';

import type { IAutoMLValidation } from '../../../api/automl';
import { featureSummary, IWizardForm } from './wizard-state';

function splitText(form: IWizardForm): string {
  if (form.split === 'auto') {
    return 'automatic';
  }
  return form.split === 'ratio'
    ? `${form.ratioPercent}% held out`
    : form.validationData;
}

/** The review of the wizard's form (`columns`: the data file's columns). */
export function ReviewStep(props: {
  form: IWizardForm;
  columns: string[];
  checked: IAutoMLValidation | null;
}): JSX.Element {
  const { form, checked } = props;
  const features = featureSummary(form, props.columns);
  return (
    <dl className="jp-studio-Properties" data-testid="automl-review">
      <dt>Name</dt>
      <dd>{form.name || '—'}</dd>
      <dt>Data</dt>
      <dd>
        {form.data || '—'}
        {checked?.rows ? ` (${checked.rows} rows)` : ''}
      </dd>
      <dt>Target</dt>
      <dd>
        {form.target || '—'}
        {checked?.problem_type ? ` (${checked.problem_type})` : ''}
      </dd>
      {form.weight ? (
        <>
          <dt>Sample weight</dt>
          <dd>{form.weight}</dd>
        </>
      ) : null}
      <dt>Features</dt>
      <dd data-testid="automl-review-features">
        {features.used.length} of{' '}
        {features.used.length + features.excluded.length} columns
        {features.typed.length
          ? `; types set by hand: ${features.typed
              .map(([c, t]) => `${c} (${t})`)
              .join(', ')}`
          : ''}
      </dd>
      <dt>Excluded columns</dt>
      <dd data-testid="automl-review-excluded">
        {features.excluded.length ? features.excluded.join(', ') : 'none'}
      </dd>
      <dt>Split</dt>
      <dd>{splitText(form)}</dd>
      <dt>Method</dt>
      <dd>
        {form.mode}: {form.algorithms.join(', ')}
      </dd>
      <dt>Runtime</dt>
      <dd>{form.maxRuntimeMinutes} min</dd>
      <dt>Deploy</dt>
      <dd>{form.autoDeploy ? `to ${form.endpointName}` : 'no'}</dd>
    </dl>
  );
}
