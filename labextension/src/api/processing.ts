/*
 * Client for processors: `POST studio/api/processing/jobs` starts a
 * SageMaker-shaped processor run, an ordinary job of the `processor` kind.
 */
import { ServerConnection } from '@jupyterlab/services';

import type { ICreateJob, IJob } from './jobs';
import { IErrorDetail, requestAPI, StudioAPIError } from './request';

/** The job kind of processor runs. */
export const PROCESSOR_KIND = 'processor';

/** Where `/opt/ml/processing/...` paths start (the job folder in Studio). */
export const CONTAINER_ROOT = '/opt/ml/processing';

/** The processors the server runs. */
export type ProcessorName = 'script' | 'sklearn' | 'framework';

/** Frameworks a `framework` processor can name. */
export const FRAMEWORKS = [
  'sklearn',
  'xgboost',
  'pytorch',
  'lightgbm'
] as const;

/** Data copied into the job before the code runs. */
export interface IProcessingInput {
  /** A path in the user's files (file or folder) or an `s3://` URL. */
  source: string;
  /** Under `/opt/ml/processing/` (default `.../input/<input_name>`). */
  destination?: string | null;
  /** Default: `input-1`, `input-2`, ... */
  input_name?: string | null;
}

/** A folder the code writes, uploaded when the job ends. */
export interface IProcessingOutput {
  /** Under `/opt/ml/processing/` (default `.../output/<output_name>`). */
  source?: string | null;
  /** A folder in the user's files or an `s3://` prefix (none: job folder only). */
  destination?: string | null;
  /** Default: `output-1`, `output-2`, ... */
  output_name?: string | null;
}

/** How `s3://` inputs and outputs reach their store. */
export interface IObjectStoreSettings {
  endpoint_url?: string | null;
  region?: string | null;
  anonymous?: boolean;
  /** Access key id, or `${ENV_VAR}`. */
  key?: string | null;
  /** `${ENV_VAR}` naming the secret key. */
  secret?: string | null;
}

/** The `processor` kind's parameters. */
export interface IProcessorParameters {
  processor?: ProcessorName;
  code: string;
  source_dir?: string | null;
  arguments?: string[];
  inputs?: IProcessingInput[];
  outputs?: IProcessingOutput[];
  env?: Record<string, string>;
  instance_count?: number;
  framework?: string | null;
  framework_version?: string | null;
  store?: IObjectStoreSettings | null;
}

/** Body of `POST studio/api/processing/jobs`. */
export interface ICreateProcessingJob extends IProcessorParameters {
  base_job_name?: string | null;
  max_runtime_in_seconds?: number | null;
  space_id?: string | null;
}

/** `POST studio/api/processing/jobs`: start a processor job (201 with the job). */
export function createProcessingJob(
  body: ICreateProcessingJob,
  serverSettings: ServerConnection.ISettings
): Promise<IJob> {
  return requestAPI<IJob>(
    'processing/jobs',
    { method: 'POST', body: JSON.stringify(body) },
    serverSettings
  );
}

/** The processing request of a generic job request of the `processor` kind. */
export function toProcessingRequest(body: ICreateJob): ICreateProcessingJob {
  const request: ICreateProcessingJob = {
    ...(body.parameters as unknown as IProcessorParameters)
  };
  if (body.name) {
    request.base_job_name = body.name;
  }
  if (body.max_runtime_seconds !== undefined && body.max_runtime_seconds) {
    request.max_runtime_in_seconds = body.max_runtime_seconds;
  }
  request.space_id = body.space_id ?? null;
  return request;
}

/** Job-level fields of the processing request, by their `POST /jobs` names. */
const JOB_FIELDS: Record<string, string> = {
  base_job_name: 'name',
  max_runtime_in_seconds: 'max_runtime_seconds',
  space_id: 'space_id',
  name: 'name',
  max_runtime_seconds: 'max_runtime_seconds',
  parameters: 'parameters'
};

/**
 * A field error of the processing endpoint located as `POST /jobs` would
 * locate it: `["body", "inputs", 0, "source"]` becomes
 * `["parameters", "inputs", 0, "source"]`, `base_job_name` becomes `name`.
 */
export function toJobErrorLoc(
  loc: ReadonlyArray<string | number>
): Array<string | number> {
  const rest = loc[0] === 'body' ? loc.slice(1) : [...loc];
  if (!rest.length) {
    return rest;
  }
  const mapped = JOB_FIELDS[String(rest[0])];
  if (mapped === 'parameters') {
    return rest;
  }
  return mapped ? [mapped, ...rest.slice(1)] : ['parameters', ...rest];
}

/** The paths of a request a message can name, with where they are. */
function namedPaths(
  request: ICreateProcessingJob
): Array<[string, Array<string | number>]> {
  const paths: Array<[string, Array<string | number>]> = [];
  (request.inputs ?? []).forEach((item, i) =>
    paths.push([item.source, ['parameters', 'inputs', i, 'source']])
  );
  (request.outputs ?? []).forEach((item, i) => {
    if (item.destination) {
      paths.push([
        item.destination,
        ['parameters', 'outputs', i, 'destination']
      ]);
    }
  });
  if (request.source_dir) {
    paths.push([request.source_dir, ['parameters', 'source_dir']]);
  }
  paths.push([request.code, ['parameters', 'code']]);
  return paths;
}

/**
 * Where an error without field details belongs: the server's checks of
 * paths (a missing input is a 404) name the path in quotes, e.g.
 * "The input 'data/x.csv' does not exist.". `null` when no path is named.
 */
export function locateMessage(
  message: string,
  request: ICreateProcessingJob
): Array<string | number> | null {
  for (const [path, loc] of namedPaths(request)) {
    const trimmed = path.trim().replace(/^\/+/, '');
    if (
      trimmed &&
      (message.includes(`'${trimmed}'`) || message.includes(`"${trimmed}"`))
    ) {
      return loc;
    }
  }
  return null;
}

/** The parameter a server check's error code is about, when it has no field details. */
const CODE_FIELDS: Record<string, string> = {
  framework_version_unavailable: 'framework_version',
  framework_not_installed: 'framework',
  invalid_framework: 'framework',
  invalid_instance_count: 'instance_count',
  code_outside_source_dir: 'code',
  duplicate_input: 'inputs',
  reserved_destination: 'inputs',
  invalid_source: 'inputs',
  duplicate_output: 'outputs',
  invalid_destination: 'outputs',
  invalid_command: 'command'
};

/**
 * The error of the processing endpoint as `POST /jobs` would report it:
 * field locations renamed; an error without them located at the path its
 * message names, or else at the parameter its code is about.
 */
export function asJobError(
  error: unknown,
  request: ICreateProcessingJob
): unknown {
  if (!(error instanceof StudioAPIError)) {
    return error;
  }
  let detail: IErrorDetail[] | null = null;
  if (error.detail?.length) {
    detail = error.detail.map(d => ({ ...d, loc: toJobErrorLoc(d.loc ?? []) }));
  } else if (error.status >= 400 && error.status < 500) {
    const field = error.code ? CODE_FIELDS[error.code] : undefined;
    const loc =
      locateMessage(error.message, request) ??
      (field ? ['parameters', field] : null);
    detail = loc ? [{ loc, msg: error.message }] : null;
  }
  return new StudioAPIError(
    error.response,
    error.message,
    error.code,
    detail,
    error.reason,
    error.traceback
  );
}

/**
 * Start a processor job from a generic job request (what the Jobs panel's
 * new-job form builds), through the processing endpoint; its errors are
 * reported as `POST /jobs` would report them.
 */
export async function createProcessorJob(
  body: ICreateJob,
  serverSettings: ServerConnection.ISettings
): Promise<IJob> {
  const request = toProcessingRequest(body);
  try {
    return await createProcessingJob(request, serverSettings);
  } catch (error) {
    throw asJobError(error, request);
  }
}
