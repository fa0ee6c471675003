import React, { useEffect, useMemo, useState } from 'react';

import { FormRow, SchemaField } from '../../../components/schema-field';
import type { IJobParametersFormProps } from '../../../tokens';
import {
  FieldValue,
  fieldsFromSchema,
  initialFieldValue,
  parametersFromValues
} from '../../../utils/schema-form';
import { shellJoin, shellSplit } from '../../../utils/shell-split';

/** Parameters shown under "Inputs and environment", from the kind's schema. */
const MORE = ['inputs', 'environment'];

/**
 * The parameters form of `processing` jobs: the script path, its arguments
 * as one shell-like line, and (folded) the inputs and environment.
 */
export function ProcessingForm(props: IJobParametersFormProps): JSX.Element {
  const { kind, initial, errors, onChange, idPrefix } = props;
  const more = useMemo(
    () =>
      fieldsFromSchema(kind.parameters_schema).filter(f =>
        MORE.includes(f.name)
      ),
    [kind]
  );
  const [script, setScript] = useState(
    typeof initial.script === 'string' ? initial.script : ''
  );
  const [args, setArgs] = useState(
    Array.isArray(initial.arguments)
      ? shellJoin(initial.arguments.map(String))
      : ''
  );
  const [values, setValues] = useState<Record<string, FieldValue>>(() =>
    Object.fromEntries(
      more.map(f => [f.name, initialFieldValue(f, initial[f.name])])
    )
  );
  const hasMore = more.some(f => values[f.name]);
  const moreErrors = more.some(f => errors[f.name]);

  useEffect(() => {
    const { parameters, problems } = parametersFromValues(more, values);
    const path = script.trim().replace(/^\/+/, '');
    if (path) {
      parameters.script = path;
    } else {
      problems.script =
        'Enter the path of a Python script, relative to the file browser root.';
    }
    try {
      parameters.arguments = shellSplit(args);
    } catch (error) {
      problems.arguments = (error as Error).message;
    }
    onChange({ parameters, problems });
  }, [script, args, values, more, onChange]);

  return (
    <>
      <FormRow
        id={`${idPrefix}-script`}
        label="Script path"
        error={errors.script}
      >
        {aria => (
          <input
            {...aria}
            className="jp-mod-styled jp-studio-input"
            type="text"
            value={script}
            placeholder="e.g. analysis/train.py"
            aria-required
            autoFocus
            onChange={e => setScript(e.target.value)}
          />
        )}
      </FormRow>
      <FormRow
        id={`${idPrefix}-arguments`}
        label="Arguments"
        error={errors.arguments}
      >
        {aria => (
          <input
            {...aria}
            className="jp-mod-styled jp-studio-input jp-studio-mono"
            type="text"
            value={args}
            placeholder={'e.g. --epochs 3 --name "my run"'}
            onChange={e => setArgs(e.target.value)}
          />
        )}
      </FormRow>
      {more.length ? (
        <details
          className="jp-studio-FormDetails jp-studio-FormRow-wide"
          open={hasMore || moreErrors || undefined}
        >
          <summary>Inputs and environment</summary>
          <div className="jp-studio-NewJobForm-grid">
            {more.map(field => (
              <SchemaField
                key={field.name}
                id={`${idPrefix}-${field.name}`}
                field={field}
                value={values[field.name]}
                error={errors[field.name]}
                onChange={value =>
                  setValues(previous => ({ ...previous, [field.name]: value }))
                }
              />
            ))}
          </div>
        </details>
      ) : null}
      <div className="jp-studio-help jp-studio-FormRow-wide">
        The script runs with its working directory set to the job&apos;s output
        folder; every file it writes there is kept as an artifact. Print{' '}
        <code>##studio[progress] 0.5 message</code> to report progress.
      </div>
    </>
  );
}
