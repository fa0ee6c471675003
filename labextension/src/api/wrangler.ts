/*
 * Typed client for Data Wrangler flows (`studio/api/flows/...`).
 *
 * Requests name their flow by `document` (the JSON the editor holds, so unsaved
 * edits preview) or `path` (a saved `.flow` file). See docs/flow-format.md.
 */
import { ServerConnection } from '@jupyterlab/services';

import type { IJob } from './jobs';
import { requestAPI } from './request';

/** Where the graph editor draws a node. */
export interface IPosition {
  x?: number;
  y?: number;
}

/** What a node is. */
export type NodeKind = 'source' | 'transform' | 'analysis';

/** One node of a flow (`FlowNode`). */
export interface IFlowNode {
  id: string;
  kind: NodeKind;
  /** A source type, a transform or an analysis name. */
  operator: string;
  operator_version?: number;
  title?: string;
  parameters?: Record<string, unknown>;
  /** Ids of the input nodes (a join's left input, then its right). */
  inputs?: string[];
  position?: IPosition;
  notes?: string;
}

/** A named variable used as `{name}` in source paths and queries. */
export interface IFlowParameter {
  name: string;
  default?: string;
  description?: string;
}

/** How previews sample each source. */
export interface ISampleSettings {
  method?: 'first' | 'random';
  size?: number;
  seed?: number;
}

export interface IFlowSettings {
  sample?: ISampleSettings;
}

/** A `.flow` document (`FlowDocument`). */
export interface IFlowDocument {
  format_version?: number;
  name?: string;
  description?: string;
  parameters?: IFlowParameter[];
  settings?: IFlowSettings;
  nodes?: IFlowNode[];
  /** Free data for editors (viewport...). */
  metadata?: Record<string, unknown>;
}

/** A node's failure: which node, what happened, what to do. */
export interface INodeError {
  node_id: string | null;
  code: string;
  message: string;
  hint: string;
  columns: string[];
}

/** One bar of a column's mini histogram. */
export interface IHistogramBin {
  start: number | string;
  end: number | string;
  count: number;
}

export interface ITopValue {
  value: string;
  count: number;
}

/** A column of a preview. */
export interface IColumnProfile {
  name: string;
  dtype: string;
  kind: 'numeric' | 'categorical' | 'text' | 'datetime' | 'boolean' | 'other';
  missing: number;
  unique: number | null;
  min: number | string | null;
  max: number | string | null;
  mean: number | null;
  histogram: IHistogramBin[];
  top_values: ITopValue[];
}

/** What an analysis node shows. */
export interface IAnalysisOutput {
  title: string;
  mime_type: string;
  /** A Vega-Lite v5 specification. */
  chart: Record<string, unknown> | null;
  table: Array<Record<string, unknown>> | null;
  text: string;
}

/** A node computed on the sample (`NodePreview`). */
export interface INodePreview {
  node_id: string;
  status: 'ok' | 'error';
  error: INodeError | null;
  columns: IColumnProfile[];
  rows: unknown[][];
  row_count: number;
  rows_offset: number;
  sample: ISampleSettings | null;
  output: IAnalysisOutput | null;
  elapsed_seconds: number;
}

/** A transform as the step picker lists it. */
export interface ITransformInfo {
  name: string;
  title: string;
  family: string;
  keywords: string[];
  description: string;
  /** 1, or 2 for join and concatenate. */
  inputs: number;
  version: number;
  streaming: boolean;
  /** JSON Schema of its parameters (the step's form). */
  parameters_schema: Record<string, unknown>;
}

export interface IListTransforms {
  items: ITransformInfo[];
  families: string[];
}

/** An analysis or a source type. */
export interface IOperatorInfo {
  name: string;
  title: string;
  keywords: string[];
  parameters_schema: Record<string, unknown>;
}

export interface IListOperators {
  items: IOperatorInfo[];
}

/** Body of `POST flows/preview`. */
export interface IPreviewFlowNode {
  document?: Record<string, unknown> | null;
  path?: string | null;
  node_id: string;
  parameters?: Record<string, string>;
  rows_offset?: number;
  rows_limit?: number;
  sample?: ISampleSettings | null;
}

/** Body of `POST flows/statuses`. */
export interface IFlowStatusRequest {
  document?: Record<string, unknown> | null;
  path?: string | null;
  parameters?: Record<string, string>;
}

/** Whether a node computes on the sample. */
export interface INodeStatus {
  node_id: string;
  status: 'ok' | 'error' | 'skipped';
  error: INodeError | null;
}

export interface IFlowStatuses {
  items: INodeStatus[];
}

/** Body of `POST flows/edits`. */
export interface IEditFlow {
  document?: Record<string, unknown> | null;
  path?: string | null;
  /** `{op: 'add_step' | 'update_node' | 'delete_node' | ...}`. */
  edit: Record<string, unknown>;
  save?: boolean;
}

export interface IEditFlowResponse {
  document: IFlowDocument;
  changed_nodes: string[];
  /** Id of the node an add created. */
  node_id: string | null;
}

/** Body of `POST flows/report`. */
export interface IFlowReportRequest {
  document?: Record<string, unknown> | null;
  path?: string | null;
  node_id: string;
  parameters?: Record<string, string>;
  target?: string | null;
}

/** Body of `POST flows/report/html`. */
export interface IExportReportHtml extends IFlowReportRequest {
  output?: string | null;
  overwrite?: boolean;
}

/** Body of `POST flows/exports`. */
export interface IExportFlowCode {
  document?: Record<string, unknown> | null;
  path?: string | null;
  node_id: string;
  parameters?: Record<string, string>;
  format?: 'script' | 'notebook';
  output?: string | null;
  overwrite?: boolean;
}

/** A file written in the caller's files. */
export interface IExportedFile {
  path: string;
  format: string;
  size_bytes: number;
}

/** Where a full run's rows go in an S3-compatible object store. */
export interface IObjectStoreOutput {
  /** s3://bucket/key.parquet (or .csv). */
  url: string;
  endpoint_url?: string | null;
  region?: string | null;
  anonymous?: boolean;
  /** Access key id; `${ENV_VAR}` reads the server's environment. */
  key?: string | null;
  /** Use `${ENV_VAR}`, never the secret itself. */
  secret?: string | null;
  overwrite?: boolean;
}

/** Body of `POST flows/runs`. */
export interface IRunFlow {
  path: string;
  node_id?: string | null;
  parameters?: Record<string, string>;
  output?: string | null;
  format?: 'parquet' | 'csv' | null;
  overwrite?: boolean;
  output_store?: IObjectStoreOutput | null;
  report?: boolean;
  report_target?: string | null;
  space_id?: string | null;
  name?: string | null;
}

/** Body of `POST flows/handoffs` ("Export and train"). */
export interface ITrainFromFlow {
  path: string;
  node_id?: string | null;
  target: string;
  parameters?: Record<string, string>;
  space_id?: string | null;
}

/** The AutoML wizard's fields, pre-filled from a flow. */
export interface IAutoMLRequest {
  experiment_name: string;
  data: string;
  target: string;
  space_id: string | null;
  problem_type: 'auto' | 'binary' | 'multiclass' | 'regression';
}

export interface ITrainFromFlowResponse {
  job: IJob;
  automl_request: IAutoMLRequest;
  pipeline_path: string;
}

export interface IReportIssue {
  code: string;
  severity: 'high' | 'medium' | 'low';
  title: string;
  detail: string;
  advice: string;
  columns: string[];
}

export interface IFeatureSummary {
  name: string;
  dtype: string;
  kind: string;
  missing_fraction: number;
  unique: number;
  outlier_fraction: number | null;
  prediction_power: number | null;
}

export interface ITargetSummary {
  name: string;
  problem_type: 'binary' | 'multiclass' | 'regression';
  missing: number;
  distribution: Array<Record<string, unknown>>;
  imbalance_ratio: number | null;
  outlier_fraction: number | null;
}

export interface IQuickModel {
  model: string;
  metric: string;
  score: number;
  folds: number;
  rows_used: number;
  feature_importance: Array<Record<string, unknown>>;
}

export interface IDatasetSummary {
  rows: number;
  columns: number;
  column_types: Record<string, number>;
  missing_cells: number;
  missing_fraction: number;
  duplicate_rows: number;
  memory_bytes: number;
}

/** The Data Quality and Insights report of a node. */
export interface IInsightsReport {
  node_id: string;
  title: string;
  scope: 'sample' | 'all';
  summary: IDatasetSummary;
  target: ITargetSummary | null;
  quick_model: IQuickModel | null;
  features: IFeatureSummary[];
  issues: IReportIssue[];
  /** Vega-Lite specifications by name. */
  charts: Record<string, Record<string, unknown>>;
  samples: Array<Record<string, unknown>>;
  definitions: Record<string, string>;
  elapsed_seconds: number;
}

const BASE = 'flows';

function post<T>(
  path: string,
  body: object,
  serverSettings: ServerConnection.ISettings
): Promise<T> {
  return requestAPI<T>(
    `${BASE}/${path}`,
    { method: 'POST', body: JSON.stringify(body) },
    serverSettings
  );
}

/** The transforms with their parameter forms. */
export function listTransforms(
  serverSettings: ServerConnection.ISettings
): Promise<IListTransforms> {
  return requestAPI<IListTransforms>(`${BASE}/transforms`, {}, serverSettings);
}

/** The analyses with their parameter forms. */
export function listAnalyses(
  serverSettings: ServerConnection.ISettings
): Promise<IListOperators> {
  return requestAPI<IListOperators>(`${BASE}/analyses`, {}, serverSettings);
}

/** The source types with their parameter forms. */
export function listSources(
  serverSettings: ServerConnection.ISettings
): Promise<IListOperators> {
  return requestAPI<IListOperators>(`${BASE}/sources`, {}, serverSettings);
}

/** A node on the sample (its error is a 200 with `status: 'error'`). */
export function previewNode(
  body: IPreviewFlowNode,
  serverSettings: ServerConnection.ISettings
): Promise<INodePreview> {
  return post('preview', body, serverSettings);
}

/** Which sources and steps compute on the sample, and their errors. */
export function flowStatuses(
  body: IFlowStatusRequest,
  serverSettings: ServerConnection.ISettings
): Promise<IFlowStatuses> {
  return post('statuses', body, serverSettings);
}

/** Apply one edit to a flow document. */
export function editFlow(
  body: IEditFlow,
  serverSettings: ServerConnection.ISettings
): Promise<IEditFlowResponse> {
  return post('edits', body, serverSettings);
}

/** The insights report of a node on the sample. */
export function flowReport(
  body: IFlowReportRequest,
  serverSettings: ServerConnection.ISettings
): Promise<IInsightsReport> {
  return post('report', body, serverSettings);
}

/** Write the report as a standalone HTML file. */
export function exportReportHtml(
  body: IExportReportHtml,
  serverSettings: ServerConnection.ISettings
): Promise<IExportedFile> {
  return post('report/html', body, serverSettings);
}

/** Write a Python script or notebook reproducing the flow. */
export function exportFlowCode(
  body: IExportFlowCode,
  serverSettings: ServerConnection.ISettings
): Promise<IExportedFile> {
  return post('exports', body, serverSettings);
}

/** Run a saved flow on all rows as a `flow` job. */
export function runFlow(
  body: IRunFlow,
  serverSettings: ServerConnection.ISettings
): Promise<IJob> {
  return post('runs', body, serverSettings);
}

/** Export and train: a job writes the training data; the AutoML request. */
export function trainFromFlow(
  body: ITrainFromFlow,
  serverSettings: ServerConnection.ISettings
): Promise<ITrainFromFlowResponse> {
  return post('handoffs', body, serverSettings);
}
