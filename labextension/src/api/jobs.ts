/*
 * Typed client for the jobs endpoints (`studio/api/jobs`).
 */
import { ServerConnection } from '@jupyterlab/services';

import { IListResponse, requestAPI, toQuery } from './request';

/** Every status a job can be in. */
export type JobStatus =
  'Pending' | 'InProgress' | 'Completed' | 'Failed' | 'Stopping' | 'Stopped';

/** All statuses, in lifecycle order (for filters). */
export const JOB_STATUSES: JobStatus[] = [
  'Pending',
  'InProgress',
  'Stopping',
  'Completed',
  'Failed',
  'Stopped'
];

/** Statuses after which a job never changes again. */
export const TERMINAL_STATUSES: ReadonlySet<JobStatus> = new Set<JobStatus>([
  'Completed',
  'Failed',
  'Stopped'
]);

/** Whether a job in this status can still be stopped. */
export function isStoppable(status: JobStatus): boolean {
  return status === 'Pending' || status === 'InProgress';
}

/** Whether a job in this status is finished. */
export function isTerminal(status: JobStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

/** A job, as described by the server. */
export interface IJob {
  job_id: string;
  name: string;
  kind: string;
  owner: string;
  space_id: string | null;
  parameters: Record<string, unknown>;
  status: JobStatus;
  status_message: string | null;
  progress: number;
  progress_message: string;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  elapsed_seconds: number;
  max_runtime_seconds: number | null;
  exit_code: number | null;
  log_path: string | null;
  output_path: string | null;
}

/** Parameters of a `processing` job (`ProcessingParameters` on the server). */
export interface IProcessingParameters {
  /** File-browser path of the Python script to run (required). */
  script: string;
  /** Command-line arguments passed to the script. */
  arguments?: string[];
  /** File-browser paths copied into the job's input folder. */
  inputs?: string[];
  /** Extra environment variables. */
  environment?: Record<string, string>;
}

/** Body of `POST studio/api/jobs`. */
export interface ICreateJob {
  kind: string;
  name?: string | null;
  space_id?: string | null;
  max_runtime_seconds?: number | null;
  parameters: Record<string, unknown>;
}

/** Query of `GET studio/api/jobs`. */
export interface IListJobsQuery {
  status?: JobStatus | '';
  kind?: string;
  space_id?: string | null;
  limit?: number;
  next_token?: string | null;
}

/** Response of `GET studio/api/jobs/{id}/logs`. */
export interface ILogChunk {
  content: string;
  offset: number;
  next_offset: number;
  size: number;
  complete: boolean;
}

/** One file a job wrote to its output folder. */
export interface IArtifact {
  /** Path relative to the job's output folder. */
  name: string;
  /** Size in bytes. */
  size: number;
  /** File-browser path of the file (`null` when outside the file browser). */
  path: string | null;
}

/** Response of `GET studio/api/jobs/{id}/artifacts`. */
export interface IArtifactList {
  items: IArtifact[];
  total_count?: number;
}

/** A kind of job the server can run (a plug-in on the server). */
export interface IJobKind {
  /** Stable name sent as a job's `kind`, e.g. `processing`. */
  name: string;
  /** Title for people, e.g. "Processing script". */
  title: string;
  description: string;
  /** JSON Schema of the kind's parameters (pydantic's `model_json_schema()`). */
  parameters_schema: Record<string, unknown>;
}

function jobPath(jobId: string, suffix = ''): string {
  return `jobs/${encodeURIComponent(jobId)}${suffix}`;
}

/** `GET studio/api/jobs`: list jobs, newest first. */
export function listJobs(
  query: IListJobsQuery,
  serverSettings: ServerConnection.ISettings
): Promise<IListResponse<IJob>> {
  return requestAPI<IListResponse<IJob>>(
    `jobs${toQuery({ ...query })}`,
    { method: 'GET' },
    serverSettings
  );
}

/** `POST studio/api/jobs`: create and start a job. */
export function createJob(
  body: ICreateJob,
  serverSettings: ServerConnection.ISettings
): Promise<IJob> {
  return requestAPI<IJob>(
    'jobs',
    { method: 'POST', body: JSON.stringify(body) },
    serverSettings
  );
}

/** `GET studio/api/jobs/{id}`. */
export function getJob(
  jobId: string,
  serverSettings: ServerConnection.ISettings
): Promise<IJob> {
  return requestAPI<IJob>(jobPath(jobId), { method: 'GET' }, serverSettings);
}

/** `POST studio/api/jobs/{id}/stop`: ask a pending or running job to stop. */
export function stopJob(
  jobId: string,
  serverSettings: ServerConnection.ISettings
): Promise<IJob> {
  return requestAPI<IJob>(
    jobPath(jobId, '/stop'),
    { method: 'POST', body: '{}' },
    serverSettings
  );
}

/** `POST studio/api/jobs/{id}/retry`: run an ended job again as a new job. */
export function retryJob(
  jobId: string,
  serverSettings: ServerConnection.ISettings
): Promise<IJob> {
  return requestAPI<IJob>(
    jobPath(jobId, '/retry'),
    { method: 'POST', body: '{}' },
    serverSettings
  );
}

/** `GET studio/api/jobs/{id}/logs?offset=&limit=`: one chunk of the log. */
export function getJobLogs(
  jobId: string,
  offset: number,
  serverSettings: ServerConnection.ISettings,
  limit?: number
): Promise<ILogChunk> {
  return requestAPI<ILogChunk>(
    jobPath(jobId, '/logs') + toQuery({ offset, limit }),
    { method: 'GET' },
    serverSettings
  );
}

/** `GET studio/api/jobs/{id}/artifacts`. */
export function listArtifacts(
  jobId: string,
  serverSettings: ServerConnection.ISettings
): Promise<IArtifactList> {
  return requestAPI<IArtifactList>(
    jobPath(jobId, '/artifacts'),
    { method: 'GET' },
    serverSettings
  );
}

/**
 * `GET studio/api/job_kinds`: every registered job kind.
 *
 * Accepts the list response (`{items, total_count}`) or a bare array.
 */
export async function listJobKinds(
  serverSettings: ServerConnection.ISettings
): Promise<IJobKind[]> {
  const response = await requestAPI<IJobKind[] | IListResponse<IJobKind>>(
    'job_kinds',
    { method: 'GET' },
    serverSettings
  );
  return Array.isArray(response) ? response : (response?.items ?? []);
}
