/*
 * The flow's parameters (`{date}` in a path): names and default values, set
 * when the flow runs as a job.
 */
import React, { useState } from 'react';

import type { IFlowParameter } from '../../api/wrangler';
import { ParameterRow } from './parameter-row';

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
            <ParameterRow
              key={i}
              parameter={row}
              onChange={change => update(i, change)}
              onRemove={() => setRows(rows.filter((_, j) => j !== i))}
            />
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
