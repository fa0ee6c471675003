/*
 * The invoke box of an endpoint: paste CSV or JSON, or pick the first rows
 * of a CSV file; send; see the answer (as a table when it is one) and the
 * latency.
 */
import { Button } from '@jupyterlab/ui-components';
import React, { useEffect, useState } from 'react';

import type {
  IEndpoint,
  IInvocationResult,
  InvocationContentType
} from '../../api/endpoints';
import type { IInputColumn } from '../../api/models';
import { errorMessage } from '../../api/request';
import { pickRows } from '../../utils/csv';
import { exampleBody } from './example-body';
import { EndpointsModel } from './model';
import { formatCell, responseTable } from '../../components/response-table';

const CONTENT_TYPES: InvocationContentType[] = ['text/csv', 'application/json'];

export function InvokeBox(props: {
  model: EndpointsModel;
  endpoint: IEndpoint;
  /** The file selected in the file browser, if any. */
  selectedFile?: () => string | null;
}): JSX.Element {
  const { model, endpoint } = props;
  const [body, setBody] = useState('');
  const [contentType, setContentType] =
    useState<InvocationContentType>('text/csv');
  const [accept, setAccept] =
    useState<InvocationContentType>('application/json');
  const [filePath, setFilePath] = useState('');
  const [rowCount, setRowCount] = useState('5');
  const [note, setNote] = useState<string | null>(null);
  const [pickError, setPickError] = useState<string | null>(null);
  const [columns, setColumns] = useState<IInputColumn[]>([]);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<IInvocationResult | null>(null);
  const [sendError, setSendError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    model
      .servedVersion(endpoint)
      .then(version => {
        if (live) {
          setColumns(version.input_schema);
        }
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [endpoint.model_name, endpoint.model_version, endpoint.space_id]);

  const names = columns.map(c => c.name).filter((n): n is string => !!n);
  // While Updating, the serving version still answers.
  const inService =
    endpoint.status === 'InService' || endpoint.status === 'Updating';

  const loadRows = async () => {
    setPickError(null);
    setNote(null);
    const path = filePath.trim();
    const count = Number(rowCount);
    if (!path) {
      setPickError('Enter the path of a CSV file in the file browser.');
      return;
    }
    if (!Number.isInteger(count) || count < 1 || count > 10000) {
      setPickError('Rows: a whole number from 1 to 10000.');
      return;
    }
    try {
      const text = await model.readFile(path);
      const picked = pickRows(text, count, names);
      if (!picked.rows) {
        setPickError(`${path} has no data rows.`);
        return;
      }
      setContentType('text/csv');
      setBody(picked.csv);
      const parts = [
        `${picked.rows} row${picked.rows === 1 ? '' : 's'} of ${path}${picked.more ? ' (the first ones)' : ''}`
      ];
      if (picked.dropped.length) {
        parts.push(
          `left out column${picked.dropped.length === 1 ? '' : 's'} the model does not take: ${picked.dropped.join(', ')}`
        );
      }
      if (picked.missing.length) {
        parts.push(`the file has no column ${picked.missing.join(', ')}`);
      }
      setNote(parts.join('; ') + '.');
    } catch (error) {
      setPickError(`Cannot read ${path}: ${errorMessage(error)}`);
    }
  };

  const send = async () => {
    setBusy(true);
    setSendError(null);
    try {
      setResult(
        await model.invoke(endpoint.endpoint_name, {
          body,
          contentType,
          accept
        })
      );
    } catch (error) {
      setResult(null);
      setSendError(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };

  const id = `jp-studio-invoke-${endpoint.endpoint_name}`;
  return (
    <div className="jp-studio-InvokeBox" data-testid="studio-invoke-box">
      <div className="jp-studio-InvokeBox-pick">
        <label htmlFor={`${id}-file`}>Rows from a CSV file</label>
        <div className="jp-studio-InvokeBox-row">
          <input
            id={`${id}-file`}
            className="jp-mod-styled jp-studio-input jp-studio-mono"
            type="text"
            placeholder="path in the file browser, e.g. data/test.csv"
            aria-label="CSV file path"
            value={filePath}
            spellCheck={false}
            onChange={e => setFilePath(e.target.value)}
            onKeyDown={e => {
              if (e.key === 'Enter') {
                e.preventDefault();
                void loadRows();
              }
            }}
          />
          {props.selectedFile ? (
            <Button
              small
              minimal
              title="Use the file selected in the file browser"
              onClick={() => {
                const path = props.selectedFile?.();
                if (path) {
                  setFilePath(path);
                } else {
                  setPickError('Select a CSV file in the file browser first.');
                }
              }}
            >
              Selected file
            </Button>
          ) : null}
        </div>
        <div className="jp-studio-InvokeBox-row">
          <label className="jp-studio-filter">
            <span>First</span>
            <input
              className="jp-mod-styled jp-studio-input jp-studio-input-tiny"
              type="number"
              min={1}
              max={10000}
              aria-label="Number of rows"
              value={rowCount}
              onChange={e => setRowCount(e.target.value)}
            />
            <span>rows, with the header</span>
          </label>
          <Button
            small
            className="jp-studio-secondary"
            onClick={() => void loadRows()}
          >
            Load rows
          </Button>
        </div>
        {pickError ? (
          <div className="jp-studio-error" role="alert">
            {pickError}
          </div>
        ) : null}
        {note ? (
          <div className="jp-studio-help" data-testid="studio-invoke-note">
            {note}
          </div>
        ) : null}
      </div>

      <div className="jp-studio-InvokeBox-row">
        <label className="jp-studio-filter">
          <span>Content type</span>
          <select
            className="jp-mod-styled jp-studio-select"
            aria-label="Content type"
            value={contentType}
            onChange={e =>
              setContentType(e.target.value as InvocationContentType)
            }
          >
            {CONTENT_TYPES.map(t => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label className="jp-studio-filter">
          <span>Accept</span>
          <select
            className="jp-mod-styled jp-studio-select"
            aria-label="Accept"
            value={accept}
            onChange={e => setAccept(e.target.value as InvocationContentType)}
          >
            {CONTENT_TYPES.map(t => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        {columns.length ? (
          <Button
            small
            minimal
            title="Fill the box with an example in the model's columns"
            onClick={() => setBody(exampleBody(columns, contentType))}
          >
            Example
          </Button>
        ) : null}
      </div>
      {names.length ? (
        <div className="jp-studio-help">
          Columns: <code>{names.join(', ')}</code> (CSV with this header, or
          without a header in this order).
        </div>
      ) : null}
      <textarea
        className="jp-mod-styled jp-studio-textarea jp-studio-mono jp-studio-InvokeBox-body"
        aria-label="Request body"
        rows={7}
        spellCheck={false}
        placeholder={
          contentType === 'text/csv'
            ? 'Paste CSV rows (with or without a header)'
            : 'Paste JSON: records, {"columns", "data"}, dataframe_split, dataframe_records or inputs'
        }
        value={body}
        onChange={e => setBody(e.target.value)}
      />
      <div className="jp-studio-InvokeBox-row">
        <Button
          small
          className="jp-studio-primary"
          disabled={busy || !body.trim()}
          title={
            inService
              ? 'Send the body to the endpoint'
              : `The endpoint is ${endpoint.status}: it answers once InService`
          }
          onClick={() => void send()}
        >
          {busy ? 'Sending…' : 'Send'}
        </Button>
        {!inService ? (
          <span className="jp-studio-muted">
            The endpoint is {endpoint.status}.
          </span>
        ) : null}
      </div>
      {sendError ? (
        <div className="jp-studio-error" role="alert">
          {sendError}
        </div>
      ) : null}
      {result ? <InvocationResult result={result} /> : null}
    </div>
  );
}

function InvocationResult(props: { result: IInvocationResult }): JSX.Element {
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
