/*
 * The answer of an invocation: status, latency, the columns the server left
 * out, the error, the answer as a table when it is one, and the raw body.
 */
import React from 'react';

import type { IInvocationResult } from '../../api/endpoints';
import { formatCell, responseTable } from '../../components/response-table';

export function InvocationResult(props: {
  result: IInvocationResult;
}): JSX.Element {
  const { result } = props;
  const table = result.ok
    ? responseTable(result.contentType, result.body)
    : null;
  return (
    <div
      className="jp-studio-InvokeResult"
      data-testid="studio-invoke-result"
      data-status={result.status}
    >
      <div className="jp-studio-InvokeResult-status">
        <span
          className={`jp-studio-Tag ${result.ok ? 'jp-mod-ok' : 'jp-mod-error'}`}
        >
          {result.status} {result.statusText}
        </span>
        <span
          data-testid="studio-invoke-latency"
          title="Round trip in the browser"
        >
          {result.latencyMs.toFixed(1)} ms
        </span>
        {result.contentType ? (
          <span className="jp-studio-muted">{result.contentType}</span>
        ) : null}
      </div>
      {result.droppedColumns.length ? (
        <div className="jp-studio-help" data-testid="studio-invoke-dropped">
          Left out column{result.droppedColumns.length === 1 ? '' : 's'} the
          model does not take: <code>{result.droppedColumns.join(', ')}</code>
        </div>
      ) : null}
      {!result.ok ? (
        <div className="jp-studio-error" role="alert">
          {result.message}
          {result.column ? (
            <div>
              Column: <code>{result.column}</code>
            </div>
          ) : null}
        </div>
      ) : null}
      {table ? (
        <div className="jp-studio-InvokeResult-tableWrap">
          <table
            className="jp-studio-Table jp-studio-Table-compact"
            data-testid="studio-invoke-table"
          >
            <thead>
              <tr>
                <th scope="col">#</th>
                {table.columns.map(c => (
                  <th key={c} scope="col">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {table.rows.map((row, i) => (
                <tr key={i}>
                  <td className="jp-studio-muted">{i + 1}</td>
                  {row.map((cell, j) => (
                    <td key={j} title={cell === undefined ? '' : String(cell)}>
                      {formatCell(cell)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <details className="jp-studio-FormDetails" open={!table && result.ok}>
        <summary>Raw response</summary>
        <pre className="jp-studio-json jp-studio-InvokeResult-raw">
          {result.body}
        </pre>
      </details>
    </div>
  );
}
