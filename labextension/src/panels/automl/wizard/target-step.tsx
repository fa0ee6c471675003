/*
 * Step 2 of the AutoML wizard: the column to predict (with the problem type
 * the server infers from it), an optional sample weight column, and the
 * features to use with their types.
 */
import React from 'react';

import type { IAutoMLValidation, IDataPreview } from '../../../api/automl';
import { FeatureTable } from './feature-table';
import { Field } from './field';
import type { IStepProps } from './wizard-state';

export function TargetStep(
  props: IStepProps & {
    /** The data file's preview (`null` until it can be read). */
    preview: IDataPreview | null;
    /** The server's last check of the form. */
    checked: IAutoMLValidation | null;
  }
): JSX.Element {
  const { form, update, problems, preview, checked } = props;
  const columns = preview?.columns.map(c => c.name) ?? [];
  return (
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
        <div className="jp-studio-muted" data-testid="automl-problem-reason">
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
      <FeatureTable
        form={form}
        update={update}
        problems={problems}
        columns={preview?.columns ?? []}
      />
    </>
  );
}
