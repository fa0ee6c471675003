/*
 * Import a source (a file or folder in your spaces, an S3 URL, a SQL table or
 * query, DuckDB SQL) and edit the flow's parameters (`{date}` in a path).
 */
import React, { useMemo, useState } from 'react';

import type { IFlowParameter, IOperatorInfo } from '../../api/wrangler';
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

export function ParametersPanel(props: {
  parameters: IFlowParameter[];
  onSave: (parameters: IFlowParameter[]) => Promise<void>;
  onClose: () => void;
}): JSX.Element {
  const [rows, setRows] = useState<IFlowParameter[]>(() =>
    props.parameters.map(p => ({ ...p }))
  );
  const [error, setError] = useState<string | null>(null);
  const update = (index: number, change: Partial<IFlowParameter>) =>
    setRows(current =>
      current.map((row, i) => (i === index ? { ...row, ...change } : row))
    );
  return (
    <form
      className="jp-studio-WranglerDrawer"
      aria-label="Flow parameters"
      onSubmit={event => {
        event.preventDefault();
        setError(null);
        props
          .onSave(rows.filter(r => r.name.trim()))
          .then(props.onClose)
          .catch(reason => setError(String(reason?.message ?? reason)));
      }}
    >
      <h3>Flow parameters</h3>
      <div className="jp-studio-muted">
        Use them as {'{name}'} in source paths, URLs and queries; the CLI and
        Python set them with --param name=value / params=.
      </div>
      <table className="jp-studio-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Default</th>
            <th>Description</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i}>
              <td>
                <input
                  aria-label="Parameter name"
                  className="jp-mod-styled jp-studio-input"
                  value={row.name}
                  onChange={e => update(i, { name: e.target.value })}
                />
              </td>
              <td>
                <input
                  aria-label="Default value"
                  className="jp-mod-styled jp-studio-input"
                  value={row.default ?? ''}
                  onChange={e => update(i, { default: e.target.value })}
                />
              </td>
              <td>
                <input
                  aria-label="Description"
                  className="jp-mod-styled jp-studio-input"
                  value={row.description ?? ''}
                  onChange={e => update(i, { description: e.target.value })}
                />
              </td>
              <td>
                <button
                  type="button"
                  className="jp-mod-styled jp-studio-button"
                  onClick={() => setRows(rows.filter((_, j) => j !== i))}
                >
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {error ? <div className="jp-studio-error">{error}</div> : null}
      <div className="jp-studio-StepForm-actions">
        <button
          type="button"
          className="jp-mod-styled jp-studio-button"
          onClick={() =>
            setRows([...rows, { name: '', default: '', description: '' }])
          }
        >
          Add parameter
        </button>
        <button
          type="submit"
          className="jp-mod-styled jp-mod-accept jp-studio-button"
        >
          Save parameters
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
