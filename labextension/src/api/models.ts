/*
 * Typed client for the model registry (`studio/api/models`).
 */
import { ServerConnection } from '@jupyterlab/services';

import { IListResponse, requestAPI, toQuery } from './request';

/** The kind of prediction a model makes. */
export type ProblemType = 'binary' | 'multiclass' | 'regression';

/** A version is `Ready`, or `Deleted` (its files went to the trash). */
export type ModelVersionStatus = 'Ready' | 'Deleted';

/** A registered model (`DescribeModel`). */
export interface IModel {
  model_id: string;
  name: string;
  owner: string;
  /** The space the model lives in (`null`: its owner's home). */
  space_id: string | null;
  description: string | null;
  tags: Record<string, string>;
  latest_version: number | null;
  version_count: number;
  /** File-browser path of the model's folder. */
  path: string | null;
  created_at: string;
  updated_at: string;
}

/** One column of a model's input (or output) signature. */
export interface IInputColumn {
  name: string | null;
  /** MLflow type, e.g. `double`, `long`, `string`. */
  type: string;
  required?: boolean;
}

/** What a model answers. */
export interface IModelOutput {
  columns?: IInputColumn[];
  /** Class labels of a classifier, in the order of its probabilities. */
  classes?: unknown[] | null;
}

/** One numbered version of a registered model (`DescribeModelVersion`). */
export interface IModelVersion {
  model_id: string;
  model_name: string;
  version: number;
  status: ModelVersionStatus;
  /** Main MLflow flavor, e.g. `sklearn`. */
  flavor: string;
  flavors: string[];
  problem_type: ProblemType | null;
  input_schema: IInputColumn[];
  output: IModelOutput;
  metrics: Record<string, number>;
  tags: Record<string, string>;
  /** Where it came from: `python`, `job:<id>`, `run:<id>`, `path:<path>`. */
  source: string;
  job_id: string | null;
  run_id: string | null;
  owner: string;
  space_id: string | null;
  /** File-browser path of the version's MLflow model folder. */
  path: string | null;
  /** File-browser path of the training-data baseline (`null`: none). */
  baseline_path: string | null;
  mlflow_version: string | null;
  created_at: string;
}

/** Body of `POST studio/api/models` (`RegisterModelFromPath`). */
export interface IRegisterModel {
  /** File-browser path of an MLflow model folder (with an `MLmodel` file). */
  path: string;
  name: string;
  /** Register in this space (default: the caller's home). */
  space_id?: string | null;
  /** File-browser path of the training data (CSV or Parquet) for the baseline. */
  training_data_path?: string | null;
  problem_type?: ProblemType | null;
  metrics?: Record<string, number> | null;
  tags?: Record<string, string> | null;
  description?: string | null;
  source?: string | null;
}

/** Body of `PATCH studio/api/models/{name}`. */
export interface IUpdateModel {
  description?: string | null;
  tags?: Record<string, string> | null;
}

/** Query of `GET studio/api/models` (`ListModelsQuery`). */
export interface IListModelsQuery {
  space_id?: string | null;
  /** True: only models in homes; false: only models in spaces. */
  home?: boolean | null;
  name_contains?: string | null;
  owner?: string | null;
  limit?: number;
  next_token?: string | null;
}

/** Response of `GET studio/api/models/{name}/versions`. */
export interface IModelVersionList {
  items: IModelVersion[];
}

/** Which of several visible models of the same name (`null`: any). */
function modelPath(
  name: string,
  suffix = '',
  spaceId: string | null = null
): string {
  return (
    `models/${encodeURIComponent(name)}${suffix}` +
    toQuery({ space_id: spaceId })
  );
}

/** `GET studio/api/models`: the models the caller may see. */
export function listModels(
  query: IListModelsQuery,
  serverSettings: ServerConnection.ISettings
): Promise<IListResponse<IModel>> {
  return requestAPI<IListResponse<IModel>>(
    `models${toQuery({ ...query })}`,
    { method: 'GET' },
    serverSettings
  );
}

/** `GET studio/api/models/{name}`. */
export function getModel(
  name: string,
  spaceId: string | null,
  serverSettings: ServerConnection.ISettings
): Promise<IModel> {
  return requestAPI<IModel>(
    modelPath(name, '', spaceId),
    { method: 'GET' },
    serverSettings
  );
}

/** `GET studio/api/models/{name}/versions`: newest first. */
export async function listModelVersions(
  name: string,
  spaceId: string | null,
  serverSettings: ServerConnection.ISettings
): Promise<IModelVersion[]> {
  const response = await requestAPI<IModelVersionList>(
    modelPath(name, '/versions', spaceId),
    { method: 'GET' },
    serverSettings
  );
  return response?.items ?? [];
}

/** `GET studio/api/models/{name}/versions/{version}`. */
export function getModelVersion(
  name: string,
  version: number,
  spaceId: string | null,
  serverSettings: ServerConnection.ISettings
): Promise<IModelVersion> {
  return requestAPI<IModelVersion>(
    modelPath(name, `/versions/${version}`, spaceId),
    { method: 'GET' },
    serverSettings
  );
}

/**
 * `POST studio/api/models`: register an MLflow model folder as a new version.
 *
 * @throws {StudioAPIError} 400 naming the field (e.g. a folder without `MLmodel`).
 */
export function registerModel(
  body: IRegisterModel,
  serverSettings: ServerConnection.ISettings
): Promise<IModelVersion> {
  return requestAPI<IModelVersion>(
    'models',
    { method: 'POST', body: JSON.stringify(body) },
    serverSettings
  );
}

/** `PATCH studio/api/models/{name}`. */
export function updateModel(
  name: string,
  spaceId: string | null,
  body: IUpdateModel,
  serverSettings: ServerConnection.ISettings
): Promise<IModel> {
  return requestAPI<IModel>(
    modelPath(name, '', spaceId),
    { method: 'PATCH', body: JSON.stringify(body) },
    serverSettings
  );
}

/** `DELETE studio/api/models/{name}` (409 while an endpoint serves it). */
export async function deleteModel(
  name: string,
  spaceId: string | null,
  serverSettings: ServerConnection.ISettings
): Promise<void> {
  await requestAPI<void>(
    modelPath(name, '', spaceId),
    { method: 'DELETE' },
    serverSettings
  );
}

/** `DELETE studio/api/models/{name}/versions/{version}`. */
export async function deleteModelVersion(
  name: string,
  version: number,
  spaceId: string | null,
  serverSettings: ServerConnection.ISettings
): Promise<void> {
  await requestAPI<void>(
    modelPath(name, `/versions/${version}`, spaceId),
    { method: 'DELETE' },
    serverSettings
  );
}
