/*
 * Typed client for AutoML experiments (`studio/api/automl`): create, check
 * as typed, preview data, follow, stop, results, register and deploy.
 */
import { ServerConnection } from '@jupyterlab/services';

import type { JobStatus } from './jobs';
import type { IModelVersion } from './models';
import { IListResponse, requestAPI, toQuery } from './request';

/** A feature's type as the user sets it. */
export type FeatureType =
  'auto' | 'numerical' | 'categorical' | 'text' | 'datetime' | 'sequence';

export type AutoMLProblemType = 'auto' | 'binary' | 'multiclass' | 'regression';

export type AutoMLMode = 'auto' | 'ensembling' | 'hpo';

/** The training settings of an experiment (`AutoMLSettings`). */
export interface IAutoMLSettings {
  /** Run in this space (default: the home folder). */
  space_id?: string | null;
  /** File-browser path of the CSV or Parquet training file. */
  data?: string | null;
  target?: string | null;
  sample_weight?: string | null;
  /** Columns to learn from (default: all but target and weight). */
  features?: string[] | null;
  feature_types?: Record<string, FeatureType>;
  validation_ratio?: number | null;
  validation_data?: string | null;
  output?: string | null;
  problem_type?: AutoMLProblemType;
  objective_metric?: string | null;
  mode?: AutoMLMode;
  algorithms?: string[] | null;
  /** Seconds for the whole job. */
  max_runtime?: number;
  max_candidate_runtime?: number | null;
  seed?: number;
  tags?: Record<string, string>;
  auto_deploy?: boolean;
  endpoint_name?: string | null;
}

/** Body of `POST studio/api/automl/experiments`. */
export interface ICreateAutoMLExperiment extends IAutoMLSettings {
  experiment_name: string;
  data: string;
  target: string;
}

/** Body of `POST studio/api/automl/validate`: any subset of the fields. */
export interface IValidateAutoMLExperiment extends IAutoMLSettings {
  experiment_name?: string | null;
}

/** One problem with one field (`loc` names it, then a column if any). */
export interface IFieldProblem {
  loc: string[];
  msg: string;
  /** The error code behind the problem (`path_not_found`, `not_a_file`...), when one says it. */
  code?: string | null;
}

/** Response of `POST studio/api/automl/validate`. */
export interface IAutoMLValidation {
  valid: boolean;
  problems: IFieldProblem[];
  rows?: number | null;
  columns?: string[] | null;
  problem_type?: string | null;
  problem_type_reason?: string | null;
}

export interface IColumnPreview {
  name: string;
  /** numerical, categorical, text, datetime or boolean. */
  inferred_type: string;
  missing: number;
  unique: number;
}

/** Response of `GET studio/api/automl/preview`. */
export interface IDataPreview {
  path: string;
  row_count: number;
  columns: IColumnPreview[];
  rows: unknown[][];
}

export interface IAutoDeployState {
  endpoint_name: string;
  /** Waiting, Deploying, Deployed, Failed or Skipped. */
  status: string;
  message?: string | null;
}

export interface IAutoMLNotebooks {
  data_exploration_path?: string | null;
  candidate_definition_path?: string | null;
}

/** An AutoML experiment (`DescribeAutoMLExperiment`). */
export interface IAutoMLExperiment {
  experiment_name: string;
  job_id: string;
  owner: string;
  space_id: string | null;
  status: JobStatus;
  status_message: string | null;
  progress: number;
  progress_message: string;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  elapsed_seconds: number;
  /** The job's parameters. */
  settings: Record<string, unknown>;
  tags: Record<string, string>;
  problem_type: string | null;
  objective_metric: string | null;
  best_candidate: string | null;
  best_objective: number | null;
  candidate_count: number;
  output_path: string | null;
  log_path: string | null;
  best_model_path: string | null;
  notebooks: IAutoMLNotebooks;
  auto_deploy: IAutoDeployState | null;
}

/** One candidate of the leaderboard. */
export interface ILeaderboardRow {
  rank: number;
  candidate: string;
  algorithm: string;
  level?: number | null;
  status: string;
  objective_metric: string;
  objective: number | null;
  metrics: Record<string, number | null>;
  training_seconds: number | null;
  hyperparameters: Record<string, unknown>;
  failure_reason?: string | null;
  best: boolean;
  /** Its model folder exists: it can be registered or deployed. */
  saved: boolean;
}

/** Response of `GET .../leaderboard`. */
export interface IAutoMLLeaderboard {
  experiment_name: string;
  status: JobStatus;
  objective_metric: string | null;
  greater_is_better: boolean | null;
  items: ILeaderboardRow[];
}

export interface IConfusionMatrix {
  labels: string[];
  matrix: number[][];
}

export interface IResiduals {
  actual: (number | null)[];
  predicted: (number | null)[];
  mean: number | null;
  std: number | null;
}

export interface IFeatureImportance {
  feature: string;
  importance: number | null;
  std?: number | null;
}

/** Response of `GET .../candidates/{candidate}`. */
export interface ICandidateResults {
  experiment_name: string;
  candidate: string;
  algorithm: string;
  objective_metric: string | null;
  objective: number | null;
  metrics: Record<string, number | null>;
  hyperparameters: Record<string, unknown>;
  training_seconds: number | null;
  best: boolean;
  /** False while the job runs: charts come at its end. */
  charts_ready: boolean;
  confusion_matrix?: IConfusionMatrix | null;
  residuals?: IResiduals | null;
  /** [false positive rate, true positive rate] points. */
  roc_curve?: (number | null)[][] | null;
  /** [recall, precision] points. */
  pr_curve?: (number | null)[][] | null;
  positive_class?: string | null;
  feature_importance?: IFeatureImportance[] | null;
  note?: string | null;
  model_path: string | null;
}

/** Body of `POST .../register`. */
export interface IRegisterCandidate {
  candidate?: string | null;
  model_name: string;
  space_id?: string | null;
}

/** Body of `POST .../deploy`. */
export interface IDeployCandidate {
  candidate?: string | null;
  endpoint_name: string;
  model_name?: string | null;
  instance_count?: number;
}

/** Response of `POST .../deploy`. */
export interface IDeployedCandidate {
  experiment_name: string;
  candidate: string;
  model_name: string;
  model_version: number;
  endpoint_name?: string | null;
  endpoint_status?: string | null;
}

/** The algorithms of each training mode (pre-selected in the wizard). */
export const ALGORITHMS: ReadonlyArray<{ name: string; label: string }> = [
  { name: 'lightgbm', label: 'LightGBM' },
  { name: 'catboost', label: 'CatBoost' },
  { name: 'xgboost', label: 'XGBoost' },
  { name: 'random_forest', label: 'Random forest' },
  { name: 'extra_trees', label: 'Extra trees' },
  { name: 'linear', label: 'Linear' },
  { name: 'knn', label: 'k-nearest neighbours' },
  { name: 'neural_network', label: 'Neural network' }
];

/** Objective metrics by problem type (`auto`: every metric). */
export const METRICS: Record<string, string[]> = {
  binary: ['roc_auc', 'accuracy', 'balanced_accuracy', 'f1', 'log_loss'],
  multiclass: ['log_loss', 'accuracy', 'balanced_accuracy', 'f1_macro'],
  regression: ['rmse', 'mse', 'mae', 'r2']
};

function experimentPath(name: string, suffix = ''): string {
  return `automl/experiments/${encodeURIComponent(name)}${suffix}`;
}

/** The experiments the user may see, newest first. */
export async function listExperiments(
  serverSettings: ServerConnection.ISettings
): Promise<IAutoMLExperiment[]> {
  const page = await requestAPI<IListResponse<IAutoMLExperiment>>(
    'automl/experiments',
    { method: 'GET' },
    serverSettings
  );
  return page.items;
}

/** Check everything (data included) and start the experiment's job. */
export function createExperiment(
  body: ICreateAutoMLExperiment,
  serverSettings: ServerConnection.ISettings
): Promise<IAutoMLExperiment> {
  return requestAPI<IAutoMLExperiment>(
    'automl/experiments',
    { method: 'POST', body: JSON.stringify(body) },
    serverSettings
  );
}

/** Check any subset of the fields; nothing is submitted. */
export function validateExperiment(
  body: IValidateAutoMLExperiment,
  serverSettings: ServerConnection.ISettings,
  signal?: AbortSignal
): Promise<IAutoMLValidation> {
  return requestAPI<IAutoMLValidation>(
    'automl/validate',
    { method: 'POST', body: JSON.stringify(body), signal },
    serverSettings
  );
}

/** Columns, inferred types and first rows of a CSV or Parquet file. */
export function previewData(
  path: string,
  serverSettings: ServerConnection.ISettings,
  rows = 20
): Promise<IDataPreview> {
  return requestAPI<IDataPreview>(
    `automl/preview${toQuery({ path, rows })}`,
    { method: 'GET' },
    serverSettings
  );
}

export function getExperiment(
  name: string,
  serverSettings: ServerConnection.ISettings
): Promise<IAutoMLExperiment> {
  return requestAPI<IAutoMLExperiment>(
    experimentPath(name),
    { method: 'GET' },
    serverSettings
  );
}

export function stopExperiment(
  name: string,
  serverSettings: ServerConnection.ISettings
): Promise<IAutoMLExperiment> {
  return requestAPI<IAutoMLExperiment>(
    experimentPath(name, '/stop'),
    { method: 'POST' },
    serverSettings
  );
}

export function getLeaderboard(
  name: string,
  serverSettings: ServerConnection.ISettings
): Promise<IAutoMLLeaderboard> {
  return requestAPI<IAutoMLLeaderboard>(
    experimentPath(name, '/leaderboard'),
    { method: 'GET' },
    serverSettings
  );
}

export function getCandidate(
  name: string,
  candidate: string,
  serverSettings: ServerConnection.ISettings
): Promise<ICandidateResults> {
  return requestAPI<ICandidateResults>(
    experimentPath(name, `/candidates/${encodeURIComponent(candidate)}`),
    { method: 'GET' },
    serverSettings
  );
}

export function registerCandidate(
  name: string,
  body: IRegisterCandidate,
  serverSettings: ServerConnection.ISettings
): Promise<IModelVersion> {
  return requestAPI<IModelVersion>(
    experimentPath(name, '/register'),
    { method: 'POST', body: JSON.stringify(body) },
    serverSettings
  );
}

export function deployCandidate(
  name: string,
  body: IDeployCandidate,
  serverSettings: ServerConnection.ISettings
): Promise<IDeployedCandidate> {
  return requestAPI<IDeployedCandidate>(
    experimentPath(name, '/deploy'),
    { method: 'POST', body: JSON.stringify(body) },
    serverSettings
  );
}
