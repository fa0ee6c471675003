/*
 * The one HTTP helper every Studio client goes through.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

/**
 * The URL namespace of the Studio REST API, relative to the server's base URL.
 */
export const API_NAMESPACE = 'studio/api';

/**
 * One field error in the `detail` list of an error response.
 */
export interface IErrorDetail {
  /** Location of the offending field, e.g. `["parameters", "script"]`. */
  loc?: Array<string | number>;
  /** Human readable explanation. */
  msg: string;
  /** Error type, when the server sends one. */
  type?: string;
}

/**
 * The JSON body of every Studio error response.
 */
export interface IErrorBody {
  message?: string;
  reason?: string | null;
  code?: string | null;
  detail?: IErrorDetail[] | null;
  traceback?: string;
}

/**
 * An error returned by the Studio REST API.
 *
 * `message` is the server's user-facing `message`; `code` is the stable
 * machine string (e.g. `job_not_found`) and `detail` the list of field errors.
 */
export class StudioAPIError extends ServerConnection.ResponseError {
  constructor(
    response: Response,
    message: string,
    code: string | null = null,
    detail: IErrorDetail[] | null = null,
    reason: string | null = null,
    traceback = ''
  ) {
    super(response, message, traceback);
    this.name = 'StudioAPIError';
    this.code = code;
    this.detail = detail;
    this.reason = reason;
  }

  /** HTTP status of the response. */
  get status(): number {
    return this.response.status;
  }

  /** Stable machine-readable error code, when the server sent one. */
  readonly code: string | null;
  /** Field errors, when the server sent them. */
  readonly detail: IErrorDetail[] | null;
  /** HTTP reason phrase sent by the server. */
  readonly reason: string | null;

  /**
   * Build an error from a failed response, reading the server's error JSON.
   */
  static async fromResponse(response: Response): Promise<StudioAPIError> {
    let body: IErrorBody = {};
    let text = '';
    try {
      text = await response.text();
      const parsed = text ? JSON.parse(text) : {};
      if (parsed && typeof parsed === 'object') {
        body = parsed as IErrorBody;
      }
    } catch {
      // Not JSON (e.g. a proxy's HTML error page): fall back to the status.
    }
    const message =
      (typeof body.message === 'string' && body.message) ||
      body.reason ||
      `${response.status} ${response.statusText || 'Error'}`.trim();
    return new StudioAPIError(
      response,
      message,
      body.code ?? null,
      Array.isArray(body.detail) ? body.detail : null,
      body.reason ?? null,
      body.traceback ?? ''
    );
  }
}

/**
 * Make a request to the Studio REST API.
 *
 * @param path - path under `studio/api/`, optionally with a query string
 *   (e.g. `jobs?status=InProgress`).
 * @param init - fetch options; a JSON string body gets a JSON content type.
 * @param serverSettings - the application's server settings
 *   (`app.serviceManager.serverSettings`).
 * @returns the parsed JSON body, or `undefined` for an empty response (204).
 * @throws {StudioAPIError} on a non-2xx response.
 * @throws {ServerConnection.NetworkError} when the server cannot be reached.
 */
export async function requestAPI<T>(
  path: string,
  init: RequestInit,
  serverSettings: ServerConnection.ISettings
): Promise<T> {
  const url = makeURL(serverSettings.baseUrl, path);
  const options: RequestInit = { ...init };
  if (typeof options.body === 'string') {
    const headers = new Headers(options.headers ?? {});
    if (!headers.has('Content-Type')) {
      headers.set('Content-Type', 'application/json');
    }
    options.headers = headers;
  }

  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, options, serverSettings);
  } catch (error) {
    throw new ServerConnection.NetworkError(error as TypeError);
  }

  if (!response.ok) {
    throw await StudioAPIError.fromResponse(response);
  }
  if (response.status === 204) {
    return undefined as T;
  }
  const text = await response.text();
  if (!text) {
    return undefined as T;
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new StudioAPIError(
      response,
      `The Studio server sent an invalid JSON response for ${path}.`,
      'invalid_response'
    );
  }
}

/**
 * Join the base URL, the Studio namespace and a relative path (with query).
 */
export function makeURL(baseUrl: string, path: string): string {
  const index = path.indexOf('?');
  const route = index === -1 ? path : path.slice(0, index);
  const query = index === -1 ? '' : path.slice(index);
  return URLExt.join(baseUrl, API_NAMESPACE, route) + query;
}

/**
 * Build a query string from the defined, non-empty values of `params`.
 *
 * @returns `''` or a string starting with `?`.
 */
export function toQuery(
  params: Record<string, string | number | boolean | null | undefined>
): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') {
      continue;
    }
    search.append(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/**
 * A user-facing message for any error thrown by the clients.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof StudioAPIError) {
    return error.message;
  }
  if (error instanceof ServerConnection.NetworkError) {
    return 'Cannot reach the Jupyter server. Check that it is still running.';
  }
  if (error instanceof Error) {
    return error.message;
  }
  return String(error);
}

/**
 * A paginated list, as returned by every list endpoint.
 */
export interface IListResponse<T> {
  items: T[];
  next_token: string | null;
  total_count: number;
}
