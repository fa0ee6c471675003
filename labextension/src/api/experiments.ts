/*
 * Typed client for experiments and runs (`studio/api/experiments`,
 * `studio/api/runs`): the domain's MLflow tracking store.
 */
import { ServerConnection } from '@jupyterlab/services';

import { IListResponse, requestAPI } from './request';

/** An MLflow experiment (`DescribeExperiment`). */
export interface IExperiment {
  experiment_id: string;
  name: string;
  /** `active` or `deleted`. */
  lifecycle_stage: string;
  space_id: string | null;
  owner: string | null;
  tags: Record<string, string>;
  /** Runs of this experiment the caller may see. */
  run_count: number;
  created_at: string | null;
  updated_at: string | null;
}

/** Body of `POST studio/api/experiments`. */
export interface ICreateExperiment {
  name: string;
  space_id?: string | null;
}

/** MLflow's run statuses. */
export type RunStatus =
  'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED' | string;

/** One run (`DescribeRun`). */
export interface IRun {
  run_id: string;
  run_name: string | null;
  experiment_id: string;
  experiment_name: string | null;
  status: RunStatus;
  start_time: string | null;
  end_time: string | null;
  owner: string | null;
  space_id: string | null;
  job_id: string | null;
  source_name: string | null;
  params: Record<string, string>;
  /** Latest value of each metric. */
  metrics: Record<string, number>;
  tags: Record<string, string>;
  /** File-browser path of the run's artifact folder. */
  artifact_path: string | null;
}

/** Query of `GET studio/api/runs` (`ListRunsQuery`): MLflow's syntax. */
export interface IListRunsQuery {
  experiment_id?: string | null;
  /** e.g. `metrics.rmse < 1 and params.model = 'tree'`. */
  filter?: string | null;
  /** e.g. `['metrics.rmse ASC']`. */
  order_by?: string[] | null;
  max_results?: number;
  page_token?: string | null;
}

/** Response of `GET studio/api/runs`. */
export interface IRunList {
  items: IRun[];
  next_token: string | null;
}

/** One logged value of a metric. */
export interface IMetricPoint {
  step: number;
  value: number;
  timestamp: string;
}

/** Response of `GET studio/api/runs/{id}/metrics/{key}`. */
export interface IMetricHistory {
  run_id: string;
  key: string;
  points: IMetricPoint[];
}

/** A parameter across the compared runs. */
export interface IComparedParam {
  key: string;
  /** Value by run id (`null`: not logged). */
  values: Record<string, string | null>;
  differs: boolean;
}

/** A metric's latest value across the compared runs. */
export interface IComparedMetric {
  key: string;
  values: Record<string, number | null>;
}

/** Response of `POST studio/api/runs/compare`. */
export interface IRunComparison {
  run_ids: string[];
  runs: IRun[];
  params: IComparedParam[];
  metrics: IComparedMetric[];
  /** Metric key → run id → points by step. */
  histories: Record<string, Record<string, IMetricPoint[]>>;
}

/** Body of `POST studio/api/runs/compare`: 2 to 5 distinct run ids. */
export interface ICompareRuns {
  run_ids: string[];
}

/** `GET studio/api/experiments`. */
export async function listExperiments(
  serverSettings: ServerConnection.ISettings
): Promise<IExperiment[]> {
  const response = await requestAPI<IListResponse<IExperiment>>(
    'experiments',
    { method: 'GET' },
    serverSettings
  );
  return response?.items ?? [];
}

/** `GET studio/api/experiments/{id}`. */
export function getExperiment(
  experimentId: string,
  serverSettings: ServerConnection.ISettings
): Promise<IExperiment> {
  return requestAPI<IExperiment>(
    `experiments/${encodeURIComponent(experimentId)}`,
    { method: 'GET' },
    serverSettings
  );
}

/** `POST studio/api/experiments`. */
export function createExperiment(
  body: ICreateExperiment,
  serverSettings: ServerConnection.ISettings
): Promise<IExperiment> {
  return requestAPI<IExperiment>(
    'experiments',
    { method: 'POST', body: JSON.stringify(body) },
    serverSettings
  );
}

/** The query string of a run search (`order_by` repeated). */
export function runsQuery(query: IListRunsQuery): string {
  const search = new URLSearchParams();
  const add = (key: string, value: string | number | null | undefined) => {
    if (value !== undefined && value !== null && value !== '') {
      search.append(key, String(value));
    }
  };
  add('experiment_id', query.experiment_id);
  add('filter', query.filter?.trim());
  for (const clause of query.order_by ?? []) {
    add('order_by', clause);
  }
  add('max_results', query.max_results);
  add('page_token', query.page_token);
  const text = search.toString();
  return text ? `?${text}` : '';
}

/**
 * `GET studio/api/runs`: runs the caller may see.
 *
 * @throws {StudioAPIError} 400 `invalid_search` for a bad filter.
 */
export function listRuns(
  query: IListRunsQuery,
  serverSettings: ServerConnection.ISettings
): Promise<IRunList> {
  return requestAPI<IRunList>(
    `runs${runsQuery(query)}`,
    { method: 'GET' },
    serverSettings
  );
}

/** `GET studio/api/runs/{id}`. */
export function getRun(
  runId: string,
  serverSettings: ServerConnection.ISettings
): Promise<IRun> {
  return requestAPI<IRun>(
    `runs/${encodeURIComponent(runId)}`,
    { method: 'GET' },
    serverSettings
  );
}

/** `GET studio/api/runs/{id}/metrics/{key}`. */
export function getMetricHistory(
  runId: string,
  key: string,
  serverSettings: ServerConnection.ISettings
): Promise<IMetricHistory> {
  return requestAPI<IMetricHistory>(
    `runs/${encodeURIComponent(runId)}/metrics/${encodeURIComponent(key)}`,
    { method: 'GET' },
    serverSettings
  );
}

/** `POST studio/api/runs/compare`. */
export function compareRuns(
  runIds: string[],
  serverSettings: ServerConnection.ISettings
): Promise<IRunComparison> {
  const body: ICompareRuns = { run_ids: runIds };
  return requestAPI<IRunComparison>(
    'runs/compare',
    { method: 'POST', body: JSON.stringify(body) },
    serverSettings
  );
}
