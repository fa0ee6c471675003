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
import { exampleBody } from './example-body';
import { InvocationResult } from './invocation-result';
import { EndpointsModel } from './model';
import { RowsFromFile } from './rows-from-file';

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
      <RowsFromFile
        model={model}
        id={id}
        names={names}
        selectedFile={props.selectedFile}
        onRows={csv => {
          setContentType('text/csv');
          setBody(csv);
        }}
      />

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
