/*
 * The first rows of the data file, with each column's inferred type.
 */
import React from 'react';

import type { IDataPreview } from '../../../api/automl';

/** The preview of the data file (step 1). */
export function PreviewTable(props: { preview: IDataPreview }): JSX.Element {
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
