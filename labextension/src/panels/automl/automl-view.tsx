/*
 * The AutoML panel: the experiments on the left; the wizard or the open
 * experiment on the right.
 */
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { addIcon, Button } from '@jupyterlab/ui-components';
import React from 'react';

import type { ISpace } from '../../api/spaces';
import { PanelHeader } from '../../components/panel-header';
import { RefreshButton } from '../../components/refresh-button';
import { ProgressBar } from '../../components/progress-bar';
import { StatusBadge } from '../../components/status-badge';
import { useSignal } from '../../components/use-signal';
import { formatTimestamp } from '../../utils/format';
import { LoadState } from '../../utils/load-state';
import type { IPathOpener } from '../../tokens';
import { ExperimentView, IAutoMLActions } from './experiment-view';
import { AutoMLModel } from './model';
import { AutoMLWizard } from './wizard/wizard';

export interface IAutoMLViewActions extends IAutoMLActions {
  /** The spaces the user may run in. */
  spaces(): ISpace[];
  /** The file selected in the file browser, if any. */
  selectedFile?: () => string | null;
}

export function AutoMLView(props: {
  model: AutoMLModel;
  opener: IPathOpener;
  actions: IAutoMLViewActions;
  rendermime: IRenderMimeRegistry | null;
}): JSX.Element {
  const { model, actions } = props;
  useSignal(model.changed);
  const state = model.experiments;
  const items = LoadState.valueOf(state) ?? [];
  const selected = model.selected;
  return (
    <div className="jp-studio-MLView jp-studio-AutoMLView">
      <PanelHeader
        title="AutoML"
        subtitle={
          state.status === 'loading'
            ? ''
            : `${items.length} experiment${items.length === 1 ? '' : 's'}`
        }
        subtitleTestId="automl-count"
      >
        <RefreshButton onRefresh={() => model.refresh()} />
        <Button
          small
          className="jp-studio-primary"
          data-testid="automl-new"
          onClick={() => model.showWizard()}
        >
          <addIcon.react tag="span" className="jp-studio-ButtonIcon" />
          Create experiment
        </Button>
      </PanelHeader>
      {state.status === 'error' ? (
        <div className="jp-studio-error jp-studio-banner" role="alert">
          {state.error}
        </div>
      ) : null}
      <div className="jp-studio-AutoMLBody">
        <ul className="jp-studio-AutoMLList" data-testid="automl-list">
          {state.status === 'loading' ? (
            <li className="jp-studio-empty">Loading experiments…</li>
          ) : items.length === 0 ? (
            <li className="jp-studio-empty">
              No experiment yet: create one to train and compare models on a CSV
              or Parquet file.
            </li>
          ) : null}
          {items.map(e => (
            <li
              key={e.experiment_name}
              className={`jp-studio-AutoMLItem${e.experiment_name === model.selectedName && model.page === 'experiment' ? ' jp-mod-selected' : ''}`}
            >
              <button
                type="button"
                className="jp-studio-AutoMLItem-button"
                data-testid="automl-item"
                onClick={() => model.open(e.experiment_name)}
              >
                <div className="jp-studio-AutoMLItem-top">
                  <span className="jp-studio-AutoMLItem-name">
                    {e.experiment_name}
                  </span>
                  <StatusBadge status={e.status} />
                </div>
                <ProgressBar progress={e.progress} status={e.status} compact />
                <div className="jp-studio-muted">
                  {e.best_candidate
                    ? `best ${e.best_candidate} ${e.objective_metric}=${e.best_objective?.toPrecision(4)}`
                    : formatTimestamp(e.created_at)}
                </div>
              </button>
            </li>
          ))}
        </ul>
        <div className="jp-studio-AutoMLMain">
          {model.page === 'wizard' ? (
            <AutoMLWizard
              key={model.wizardKey}
              model={model}
              spaces={actions.spaces()}
              selectedFile={actions.selectedFile}
              onCancel={() => model.showList()}
            />
          ) : model.page === 'experiment' && selected ? (
            <ExperimentView
              model={model}
              experiment={selected}
              opener={props.opener}
              actions={actions}
              rendermime={props.rendermime}
            />
          ) : (
            <div className="jp-studio-Placeholder-text jp-studio-AutoMLIntro">
              <h3>AutoML</h3>
              <p>
                Point AutoML at a CSV or Parquet file and a target column: it
                infers the problem type, trains and ensembles LightGBM,
                CatBoost, XGBoost, forests, linear models, k-NN and a neural
                network within your time budget, ranks them on a live
                leaderboard, and writes a data-exploration and a
                candidate-definition notebook. Deploy or register any candidate
                in one click.
              </p>
              <Button
                className="jp-studio-primary"
                onClick={() => model.showWizard()}
              >
                Create an AutoML experiment
              </Button>
            </div>
          )}
        </div>
      </div>
    </div>
  );
}
