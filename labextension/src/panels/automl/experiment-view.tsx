/*
 * One AutoML experiment: status, progress and Stop; the live leaderboard
 * (best row marked, hyperparameters expandable); the selected candidate's
 * results with Vega-Lite charts; notebooks; Deploy and Register.
 */
import { InputDialog, showErrorMessage } from '@jupyterlab/apputils';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { Button } from '@jupyterlab/ui-components';
import React, { useState } from 'react';

import type { IAutoMLExperiment, ICandidateResults } from '../../api/automl';
import { DetailHeader } from '../../components/detail-header';
import { ProgressBar } from '../../components/progress-bar';
import { StatusBadge } from '../../components/status-badge';
import { VegaChart } from '../../components/vega-chart';
import { formatDuration } from '../../utils/format';
import { LoadState } from '../../utils/load-state';
import type { IPathOpener } from '../../tokens';
import {
  confusionMatrixSpec,
  curveSpec,
  importanceSpec,
  residualSpec
} from './charts';
import { formatValue as value, Leaderboard } from './leaderboard';
import { AutoMLModel } from './model';

const ACTIVE = new Set(['Pending', 'InProgress', 'Stopping']);

/** What the experiment page asks the rest of JupyterLab to do. */
export interface IAutoMLActions {
  /** Show an endpoint in the Endpoints panel. */
  openEndpoint(name: string): void;
  /** Show a model in the Models panel. */
  openModel(name: string, spaceId: string | null, version: number): void;
}

/** A name users may use for models and endpoints, from a candidate's name. */
export function suggestName(experiment: string, candidate: string): string {
  const raw = `${experiment}-${candidate}`.toLowerCase();
  return (
    raw
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/-+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 63)
      .replace(/-$/, '') || 'model'
  );
}

function Results(props: {
  results: ICandidateResults;
  rendermime: IRenderMimeRegistry | null;
}): JSX.Element {
  const { results, rendermime } = props;
  return (
    <div className="jp-studio-AutoMLResults" data-testid="automl-results">
      <dl className="jp-studio-Properties">
        <dt>Candidate</dt>
        <dd>
          {results.candidate} ({results.algorithm})
          {results.best ? ' — best' : ''}
        </dd>
        {Object.entries(results.metrics).map(([k, v]) => (
          <React.Fragment key={k}>
            <dt>{k}</dt>
            <dd>{value(v)}</dd>
          </React.Fragment>
        ))}
      </dl>
      {results.note ? (
        <div className="jp-studio-muted">{results.note}</div>
      ) : null}
      <div className="jp-studio-Comparison-charts">
        {results.confusion_matrix ? (
          <VegaChart
            spec={confusionMatrixSpec(results.confusion_matrix)}
            rendermime={rendermime}
            label="Confusion matrix"
            testId="automl-chart-confusion"
          />
        ) : null}
        {results.residuals ? (
          <VegaChart
            spec={residualSpec(results.residuals)}
            rendermime={rendermime}
            label="Predicted against actual values"
            testId="automl-chart-residuals"
          />
        ) : null}
        {results.roc_curve ? (
          <VegaChart
            spec={curveSpec(
              results.roc_curve,
              `ROC curve (positive: ${results.positive_class ?? '1'})`,
              'False positive rate',
              'True positive rate',
              true
            )}
            rendermime={rendermime}
            label="ROC curve"
            testId="automl-chart-roc"
          />
        ) : null}
        {results.pr_curve ? (
          <VegaChart
            spec={curveSpec(
              results.pr_curve,
              'Precision-recall curve',
              'Recall',
              'Precision'
            )}
            rendermime={rendermime}
            label="Precision-recall curve"
            testId="automl-chart-pr"
          />
        ) : null}
        {results.feature_importance?.length ? (
          <VegaChart
            spec={importanceSpec(results.feature_importance)}
            rendermime={rendermime}
            label="Feature importance"
            testId="automl-chart-importance"
          />
        ) : null}
      </div>
    </div>
  );
}

export function ExperimentView(props: {
  model: AutoMLModel;
  experiment: IAutoMLExperiment;
  opener: IPathOpener;
  actions: IAutoMLActions;
  rendermime: IRenderMimeRegistry | null;
}): JSX.Element {
  const { model, experiment, opener, actions } = props;
  const [message, setMessage] = useState<string | null>(null);
  const board = model.leaderboard;
  const rows = board ? (LoadState.valueOf(board)?.items ?? []) : [];
  const results = model.candidate;
  const shown = results ? LoadState.valueOf(results) : undefined;
  const candidate =
    shown?.candidate ?? rows.find(r => r.best)?.candidate ?? null;
  const saved = rows.find(r => r.candidate === candidate)?.saved ?? false;
  const running = ACTIVE.has(experiment.status);
  const unsavedWhy = running
    ? 'Its model is saved when the job ends.'
    : "Not saved: the job's budget ran out before this lower-ranked candidate; run with a longer maximum runtime to keep every candidate.";

  const deploy = async () => {
    if (!candidate) {
      return;
    }
    const answer = await InputDialog.getText({
      title: `Deploy ${candidate}`,
      label: 'Endpoint name (letters, digits and hyphens)',
      text: suggestName(experiment.experiment_name, candidate),
      okLabel: 'Deploy'
    });
    if (!answer.button.accept || !answer.value) {
      return;
    }
    try {
      const done = await model.deploy(
        experiment.experiment_name,
        candidate,
        answer.value
      );
      setMessage(
        `Deployed ${done.candidate} as ${done.model_name} version ${done.model_version} to endpoint ${done.endpoint_name} (${done.endpoint_status}).`
      );
      actions.openEndpoint(answer.value);
    } catch (error) {
      void showErrorMessage('Deploy failed', error as Error);
    }
  };
  const register = async () => {
    if (!candidate) {
      return;
    }
    const answer = await InputDialog.getText({
      title: `Register ${candidate}`,
      label: 'Model name',
      text: suggestName(experiment.experiment_name, candidate),
      okLabel: 'Register'
    });
    if (!answer.button.accept || !answer.value) {
      return;
    }
    try {
      const version = await model.register(
        experiment.experiment_name,
        candidate,
        answer.value
      );
      setMessage(
        `Registered ${version.model_name} version ${version.version}.`
      );
      actions.openModel(version.model_name, version.space_id, version.version);
    } catch (error) {
      void showErrorMessage('Register failed', error as Error);
    }
  };

  return (
    <div className="jp-studio-AutoMLExperiment" data-testid="automl-experiment">
      <DetailHeader
        title={experiment.experiment_name}
        tooltip={experiment.experiment_name}
        badges={
          <StatusBadge
            status={experiment.status}
            title={experiment.status_message}
          />
        }
        actions={
          running ? (
            <Button
              className="jp-studio-danger"
              data-testid="automl-stop"
              onClick={() =>
                void model
                  .stop(experiment.experiment_name)
                  .catch(error => showErrorMessage('Stop failed', error))
              }
            >
              Stop
            </Button>
          ) : null
        }
      >
        <ProgressBar
          progress={experiment.progress}
          message={experiment.status_message || experiment.progress_message}
          status={experiment.status}
          error={experiment.status === 'Failed'}
        />
      </DetailHeader>
      <dl className="jp-studio-Properties">
        <dt>Problem</dt>
        <dd>{experiment.problem_type ?? 'being inferred'}</dd>
        <dt>Objective</dt>
        <dd>{experiment.objective_metric ?? '—'}</dd>
        <dt>Best</dt>
        <dd data-testid="automl-best">
          {experiment.best_candidate
            ? `${experiment.best_candidate} (${value(experiment.best_objective)})`
            : 'no candidate yet'}
        </dd>
        <dt>Elapsed</dt>
        <dd>{formatDuration(experiment.elapsed_seconds)}</dd>
        {experiment.auto_deploy ? (
          <>
            <dt>Auto-deploy</dt>
            <dd data-testid="automl-auto-deploy-status">
              {experiment.auto_deploy.endpoint_name}:{' '}
              {experiment.auto_deploy.status}
              {experiment.auto_deploy.message
                ? ` — ${experiment.auto_deploy.message}`
                : ''}
            </dd>
          </>
        ) : null}
        <dt>Files</dt>
        <dd className="jp-studio-AutoMLLinks">
          {experiment.notebooks.data_exploration_path ? (
            <button
              type="button"
              className="jp-studio-linkButton"
              data-testid="automl-open-exploration"
              onClick={() =>
                opener.openFile(experiment.notebooks.data_exploration_path!)
              }
            >
              Data exploration notebook
            </button>
          ) : null}
          {experiment.notebooks.candidate_definition_path ? (
            <button
              type="button"
              className="jp-studio-linkButton"
              data-testid="automl-open-definition"
              onClick={() =>
                opener.openFile(experiment.notebooks.candidate_definition_path!)
              }
            >
              Candidate definition notebook
            </button>
          ) : null}
          {experiment.output_path ? (
            <button
              type="button"
              className="jp-studio-linkButton"
              onClick={() => opener.reveal(experiment.output_path!)}
            >
              Results folder
            </button>
          ) : null}
          {!experiment.notebooks.data_exploration_path && running
            ? 'notebooks are written when the job ends'
            : null}
        </dd>
      </dl>
      {message ? (
        <div
          className="jp-studio-StatusMessage"
          role="status"
          data-testid="automl-message"
        >
          {message}
        </div>
      ) : null}

      <h4>Leaderboard</h4>
      {board && board.status === 'error' ? (
        <div className="jp-studio-error">{board.error}</div>
      ) : null}
      {rows.length ? (
        <Leaderboard model={model} rows={rows} selected={model.candidateName} />
      ) : (
        <div className="jp-studio-empty">
          {running ? 'Candidates appear here as they finish…' : 'No candidate.'}
        </div>
      )}

      <div className="jp-studio-AutoMLResultsHeader">
        <h4>Results{candidate ? `: ${candidate}` : ''}</h4>
        <span className="jp-studio-spacer" />
        <Button
          className="jp-studio-secondary"
          disabled={!saved}
          title={
            saved ? 'Register this candidate as a model version' : unsavedWhy
          }
          data-testid="automl-register"
          onClick={() => void register()}
        >
          Register
        </Button>
        <Button
          className="jp-studio-primary"
          disabled={!saved}
          title={saved ? 'Deploy this candidate to a new endpoint' : unsavedWhy}
          data-testid="automl-deploy"
          onClick={() => void deploy()}
        >
          Deploy
        </Button>
      </div>
      {candidate && !saved ? (
        <div
          className="jp-studio-muted"
          role="note"
          data-testid="automl-unsaved-reason"
        >
          {unsavedWhy}
        </div>
      ) : null}
      {results && results.status === 'error' ? (
        <div className="jp-studio-error">{results.error}</div>
      ) : null}
      {shown ? (
        <Results results={shown} rendermime={props.rendermime} />
      ) : rows.length ? (
        <div className="jp-studio-empty">Loading results…</div>
      ) : null}
    </div>
  );
}
