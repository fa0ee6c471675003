/*
 * The Experiments panel: experiments on the left; the runs of the selected
 * one (or all) with an MLflow filter, sortable columns and a selection to
 * compare; or the comparison of the selected runs.
 */
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { Button } from '@jupyterlab/ui-components';
import React, { useEffect, useState } from 'react';

import type { IExperiment } from '../../api/experiments';
import { PanelHeader } from '../../components/panel-header';
import { RefreshButton } from '../../components/refresh-button';
import { useSignal } from '../../components/use-signal';
import { LoadState } from '../../utils/load-state';
import { spaceDisplayName } from '../../utils/spaces';
import type { IPathOpener } from '../../tokens';
import { ComparisonView } from './comparison-view';
import { MAX_COMPARED, MIN_COMPARED, selectionHint } from './comparison';
import { ExperimentsModel } from './model';
import { RunsTable } from './runs-table';

/** What the panel asks the rest of JupyterLab to do. */
export interface IExperimentsActions {
  openJob(jobId: string): void;
  /** Names of the spaces, for the experiments list. */
  spaceName(spaceId: string): string | null;
}

export function ExperimentsView(props: {
  model: ExperimentsModel;
  rendermime: IRenderMimeRegistry | null;
  opener: IPathOpener;
  actions: IExperimentsActions;
}): JSX.Element {
  const { model, opener, actions } = props;
  useSignal(model.changed);
  const [filterText, setFilterText] = useState(model.filter);
  useEffect(() => setFilterText(model.filter), [model.filter]);

  const experiments = LoadState.valueOf(model.experiments) ?? [];
  const comparison = model.comparison;
  const runsState = model.runs;
  const page = LoadState.valueOf(runsState);
  const selected = model.selectedIds;
  const current = experiments.find(e => e.experiment_id === model.experimentId);

  return (
    <div className="jp-studio-MLView jp-studio-ExperimentsView">
      <PanelHeader
        title="Experiments"
        subtitle={current ? current.name : 'All experiments'}
      >
        <RefreshButton
          title="Refresh experiments and runs"
          ariaLabel="Refresh experiments"
          onRefresh={() => model.refresh()}
        />
      </PanelHeader>
      {model.experiments.status === 'error' ? (
        <div className="jp-studio-error jp-studio-banner" role="alert">
          Could not load the experiments: {model.experiments.error}
        </div>
      ) : null}
      <div className="jp-studio-JobsView-body">
        <nav
          className="jp-studio-ExperimentList"
          aria-label="Experiments"
          data-testid="studio-experiments-list"
        >
          <ExperimentItem
            label="All experiments"
            count={null}
            selected={model.experimentId === ''}
            onSelect={() => model.selectExperiment('')}
          />
          {experiments.map(e => (
            <ExperimentItem
              key={e.experiment_id}
              experiment={e}
              label={e.name}
              count={e.run_count}
              space={
                e.space_id
                  ? (actions.spaceName(e.space_id) ??
                    spaceDisplayName(e.space_id, []))
                  : null
              }
              selected={model.experimentId === e.experiment_id}
              onSelect={() => model.selectExperiment(e.experiment_id)}
            />
          ))}
          {model.experiments.status === 'loading' ? (
            <div className="jp-studio-muted jp-studio-ExperimentList-note">
              Loading…
            </div>
          ) : null}
        </nav>
        <div className="jp-studio-ExperimentsView-main">
          {comparison ? (
            <>
              <div className="jp-studio-ExperimentsView-bar">
                <Button
                  small
                  className="jp-studio-secondary"
                  onClick={() => model.closeComparison()}
                >
                  ← Runs
                </Button>
                <strong>
                  Comparing {selected.length} run
                  {selected.length === 1 ? '' : 's'}
                </strong>
              </div>
              {comparison.status === 'loading' ? (
                <div className="jp-studio-empty">Comparing…</div>
              ) : comparison.status === 'error' ? (
                <div className="jp-studio-error" role="alert">
                  {comparison.error}
                </div>
              ) : (
                <ComparisonView
                  comparison={comparison.value}
                  rendermime={props.rendermime}
                  opener={opener}
                />
              )}
            </>
          ) : (
            <>
              <form
                className="jp-studio-ExperimentsView-bar"
                onSubmit={event => {
                  event.preventDefault();
                  model.setFilter(filterText);
                }}
              >
                <input
                  className="jp-mod-styled jp-studio-input jp-studio-mono jp-studio-RunFilter"
                  type="text"
                  aria-label="Filter runs"
                  placeholder="MLflow filter, e.g. metrics.rmse < 1 and params.model = 'tree'"
                  value={filterText}
                  spellCheck={false}
                  onChange={e => setFilterText(e.target.value)}
                />
                <Button small type="submit" className="jp-studio-secondary">
                  Filter
                </Button>
                {model.filter ? (
                  <Button
                    small
                    minimal
                    type="button"
                    onClick={() => {
                      setFilterText('');
                      model.setFilter('');
                    }}
                  >
                    Clear
                  </Button>
                ) : null}
                <span className="jp-studio-ExperimentsView-spacer" />
                <span
                  className="jp-studio-muted"
                  data-testid="studio-runs-selected"
                >
                  {selectionHint(selected.length)}
                </span>
                {selected.length ? (
                  <Button
                    small
                    minimal
                    type="button"
                    onClick={() => model.clearSelection()}
                  >
                    Clear selection
                  </Button>
                ) : null}
                <Button
                  small
                  type="button"
                  className="jp-studio-primary"
                  disabled={!model.canCompare}
                  title={
                    model.canCompare
                      ? 'Compare the selected runs side by side'
                      : `Select ${MIN_COMPARED} to ${MAX_COMPARED} runs`
                  }
                  onClick={() => void model.compare()}
                >
                  Compare
                </Button>
              </form>
              {runsState.status === 'error' ? (
                <div
                  className="jp-studio-error"
                  role="alert"
                  data-testid="studio-runs-error"
                >
                  {runsState.error}
                </div>
              ) : null}
              <div className="jp-studio-ExperimentsView-runs">
                {page ? (
                  <RunsTable
                    runs={page.items}
                    sort={model.sort}
                    selectedIds={selected}
                    showExperiment={model.experimentId === ''}
                    opener={opener}
                    onSort={column => model.sortBy(column)}
                    onToggle={id => model.toggle(id)}
                    onOpenJob={actions.openJob}
                  />
                ) : null}
                {runsState.status === 'loading' ? (
                  <div className="jp-studio-empty">Loading runs…</div>
                ) : page && page.items.length === 0 ? (
                  <div className="jp-studio-empty">
                    {model.filter
                      ? 'No run matches this filter.'
                      : 'No runs yet. A script that logs with mlflow records its runs here when it runs as a Studio job.'}
                  </div>
                ) : null}
                {page?.nextToken ? (
                  <div className="jp-studio-empty">
                    <Button
                      small
                      className="jp-studio-secondary"
                      onClick={() => void model.loadMore()}
                    >
                      Load more runs
                    </Button>
                  </div>
                ) : null}
              </div>
            </>
          )}
        </div>
      </div>
    </div>
  );
}

function ExperimentItem(props: {
  experiment?: IExperiment;
  label: string;
  count: number | null;
  space?: string | null;
  selected: boolean;
  onSelect: () => void;
}): JSX.Element {
  return (
    <button
      className={`jp-studio-ExperimentItem${props.selected ? ' jp-mod-selected' : ''}`}
      aria-current={props.selected ? 'true' : undefined}
      data-testid="studio-experiment-item"
      data-experiment-id={props.experiment?.experiment_id ?? ''}
      title={props.experiment?.experiment_id ?? 'Runs of every experiment'}
      onClick={props.onSelect}
    >
      <span className="jp-studio-ExperimentItem-name">{props.label}</span>
      {props.space ? (
        <span className="jp-studio-Tag">{props.space}</span>
      ) : null}
      {props.count !== null ? (
        <span className="jp-studio-count">{props.count}</span>
      ) : null}
    </button>
  );
}
