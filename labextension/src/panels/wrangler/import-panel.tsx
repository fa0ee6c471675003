/*
 * Import a source (a file or folder in your spaces, an S3 URL, a SQL table or
 * query, DuckDB SQL).
 */
import React, { useMemo, useState } from 'react';

import type { IOperatorInfo } from '../../api/wrangler';
import { StepField } from './step-field';
import {
  IStepValues,
  initialStepValues,
  stepFields,
  stepParameters
} from './step-fields';

/** A source has no input: its forms pick no columns. */
const noColumns = () => null;

const SOURCE_LABELS: Record<string, string> = {
  file: 'File or folder in your spaces (CSV, TSV, JSON Lines, Parquet)',
  object_store: 'Object store (S3 URL)',
  sql: 'SQL database (SQLAlchemy URL + table or query)',
  duckdb: 'DuckDB SQL over files'
};

export function ImportPanel(props: {
  sources: IOperatorInfo[];
  onImport: (
    operator: string,
    parameters: Record<string, unknown>
  ) => Promise<void>;
  onClose: () => void;
}): JSX.Element {
  const [operator, setOperator] = useState(props.sources[0]?.name ?? 'file');
  const source = props.sources.find(s => s.name === operator) ?? null;
  const fields = useMemo(
    () => stepFields(source?.parameters_schema ?? null),
    [source]
  );
  const [values, setValues] = useState<IStepValues>(() =>
    initialStepValues(fields, {})
  );
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    const { parameters, problems } = stepParameters(fields, values, noColumns);
    setProblems(problems);
    if (Object.keys(problems).length) {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await props.onImport(operator, parameters);
      props.onClose();
    } catch (reason) {
      setError(String((reason as Error)?.message ?? reason));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="jp-studio-WranglerDrawer"
      aria-label="Import data"
      data-testid="studio-import-panel"
      onSubmit={event => {
        event.preventDefault();
        void submit();
      }}
    >
      <h3>Import data</h3>
      <div className="jp-studio-FormGrid">
        <label htmlFor="studio-import-type" className="jp-studio-FormRow-label">
          Source
        </label>
        <div className="jp-studio-FormRow-control">
          <select
            id="studio-import-type"
            className="jp-mod-styled jp-studio-select"
            value={operator}
            onChange={e => {
              setOperator(e.target.value);
              const next = props.sources.find(s => s.name === e.target.value);
              setValues(
                initialStepValues(stepFields(next?.parameters_schema), {})
              );
              setProblems({});
            }}
          >
            {props.sources.map(s => (
              <option key={s.name} value={s.name}>
                {SOURCE_LABELS[s.name] ?? s.title}
              </option>
            ))}
          </select>
        </div>
        {fields.map(field => (
          <StepField
            key={`${operator}-${field.name}`}
            id={`studio-import-${field.name}`}
            field={field}
            value={values[field.name]}
            error={problems[field.name]}
            columnsOf={noColumns}
            onChange={value =>
              setValues(current => ({ ...current, [field.name]: value }))
            }
          />
        ))}
      </div>
      <div className="jp-studio-muted">
        Paths are relative to the file browser’s root; write a flow parameter as
        {' {name} '}(for example data/{'{date}'}/sales.csv).
      </div>
      {error ? <div className="jp-studio-error">{error}</div> : null}
      <div className="jp-studio-StepForm-actions">
        <button
          type="submit"
          className="jp-mod-styled jp-mod-accept jp-studio-button"
          disabled={busy}
        >
          Import
        </button>
        <button
          type="button"
          className="jp-mod-styled jp-studio-button"
          onClick={props.onClose}
        >
          Cancel
        </button>
      </div>
    </form>
  );
}
