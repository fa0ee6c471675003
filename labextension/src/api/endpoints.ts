/*
 * Typed client for endpoints (`studio/api/endpoints`) and for invoking them
 * (`studio/endpoints/<name>/invocations`, the SageMaker inference contract).
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { IListResponse, requestAPI } from './request';

/** Every status an endpoint can be in. */
export type EndpointStatus =
  'Creating' | 'InService' | 'Updating' | 'Failed' | 'Deleting';

/** Statuses in which an endpoint will change on its own soon. */
export const TRANSIENT_ENDPOINT_STATUSES: ReadonlySet<EndpointStatus> =
  new Set<EndpointStatus>(['Creating', 'Updating', 'Deleting']);

/** An endpoint (`DescribeEndpoint`). */
export interface IEndpoint {
  endpoint_name: string;
  status: EndpointStatus;
  /** Why it failed (with the end of the server log), or a progress note. */
  status_message: string | null;
  model_name: string;
  model_version: number;
  instance_count: number;
  capture_percent: number;
  owner: string;
  space_id: string | null;
  /** URL path of the invocations route, relative to the server's base URL. */
  invoke_url: string;
  /** Loopback port of the model server (local clients). */
  port: number | null;
  /** File-browser path of the endpoint's folder. */
  path: string | null;
  /** File-browser path of the model server's log. */
  log_path: string | null;
  /** File-browser path of the data-capture folder. */
  capture_path: string | null;
  created_at: string;
  updated_at: string;
}

/** Body of `POST studio/api/endpoints`. */
export interface ICreateEndpoint {
  /** Letters, digits and hyphens, at most 63, unique in the domain. */
  endpoint_name: string;
  model_name: string;
  /** Default: the latest version. */
  model_version?: number | null;
  /** The model's space, when models of that name live in several spaces. */
  model_space_id?: string | null;
  instance_count?: number;
  /** Share of requests saved by data capture, 0 to 100. */
  capture_percent?: number;
}

/** Body of `PATCH studio/api/endpoints/{name}`: only the fields sent change. */
export interface IUpdateEndpoint {
  model_name?: string | null;
  model_version?: number | null;
  model_space_id?: string | null;
  instance_count?: number | null;
  capture_percent?: number | null;
}

/** Response of `GET studio/api/endpoints/{name}/stats`. */
export interface IEndpointStats {
  endpoint_name: string;
  request_count?: number;
  error_count?: number;
  p50_ms?: number | null;
  p99_ms?: number | null;
  /**
   * What p50 and p99 cover: `last 60 s`, or after a quiet minute the last
   * requests (`last 12 requests, the latest 5 min ago`); null before any.
   */
  latency_window?: string | null;
  /** What the model server reported. */
  raw?: Record<string, unknown>;
}

function endpointPath(name: string, suffix = ''): string {
  return `endpoints/${encodeURIComponent(name)}${suffix}`;
}

/** `GET studio/api/endpoints`: the endpoints the caller may see. */
export async function listEndpoints(
  serverSettings: ServerConnection.ISettings
): Promise<IEndpoint[]> {
  const response = await requestAPI<IListResponse<IEndpoint>>(
    'endpoints',
    { method: 'GET' },
    serverSettings
  );
  return response?.items ?? [];
}

/** `GET studio/api/endpoints/{name}`. */
export function getEndpoint(
  name: string,
  serverSettings: ServerConnection.ISettings
): Promise<IEndpoint> {
  return requestAPI<IEndpoint>(
    endpointPath(name),
    { method: 'GET' },
    serverSettings
  );
}

/**
 * `POST studio/api/endpoints`: deploy a model version (`Creating`, then
 * `InService` or `Failed`).
 *
 * @throws {StudioAPIError} 409 `endpoint_exists`, 400 for a bad name.
 */
export function createEndpoint(
  body: ICreateEndpoint,
  serverSettings: ServerConnection.ISettings
): Promise<IEndpoint> {
  return requestAPI<IEndpoint>(
    'endpoints',
    { method: 'POST', body: JSON.stringify(body) },
    serverSettings
  );
}

/** `PATCH studio/api/endpoints/{name}` (`Updating`, then `InService`). */
export function updateEndpoint(
  name: string,
  body: IUpdateEndpoint,
  serverSettings: ServerConnection.ISettings
): Promise<IEndpoint> {
  return requestAPI<IEndpoint>(
    endpointPath(name),
    { method: 'PATCH', body: JSON.stringify(body) },
    serverSettings
  );
}

/** `DELETE studio/api/endpoints/{name}`: stops its model server. */
export async function deleteEndpoint(
  name: string,
  serverSettings: ServerConnection.ISettings
): Promise<void> {
  await requestAPI<void>(
    endpointPath(name),
    { method: 'DELETE' },
    serverSettings
  );
}

/** `GET studio/api/endpoints/{name}/stats`. */
export function getEndpointStats(
  name: string,
  serverSettings: ServerConnection.ISettings
): Promise<IEndpointStats> {
  return requestAPI<IEndpointStats>(
    endpointPath(name, '/stats'),
    { method: 'GET' },
    serverSettings
  );
}

/** Content types the invocations route accepts. */
export type InvocationContentType = 'text/csv' | 'application/json';

/** One request to an endpoint's model. */
export interface IInvocationRequest {
  /** The raw body, sent as is. */
  body: string;
  contentType: InvocationContentType;
  /** The format of the answer. */
  accept: InvocationContentType;
}

/** What an endpoint answered, successful or not. */
export interface IInvocationResult {
  ok: boolean;
  status: number;
  statusText: string;
  /** The answer's `Content-Type` (without parameters). */
  contentType: string;
  /** The answer's body as text. */
  body: string;
  /** Milliseconds from sending the request to reading the whole answer. */
  latencyMs: number;
  /** For an error: the server's `message` (else the status line). */
  message: string | null;
  /** For a 400: the column the server named, when it did. */
  column: string | null;
  /**
   * Columns of the body the model does not take, which the model server
   * dropped (its `X-Dropped-Columns` header): an id, the target.
   */
  droppedColumns: string[];
}

/** The names in an `X-Dropped-Columns` header (a JSON list); [] if none. */
export function droppedColumns(header: string | null): string[] {
  if (!header) {
    return [];
  }
  try {
    const parsed = JSON.parse(header) as unknown;
    return Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    return [];
  }
}

/** The `message` and `column` of an error body (Studio's or the model server's). */
export function invocationError(
  status: number,
  statusText: string,
  body: string
): { message: string; column: string | null } {
  try {
    const parsed = JSON.parse(body) as unknown;
    if (parsed && typeof parsed === 'object') {
      const record = parsed as Record<string, unknown>;
      const message =
        typeof record.message === 'string' && record.message
          ? record.message
          : null;
      const column = typeof record.column === 'string' ? record.column : null;
      if (message) {
        return { message, column };
      }
    }
  } catch {
    // Not JSON: the text itself, or the status line.
  }
  const text = body.trim();
  return {
    message:
      text && text.length <= 2000
        ? text
        : `${status} ${statusText || 'Error'}`.trim(),
    column: null
  };
}

/**
 * `POST studio/endpoints/{name}/invocations` with Jupyter's auth: the raw
 * body in its content type, answered in the `Accept` format. Never throws
 * for an HTTP error: the result carries it as the server returned it.
 *
 * @throws {ServerConnection.NetworkError} when the server cannot be reached.
 */
export async function invokeEndpoint(
  name: string,
  request: IInvocationRequest,
  serverSettings: ServerConnection.ISettings
): Promise<IInvocationResult> {
  const url = URLExt.join(
    serverSettings.baseUrl,
    'studio/endpoints',
    encodeURIComponent(name),
    'invocations'
  );
  const init: RequestInit = {
    method: 'POST',
    body: request.body,
    headers: { 'Content-Type': request.contentType, Accept: request.accept }
  };
  const started = performance.now();
  let response: Response;
  let text: string;
  try {
    response = await ServerConnection.makeRequest(url, init, serverSettings);
    text = await response.text();
  } catch (error) {
    throw new ServerConnection.NetworkError(error as TypeError);
  }
  const latencyMs = performance.now() - started;
  const contentType = (response.headers.get('Content-Type') ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
  const error = response.ok
    ? null
    : invocationError(response.status, response.statusText, text);
  return {
    ok: response.ok,
    status: response.status,
    statusText: response.statusText,
    contentType,
    body: text,
    latencyMs,
    message: error?.message ?? null,
    column: error?.column ?? null,
    droppedColumns: droppedColumns(response.headers.get('X-Dropped-Columns'))
  };
}
