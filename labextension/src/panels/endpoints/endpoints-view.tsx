/*
 * The Endpoints panel: the endpoints table with status and traffic, and the
 * selected endpoint's details with its invoke box.
 */
import { Button, folderIcon } from '@jupyterlab/ui-components';
import React from 'react';

import type { IEndpoint, IEndpointStats } from '../../api/endpoints';
import { DetailHeader } from '../../components/detail-header';
import { PanelHeader } from '../../components/panel-header';
import { RefreshButton } from '../../components/refresh-button';
import { StatusBadge } from '../../components/status-badge';
import { useSignal } from '../../components/use-signal';
import { formatTimestamp } from '../../utils/format';
import { LoadState } from '../../utils/load-state';
import type { IPathOpener } from '../../tokens';
import { deleteEndpointDialog, updateEndpointDialog } from './dialogs';
import { InvokeBox } from './invoke-box';
import { EndpointsModel } from './model';
import { formatMs } from '../../components/response-table';

/** What a latency figure covers, for its cell's title. */
function latencyTitle(value: IEndpointStats | undefined): string {
  return value?.latency_window
    ? `Over the ${value.latency_window}`
    : 'No request yet';
}

/** What the panel asks the rest of JupyterLab to do. */
export interface IEndpointsActions {
  /** Show a model version in the Models panel. */
  openModel(name: string, spaceId: string | null, version: number): void;
  /** Open the Models panel (to deploy). */
  openModels(): void;
  /** The file selected in the file browser, if any. */
  selectedFile?: () => string | null;
}

export function EndpointsView(props: {
  model: EndpointsModel;
  opener: IPathOpener;
  actions: IEndpointsActions;
}): JSX.Element {
  const { model, opener, actions } = props;
  useSignal(model.changed);
  const state = model.endpoints;
  const endpoints = LoadState.valueOf(state) ?? [];
  const selected = model.selected;
  return (
    <div className="jp-studio-MLView jp-studio-EndpointsView">
      <PanelHeader
        title="Endpoints"
        subtitle={
          state.status === 'loading'
            ? ''
            : `${endpoints.length} endpoint${endpoints.length === 1 ? '' : 's'}`
        }
        subtitleTestId="studio-endpoints-count"
      >
        <RefreshButton
          title="Refresh the endpoints"
          ariaLabel="Refresh endpoints"
          onRefresh={() => model.refresh()}
        />
        <Button
          small
          className="jp-studio-primary"
          title="Deploy a registered model version from the Models panel"
          onClick={actions.openModels}
        >
          Deploy a model
        </Button>
      </PanelHeader>
      {state.status === 'error' ? (
        <div className="jp-studio-error jp-studio-banner" role="alert">
          Could not load the endpoints: {state.error}
        </div>
      ) : null}
      <div className="jp-studio-JobsView-body">
        <div className="jp-studio-JobsView-list">
          <EndpointsTable model={model} endpoints={endpoints} />
          {state.status === 'loading' ? (
            <div className="jp-studio-empty">Loading endpoints…</div>
          ) : endpoints.length === 0 && state.status === 'ready' ? (
            <div className="jp-studio-empty">
              No endpoints yet. Deploy a model version from the Models panel.
            </div>
          ) : null}
        </div>
        {selected ? (
          <div className="jp-studio-JobsView-detail jp-studio-MLView-detail">
            <EndpointDetail
              key={selected.endpoint_name}
              model={model}
              endpoint={selected}
              opener={opener}
              actions={actions}
            />
          </div>
        ) : null}
      </div>
    </div>
  );
}

function EndpointsTable(props: {
  model: EndpointsModel;
  endpoints: IEndpoint[];
}): JSX.Element {
  const { model, endpoints } = props;
  return (
    <table className="jp-studio-Table" data-testid="studio-endpoints-table">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Status</th>
          <th scope="col">Model</th>
          <th scope="col" className="jp-studio-Table-num">
            Instances
          </th>
          <th scope="col" className="jp-studio-Table-num">
            Requests
          </th>
          <th scope="col" className="jp-studio-Table-num">
            Errors
          </th>
          <th scope="col" className="jp-studio-Table-num">
            p50
          </th>
          <th scope="col" className="jp-studio-Table-num">
            p99
          </th>
        </tr>
      </thead>
      <tbody>
        {endpoints.map(endpoint => {
          const name = endpoint.endpoint_name;
          const isSelected = name === model.selectedName;
          const stats = model.stats(name);
          const value: IEndpointStats | undefined = stats
            ? LoadState.valueOf(stats)
            : undefined;
          return (
            <React.Fragment key={name}>
              <tr
                data-testid="studio-endpoint-row"
                data-name={name}
                data-status={endpoint.status}
                className={`jp-studio-Table-row${isSelected ? ' jp-mod-selected' : ''}`}
                aria-selected={isSelected}
                tabIndex={0}
                onClick={() => model.select(name)}
                onKeyDown={event => {
                  if (event.key === 'Enter' || event.key === ' ') {
                    event.preventDefault();
                    model.select(name);
                  }
                }}
              >
                <td className="jp-studio-Table-name" title={name}>
                  {name}
                </td>
                <td>
                  <StatusBadge
                    status={endpoint.status}
                    title={endpoint.status_message}
                  />
                </td>
                <td
                  title={`${endpoint.model_name} version ${endpoint.model_version}`}
                >
                  {endpoint.model_name}
                  <span className="jp-studio-muted">
                    {' '}
                    v{endpoint.model_version}
                  </span>
                </td>
                <td className="jp-studio-Table-num">
                  {endpoint.instance_count}
                </td>
                <td
                  className="jp-studio-Table-num"
                  data-testid="studio-endpoint-requests"
                >
                  {value?.request_count ?? '—'}
                </td>
                <td
                  className={`jp-studio-Table-num${value?.error_count ? ' jp-mod-error' : ''}`}
                >
                  {value?.error_count ?? '—'}
                </td>
                <td className="jp-studio-Table-num" title={latencyTitle(value)}>
                  {formatMs(value?.p50_ms)}
                </td>
                <td className="jp-studio-Table-num" title={latencyTitle(value)}>
                  {formatMs(value?.p99_ms)}
                </td>
              </tr>
              {endpoint.status === 'Failed' && endpoint.status_message ? (
                <tr className="jp-studio-Table-note">
                  <td colSpan={8}>
                    <div
                      className="jp-studio-StatusMessage jp-mod-error"
                      data-testid="studio-endpoint-failure"
                    >
                      {firstLine(endpoint.status_message)}
                    </div>
                  </td>
                </tr>
              ) : null}
            </React.Fragment>
          );
        })}
      </tbody>
    </table>
  );
}

function firstLine(text: string): string {
  const line = text.split('\n')[0];
  return line.length < text.length ? `${line} …` : line;
}

function EndpointDetail(props: {
  model: EndpointsModel;
  endpoint: IEndpoint;
  opener: IPathOpener;
  actions: IEndpointsActions;
}): JSX.Element {
  const { model, endpoint, opener, actions } = props;
  const stats = model.stats(endpoint.endpoint_name);
  const value = stats ? LoadState.valueOf(stats) : undefined;
  const failed = endpoint.status === 'Failed';
  const baseUrl = model.serverSettings.baseUrl;
  const busy =
    endpoint.status === 'Creating' ||
    endpoint.status === 'Updating' ||
    endpoint.status === 'Deleting';
  return (
    <section
      className="jp-studio-JobDetail"
      data-testid="studio-endpoint-detail"
      data-name={endpoint.endpoint_name}
      aria-label={`Endpoint ${endpoint.endpoint_name}`}
    >
      <DetailHeader
        title={endpoint.endpoint_name}
        badges={<StatusBadge status={endpoint.status} />}
        actions={
          <>
            <Button
              small
              className="jp-studio-secondary"
              title="Switch to another version of the model"
              disabled={busy}
              onClick={() => void updateEndpointDialog(model, endpoint)}
            >
              Update
            </Button>
            <Button
              small
              className="jp-studio-danger"
              title="Stop the model server and remove the endpoint"
              disabled={endpoint.status === 'Deleting'}
              onClick={() => void deleteEndpointDialog(model, endpoint)}
            >
              Delete
            </Button>
          </>
        }
        onClose={() => model.select(null)}
        closeLabel="Close endpoint details"
      />
      {endpoint.status_message && endpoint.status !== 'InService' ? (
        <pre
          className={`jp-studio-StatusMessage jp-studio-EndpointMessage${failed ? ' jp-mod-error' : ''}`}
          data-testid="studio-endpoint-status-message"
        >
          {endpoint.status_message}
        </pre>
      ) : null}
      {failed && endpoint.log_path ? (
        <div>
          <button
            className="jp-studio-linkButton"
            title={`Open ${endpoint.log_path}`}
            onClick={() => opener.openFile(endpoint.log_path!)}
          >
            Open the server log
          </button>
        </div>
      ) : null}
      <dl className="jp-studio-Properties">
        <dt>Model</dt>
        <dd>
          <button
            className="jp-studio-linkButton"
            title="Show this version in the Models panel"
            onClick={() =>
              actions.openModel(
                endpoint.model_name,
                endpoint.space_id,
                endpoint.model_version
              )
            }
          >
            {endpoint.model_name} · version {endpoint.model_version}
          </button>
        </dd>
        <dt>Instances</dt>
        <dd>{endpoint.instance_count}</dd>
        <dt>Data capture</dt>
        <dd>
          {endpoint.capture_percent}%
          {endpoint.capture_percent > 0 && endpoint.capture_path ? (
            <button
              className="jp-studio-linkButton jp-studio-SectionTitle-action"
              onClick={() => opener.reveal(endpoint.capture_path!)}
            >
              <folderIcon.react tag="span" className="jp-studio-ButtonIcon" />
              captured data
            </button>
          ) : null}
        </dd>
        <dt>Owner</dt>
        <dd>{endpoint.owner}</dd>
        <dt>Invoke URL</dt>
        <dd className="jp-studio-mono" data-testid="studio-endpoint-url">
          {`${baseUrl}${endpoint.invoke_url}`}
        </dd>
        {endpoint.port ? (
          <>
            <dt>Loopback</dt>
            <dd className="jp-studio-mono">
              http://127.0.0.1:{endpoint.port}/invocations
            </dd>
          </>
        ) : null}
        <dt>Folder</dt>
        <dd>
          {endpoint.path ? (
            <button
              className="jp-studio-linkButton jp-studio-mono"
              onClick={() => opener.reveal(endpoint.path!)}
            >
              <folderIcon.react tag="span" className="jp-studio-ButtonIcon" />
              {endpoint.path}
            </button>
          ) : (
            '—'
          )}
        </dd>
        {!failed && endpoint.log_path ? (
          <>
            <dt>Log</dt>
            <dd>
              <button
                className="jp-studio-linkButton jp-studio-mono"
                onClick={() => opener.openFile(endpoint.log_path!)}
              >
                {endpoint.log_path.split('/').pop()}
              </button>
            </dd>
          </>
        ) : null}
        <dt>Created</dt>
        <dd title={endpoint.created_at}>
          {formatTimestamp(endpoint.created_at)}
        </dd>
        <dt>Updated</dt>
        <dd title={endpoint.updated_at}>
          {formatTimestamp(endpoint.updated_at)}
        </dd>
      </dl>

      <h4 className="jp-studio-SectionTitle">Traffic</h4>
      {stats?.status === 'error' && endpoint.status === 'InService' ? (
        <div className="jp-studio-error">{stats.error}</div>
      ) : null}
      <dl className="jp-studio-Properties" data-testid="studio-endpoint-stats">
        <dt>Requests</dt>
        <dd>{value?.request_count ?? '—'}</dd>
        <dt>Errors</dt>
        <dd>{value?.error_count ?? '—'}</dd>
        <dt>Latency p50</dt>
        <dd>{formatMs(value?.p50_ms)}</dd>
        <dt>Latency p99</dt>
        <dd>{formatMs(value?.p99_ms)}</dd>
        <dt>Latency over</dt>
        <dd data-testid="studio-endpoint-latency-window">
          {value?.latency_window ?? 'no request yet'}
        </dd>
      </dl>

      <h4 className="jp-studio-SectionTitle">Invoke</h4>
      {failed ? (
        <div className="jp-studio-muted">
          A failed endpoint answers no requests: update it to a version that
          loads, or delete it.
        </div>
      ) : (
        <InvokeBox
          model={model}
          endpoint={endpoint}
          selectedFile={actions.selectedFile}
        />
      )}
    </section>
  );
}
