/*
 * One row of the flow parameters' table: the name, the default value and the
 * description, each an input, then Remove.
 */
import React from 'react';

import type { IFlowParameter } from '../../api/wrangler';

type TextKey = 'name' | 'default' | 'description';

const CELLS: Array<{ key: TextKey; label: string }> = [
  { key: 'name', label: 'Parameter name' },
  { key: 'default', label: 'Default value' },
  { key: 'description', label: 'Description' }
];

export function ParameterRow(props: {
  parameter: IFlowParameter;
  onChange: (change: Partial<IFlowParameter>) => void;
  onRemove: () => void;
}): JSX.Element {
  const { parameter, onChange } = props;
  return (
    <tr>
      {CELLS.map(cell => (
        <td key={cell.key}>
          <input
            aria-label={cell.label}
            className="jp-mod-styled jp-studio-input"
            value={parameter[cell.key] ?? ''}
            onChange={e => onChange({ [cell.key]: e.target.value })}
          />
        </td>
      ))}
      <td>
        <button
          type="button"
          className="jp-mod-styled jp-studio-button"
          onClick={props.onRemove}
        >
          Remove
        </button>
      </td>
    </tr>
  );
}
