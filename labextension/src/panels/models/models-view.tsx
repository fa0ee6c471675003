/*
 * The Models panel: the models table, the selected model's versions and
 * the selected version's details.
 */
import { Notification } from '@jupyterlab/apputils';
import { addIcon, Button } from '@jupyterlab/ui-components';
import React, { useEffect, useState } from 'react';

import type { IModel, IModelVersion } from '../../api/models';
import { DetailHeader } from '../../components/detail-header';
import { PanelHeader } from '../../components/panel-header';
import { RefreshButton } from '../../components/refresh-button';
import { useSignal } from '../../components/use-signal';
import { formatTimestamp } from '../../utils/format';
import { LoadState } from '../../utils/load-state';
import { spaceDisplayName } from '../../utils/spaces';
import type { IPathOpener } from '../../tokens';
import { formatCell } from '../../components/response-table';
import { deployDialog } from './deploy-dialog';
import { IRegisterRequest, ModelsModel } from './model';
import { registerDialog } from './register-dialog';
import { sourceLabel } from './source';
import { VersionDetail } from './version-detail';

/** What the panel asks the rest of JupyterLab to do. */
export interface IModelsActions {
  /** Show an endpoint in the Endpoints panel. */
  openEndpoint(name: string): void;
  /** Show a job in the Jobs panel. */
  openJob(jobId: string): void;
}

export function ModelsView(props: {
  model: ModelsModel;
  opener: IPathOpener;
  actions: IModelsActions;
}): JSX.Element {
  const { model, opener, actions } = props;
  useSignal(model.changed);
  const [filter, setFilter] = useState('');

  const register = async (request: IRegisterRequest) => {
    const version = await registerDialog({
      spaces: model.spaces,
      request,
      register: body => model.register(body)
    });
    if (version) {
      Notification.success(
        `Registered ${version.model_name} version ${version.version}`,
        { autoClose: 4000 }
      );
    }
  };

  useEffect(() => {
    const onRequest = () => {
      const request = model.takeRegisterRequest();
      if (request) {
        void register(request);
      }
    };
    onRequest();
    model.registerRequested.connect(onRequest);
    return () => {
      model.registerRequested.disconnect(onRequest);
    };
  }, [model]);

  const state = model.models;
  const models = LoadState.valueOf(state) ?? [];
  const needle = filter.trim().toLowerCase();
  const shown = needle
    ? models.filter(m => m.name.toLowerCase().includes(needle))
    : models;
  const selected = model.selected;

  const deploy = async (version: IModelVersion) => {
    const versions = LoadState.valueOf(model.versions) ?? [version];
    const namesakes = models.filter(m => m.name === version.model_name);
    const endpoint = await deployDialog({
      modelName: version.model_name,
      versions,
      version: version.version,
      warning:
        namesakes.length > 1
          ? `${namesakes.length} models you can see are named ${version.model_name}; ` +
            'the server deploys the one in your home, else asks which one.'
          : null,
      deploy: body => model.deploy(body)
    });
    if (endpoint) {
      Notification.success(
        `Deploying ${endpoint.model_name} version ${endpoint.model_version} to ${endpoint.endpoint_name}`,
        { autoClose: 4000 }
      );
      actions.openEndpoint(endpoint.endpoint_name);
    }
  };

  return (
    <div className="jp-studio-MLView jp-studio-ModelsView">
      <PanelHeader
        title="Models"
        subtitle={
          state.status === 'loading'
            ? ''
            : `${models.length} model${models.length === 1 ? '' : 's'}`
        }
        subtitleTestId="studio-models-count"
      >
        <input
          className="jp-mod-styled jp-studio-input jp-studio-SearchInput"
          type="search"
          placeholder="Filter by name"
          aria-label="Filter models by name"
          value={filter}
          onChange={e => setFilter(e.target.value)}
        />
        <RefreshButton
          title="Refresh the models"
          ariaLabel="Refresh models"
          onRefresh={() => model.refresh()}
        />
        <Button
          small
          className="jp-studio-primary"
          title="Register an MLflow model folder as a new model version"
          onClick={() => void register({})}
        >
          <addIcon.react tag="span" className="jp-studio-ButtonIcon" />
          Register model
        </Button>
      </PanelHeader>
      {state.status === 'error' ? (
        <div className="jp-studio-error jp-studio-banner" role="alert">
          Could not load the models: {state.error}
        </div>
      ) : null}
      <div className="jp-studio-JobsView-body">
        <div className="jp-studio-JobsView-list">
          <ModelsTable
            models={shown}
            model={model}
            selected={selected}
            onSelect={m => model.select({ name: m.name, spaceId: m.space_id })}
          />
          {state.status === 'loading' ? (
            <div className="jp-studio-empty">Loading models…</div>
          ) : models.length === 0 && state.status === 'ready' ? (
            <div className="jp-studio-empty">
              No models yet. Register an MLflow model folder (for example a
              job&apos;s <code>output/model</code>) with &quot;Register
              model&quot;, or from a job&apos;s artifacts in the Jobs panel.
            </div>
          ) : shown.length === 0 && models.length ? (
            <div className="jp-studio-empty">No model matches the filter.</div>
          ) : null}
        </div>
        {selected ? (
          <div className="jp-studio-JobsView-detail jp-studio-MLView-detail">
            <ModelDetail
              model={model}
              opener={opener}
              actions={actions}
              onDeploy={version => void deploy(version)}
            />
          </div>
        ) : null}
      </div>
    </div>
  );
}

function ModelsTable(props: {
  models: IModel[];
  model: ModelsModel;
  selected: { name: string; spaceId: string | null } | null;
  onSelect: (model: IModel) => void;
}): JSX.Element {
  const { models, selected } = props;
  const spaces = props.model.spaces;
  return (
    <table className="jp-studio-Table" data-testid="studio-models-table">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Latest version</th>
          <th scope="col">Space</th>
          <th scope="col">Owner</th>
          <th scope="col">Updated</th>
        </tr>
      </thead>
      <tbody>
        {models.map(m => {
          const isSelected =
            selected?.name === m.name && selected?.spaceId === m.space_id;
          return (
            <tr
              key={m.model_id}
              data-testid="studio-model-row"
              data-name={m.name}
              className={`jp-studio-Table-row${isSelected ? ' jp-mod-selected' : ''}`}
              aria-selected={isSelected}
              tabIndex={0}
              onClick={() => props.onSelect(m)}
              onKeyDown={event => {
                if (event.key === 'Enter' || event.key === ' ') {
                  event.preventDefault();
                  props.onSelect(m);
                }
              }}
            >
              <td
                className="jp-studio-Table-name"
                title={m.description ?? m.name}
              >
                {m.name}
              </td>
              <td>
                {m.latest_version ?? '—'}
                <span className="jp-studio-muted">
                  {m.version_count > 1 ? ` (${m.version_count} versions)` : ''}
                </span>
              </td>
              <td
                className={m.space_id ? '' : 'jp-studio-muted'}
                title={m.space_id ?? 'In the owner’s home'}
              >
                {m.space_id ? spaceDisplayName(m.space_id, spaces) : 'Home'}
              </td>
              <td>{m.owner}</td>
              <td title={m.updated_at}>{formatTimestamp(m.updated_at)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** A few metrics of a version, for its row. */
function metricsSummary(metrics: Record<string, number>): string {
  const entries = Object.entries(metrics);
  const shown = entries
    .slice(0, 3)
    .map(([k, v]) => `${k} ${formatCell(v)}`)
    .join(', ');
  return entries.length > 3 ? `${shown}, …` : shown || '—';
}

function ModelDetail(props: {
  model: ModelsModel;
  opener: IPathOpener;
  actions: IModelsActions;
  onDeploy: (version: IModelVersion) => void;
}): JSX.Element {
  const { model, opener, actions } = props;
  const ref = model.selected!;
  const described = model.selectedModel;
  const state = model.versions;
  const versions = LoadState.valueOf(state) ?? [];
  const current = model.selectedVersion;
  return (
    <div className="jp-studio-ModelDetail" data-testid="studio-model-detail">
      <DetailHeader
        title={ref.name}
        badges={
          <span className="jp-studio-Tag">
            {ref.spaceId ? spaceDisplayName(ref.spaceId, model.spaces) : 'Home'}
          </span>
        }
        onClose={() => model.select(null)}
        closeLabel="Close model details"
      />
      {described?.description ? (
        <div className="jp-studio-help">{described.description}</div>
      ) : null}
      <h4 className="jp-studio-SectionTitle">
        Versions
        <span className="jp-studio-count">{versions.length}</span>
      </h4>
      {state.status === 'error' ? (
        <div className="jp-studio-error" role="alert">
          {state.error}
        </div>
      ) : null}
      {state.status === 'loading' ? (
        <div className="jp-studio-muted">Loading versions…</div>
      ) : (
        <div className="jp-studio-TableScroll">
          <table
            className="jp-studio-Table jp-studio-Table-compact"
            data-testid="studio-versions-table"
          >
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Flavor</th>
                <th scope="col">Problem type</th>
                <th scope="col">Metrics</th>
                <th scope="col">Source</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {versions.map(v => {
                const isSelected = current?.version === v.version;
                return (
                  <tr
                    key={v.version}
                    data-testid="studio-version-row"
                    data-version={v.version}
                    className={`jp-studio-Table-row${isSelected ? ' jp-mod-selected' : ''}`}
                    aria-selected={isSelected}
                    tabIndex={0}
                    onClick={() => model.selectVersion(v.version)}
                    onKeyDown={event => {
                      if (event.key === 'Enter' || event.key === ' ') {
                        event.preventDefault();
                        model.selectVersion(v.version);
                      }
                    }}
                  >
                    <td>
                      {v.version}
                      {v.status !== 'Ready' ? (
                        <span className="jp-studio-muted"> ({v.status})</span>
                      ) : null}
                    </td>
                    <td>{v.flavor}</td>
                    <td>{v.problem_type ?? '—'}</td>
                    <td title={JSON.stringify(v.metrics)}>
                      {metricsSummary(v.metrics)}
                    </td>
                    <td title={v.source}>{sourceLabel(v)}</td>
                    <td title={v.created_at}>
                      {formatTimestamp(v.created_at)}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {current ? (
        <VersionDetail
          version={current}
          opener={opener}
          onDeploy={() => props.onDeploy(current)}
          onOpenJob={actions.openJob}
        />
      ) : null}
    </div>
  );
}
