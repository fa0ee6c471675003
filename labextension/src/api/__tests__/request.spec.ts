import { ServerConnection } from '@jupyterlab/services';

import { createJob, getJobLogs, listJobs, stopJob } from '../jobs';
import { createProfile, listProfiles, updateProfile } from '../profiles';
import { makeURL, requestAPI, StudioAPIError, toQuery } from '../request';
import { deleteSpace } from '../spaces';

interface ICall {
  url: string;
  method: string;
  body: string | null;
  contentType: string | null;
}

/**
 * Server settings whose fetch records the request and answers with
 * `status`/`body`.
 */
function mockServerSettings(
  status: number,
  body: unknown,
  calls: ICall[] = []
): ServerConnection.ISettings {
  const fetchMock = async (input: RequestInfo, init?: RequestInit) => {
    const request = input as Request;
    calls.push({
      // Drop the cache buster JupyterLab appends to every request.
      url: request.url.replace(/[?&]\d+$/, ''),
      method: request.method,
      body: request.method === 'GET' ? null : await request.clone().text(),
      contentType: request.headers.get('Content-Type')
    });
    const text =
      body === undefined
        ? null
        : typeof body === 'string'
          ? body
          : JSON.stringify(body);
    return new Response(status === 204 ? null : text, {
      status,
      statusText: status >= 400 ? 'Error' : 'OK',
      headers: { 'Content-Type': 'application/json' }
    });
  };
  return ServerConnection.makeSettings({
    baseUrl: 'http://localhost:8888/lab-base/',
    wsUrl: 'ws://localhost:8888/lab-base/',
    token: 'tok',
    fetch: fetchMock as any,
    Request: Request,
    Headers: Headers
  });
}

describe('makeURL / toQuery', () => {
  it('joins base URL, namespace and path, keeping the query', () => {
    expect(makeURL('http://h/base/', 'jobs?status=Failed')).toBe(
      'http://h/base/studio/api/jobs?status=Failed'
    );
    expect(makeURL('http://h/', 'info')).toBe('http://h/studio/api/info');
  });

  it('drops empty values', () => {
    expect(toQuery({ a: 1, b: '', c: null, d: undefined, e: 'x y' })).toBe(
      '?a=1&e=x+y'
    );
    expect(toQuery({})).toBe('');
  });
});

describe('requestAPI', () => {
  it('parses JSON responses', async () => {
    const calls: ICall[] = [];
    const serverSettings = mockServerSettings(200, { version: '0.1.0' }, calls);
    const info = await requestAPI<{ version: string }>(
      'info',
      {},
      serverSettings
    );
    expect(info.version).toBe('0.1.0');
    expect(calls[0].url).toBe('http://localhost:8888/lab-base/studio/api/info');
  });

  it('returns undefined for 204', async () => {
    const calls: ICall[] = [];
    const serverSettings = mockServerSettings(204, undefined, calls);
    await expect(deleteSpace('s1', serverSettings)).resolves.toBeUndefined();
    expect(calls[0].method).toBe('DELETE');
    expect(calls[0].url).toBe(
      'http://localhost:8888/lab-base/studio/api/spaces/s1'
    );
  });

  it('throws StudioAPIError with message, code and detail', async () => {
    const serverSettings = mockServerSettings(400, {
      message: "Script 'x.py' does not exist",
      reason: 'Bad Request',
      code: 'script_not_found',
      detail: [{ loc: ['parameters', 'script'], msg: 'not found' }]
    });
    const error = await createJob(
      { kind: 'processing', parameters: { script: 'x.py' } },
      serverSettings
    ).catch(e => e);
    expect(error).toBeInstanceOf(StudioAPIError);
    expect(error).toBeInstanceOf(ServerConnection.ResponseError);
    expect(error.message).toBe("Script 'x.py' does not exist");
    expect(error.code).toBe('script_not_found');
    expect(error.status).toBe(400);
    expect(error.detail).toEqual([
      { loc: ['parameters', 'script'], msg: 'not found' }
    ]);
  });

  it('falls back to the status for non-JSON errors', async () => {
    const serverSettings = mockServerSettings(404, '<html>Not Found</html>');
    const error = (await requestAPI('info', {}, serverSettings).catch(
      e => e
    )) as StudioAPIError;
    expect(error).toBeInstanceOf(StudioAPIError);
    expect(error.status).toBe(404);
    expect(error.code).toBeNull();
    expect(error.message).toContain('404');
  });
});

describe('jobs client', () => {
  it('sends filters as query parameters', async () => {
    const calls: ICall[] = [];
    const serverSettings = mockServerSettings(
      200,
      { items: [], next_token: null, total_count: 0 },
      calls
    );
    await listJobs(
      { status: 'InProgress', kind: '', limit: 50 },
      serverSettings
    );
    expect(calls[0].url).toBe(
      'http://localhost:8888/lab-base/studio/api/jobs?status=InProgress&limit=50'
    );
  });

  it('posts JSON bodies', async () => {
    const calls: ICall[] = [];
    const serverSettings = mockServerSettings(201, { job_id: 'j1' }, calls);
    await createJob(
      {
        kind: 'processing',
        parameters: { script: 'a.py', arguments: ['--n', '3'] }
      },
      serverSettings
    );
    expect(calls[0].method).toBe('POST');
    expect(calls[0].contentType).toBe('application/json');
    expect(JSON.parse(calls[0].body!)).toEqual({
      kind: 'processing',
      parameters: { script: 'a.py', arguments: ['--n', '3'] }
    });
  });

  it('uses the stop and logs sub-resources', async () => {
    const calls: ICall[] = [];
    const serverSettings = mockServerSettings(202, { job_id: 'j 1' }, calls);
    await stopJob('j 1', serverSettings);
    await getJobLogs('j1', 120, serverSettings);
    expect(calls[0].url).toBe(
      'http://localhost:8888/lab-base/studio/api/jobs/j%201/stop'
    );
    expect(calls[0].method).toBe('POST');
    expect(calls[1].url).toBe(
      'http://localhost:8888/lab-base/studio/api/jobs/j1/logs?offset=120'
    );
  });
});

describe('profiles client', () => {
  const base = 'http://localhost:8888/lab-base/studio/api/profiles';

  it('lists profiles', async () => {
    const calls: ICall[] = [];
    const serverSettings = mockServerSettings(
      200,
      { items: [], total_count: 0 },
      calls
    );
    await expect(listProfiles(serverSettings)).resolves.toEqual({
      items: [],
      total_count: 0
    });
    expect(calls[0]).toMatchObject({ url: base, method: 'GET' });
  });

  it('posts a new profile', async () => {
    const calls: ICall[] = [];
    const serverSettings = mockServerSettings(201, { username: 'dana' }, calls);
    await createProfile(
      {
        username: 'dana',
        display_name: 'Dana D',
        settings: { default_max_runtime_seconds: 600 }
      },
      serverSettings
    );
    expect(calls[0]).toMatchObject({ url: base, method: 'POST' });
    expect(JSON.parse(calls[0].body!)).toEqual({
      username: 'dana',
      display_name: 'Dana D',
      settings: { default_max_runtime_seconds: 600 }
    });
  });

  it('patches one profile, escaping the username', async () => {
    const calls: ICall[] = [];
    const serverSettings = mockServerSettings(200, { username: 'a b' }, calls);
    await updateProfile('a b', { is_admin: true }, serverSettings);
    expect(calls[0]).toMatchObject({ url: `${base}/a%20b`, method: 'PATCH' });
    expect(JSON.parse(calls[0].body!)).toEqual({ is_admin: true });
  });

  it('reports a conflict with the server message', async () => {
    const serverSettings = mockServerSettings(409, {
      message: "A profile for 'dana' already exists: update it instead.",
      code: 'profile_exists'
    });
    const error = await createProfile(
      { username: 'dana' },
      serverSettings
    ).catch(e => e);
    expect(error).toBeInstanceOf(StudioAPIError);
    expect(error.status).toBe(409);
    expect(error.code).toBe('profile_exists');
    expect(error.message).toContain('already exists');
  });
});
