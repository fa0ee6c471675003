import { ServerConnection } from '@jupyterlab/services';
import { Signal } from '@lumino/signaling';

import type { IJob } from '../../api/jobs';
import { JobsModel } from '../../panels/jobs/model';
import type { IStudioConnection } from '../../tokens';
import { LoadState } from '../../utils/load-state';
import { StudioModel } from '../studio-model';
import { waitFor } from '../../__tests__/wait';

function job(id: string, status: IJob['status'] = 'InProgress'): IJob {
  return {
    job_id: id,
    name: id,
    kind: 'processing',
    owner: 'ada',
    space_id: null,
    parameters: {},
    status,
    status_message: null,
    progress: 0,
    progress_message: '',
    created_at: '2024-01-01T00:00:00Z',
    started_at: null,
    ended_at: null,
    elapsed_seconds: 0,
    max_runtime_seconds: null,
    exit_code: null,
    log_path: null,
    output_path: null
  };
}

const SPACE = {
  space_id: 's1',
  name: 'Churn',
  kind: 'private',
  owner: 'ada',
  members: ['ada'],
  path: 'studio/spaces/churn',
  created_at: '2024-01-01T00:00:00Z',
  updated_at: '2024-01-01T00:00:00Z'
};

const KIND = {
  name: 'processing',
  title: 'Processing script',
  description: 'Runs a script.',
  parameters_schema: {}
};

/** A fake Studio server: records every request, answers from `routes`. */
class FakeServer {
  requests: string[] = [];
  fail = new Set<string>();
  jobs: IJob[] = [job('j1'), job('j2', 'Completed')];

  serverSettings(): ServerConnection.ISettings {
    const fetchMock = async (input: RequestInfo) => {
      const request = input as Request;
      const url = new URL(request.url.replace(/[?&]\d+$/, ''));
      const route = url.pathname.replace('/studio/api/', '');
      this.requests.push(`${request.method} ${route}${url.search}`);
      if (this.fail.has(route)) {
        return new Response(JSON.stringify({ message: `${route} failed` }), {
          status: 500
        });
      }
      let body: unknown = {};
      if (route === 'jobs') {
        const status = url.searchParams.get('status');
        const items = this.jobs.filter(j => !status || j.status === status);
        body = { items, next_token: null, total_count: items.length };
      } else if (route === 'spaces') {
        body = { items: [SPACE], next_token: null, total_count: 1 };
      } else if (route === 'job_kinds') {
        body = { items: [KIND], total_count: 1 };
      } else if (route.endsWith('/stop')) {
        body = job(route.split('/')[1], 'Stopping');
      }
      return new Response(JSON.stringify(body), { status: 200 });
    };
    return ServerConnection.makeSettings({
      baseUrl: 'http://localhost:8888/',
      fetch: fetchMock as any,
      Request,
      Headers
    });
  }

  count(prefix: string): number {
    return this.requests.filter(r => r.startsWith(prefix)).length;
  }
}

function connection(server: FakeServer, active: string | null = null) {
  const changed = new Signal<IStudioConnection, string | null>({} as any);
  const value: IStudioConnection = {
    available: true,
    info: {
      version: '0.1.0',
      user: {
        username: 'ada',
        display_name: 'Ada',
        is_admin: false,
        home_path: null
      },
      domain: {
        domain_id: 'd',
        name: 'default',
        domain_root: '/srv',
        store: 'sqlite'
      },
      contents_root: '/srv',
      job_kinds: ['processing', 'greet']
    },
    serverSettings: server.serverSettings(),
    activeSpaceId: active,
    setActiveSpace: () => undefined,
    activeSpaceChanged: changed
  };
  return value;
}

describe('StudioModel', () => {
  let model: StudioModel | null = null;
  afterEach(() => {
    model?.dispose();
    model = null;
  });

  it('loads jobs, spaces and kinds once for every panel', async () => {
    const server = new FakeServer();
    model = new StudioModel({ connection: connection(server) });
    expect(model.jobs.state.status).toBe('loading');
    await model.refresh();
    // spaces and kinds load beside the jobs: wait for them, not a fixed time
    const studio = model;
    await waitFor(
      () => studio.kinds.status === 'ready' && studio.spaceById('s1') !== null,
      'the spaces and the job kinds'
    );
    expect(server.count('GET jobs')).toBe(1);
    expect(server.count('GET spaces')).toBe(1);
    expect(server.count('GET job_kinds')).toBe(1);
    expect(
      LoadState.valueOf(model.jobs.state)?.items.map(j => j.job_id)
    ).toEqual(['j1', 'j2']);
    expect(model.spaceById('s1')?.name).toBe('Churn');
    expect(model.kindByName('processing')?.title).toBe('Processing script');

    // two visible panels share the poll: still one request per tick
    server.requests = [];
    const home = {};
    const jobs = {};
    let ticks = 0;
    model.refreshed.connect(() => ticks++);
    model.setVisible(home, true);
    model.setVisible(jobs, true);
    await waitFor(() => ticks > 0, 'the first tick');
    expect(server.count('GET jobs')).toBe(1);
  });

  it('polls at the shortest interval and lists the most jobs any client asks for', async () => {
    const server = new FakeServer();
    model = new StudioModel({ connection: connection(server) });
    model.configure('home', { interval: 2000, limit: 8 });
    model.configure('jobs', { interval: 1500, limit: 100 });
    expect(model.limit).toBe(100);
    await model.refresh();
    expect(server.requests).toContain('GET jobs?limit=100');
  });

  it('refreshes a filtered list while it is watched', async () => {
    const server = new FakeServer();
    model = new StudioModel({ connection: connection(server) });
    const filter = { status: 'Completed' as const, kind: '', spaceId: '' };
    const list = model.watchJobs(filter);
    expect(model.watchJobs({ status: '', kind: '', spaceId: '' })).toBe(
      model.jobs
    );
    // watched twice: one list
    expect(model.watchJobs({ ...filter })).toBe(list);
    await waitFor(() => list.state.status !== 'loading', 'the filtered list');
    expect(LoadState.valueOf(list.state)?.items.map(j => j.job_id)).toEqual([
      'j2'
    ]);
    server.requests = [];
    await model.refresh();
    expect(server.requests).toContain('GET jobs?status=Completed&limit=100');
    // still watched once
    model.unwatchJobs(list);
    server.requests = [];
    await model.refresh();
    expect(server.count('GET jobs?status=Completed')).toBe(1);
    model.unwatchJobs(list);
    server.requests = [];
    await model.refresh();
    expect(server.count('GET jobs?status=Completed')).toBe(0);
  });

  it('keeps the last jobs after a failed refresh', async () => {
    const server = new FakeServer();
    model = new StudioModel({ connection: connection(server) });
    await model.refresh();
    server.fail.add('jobs');
    await expect(model.refresh()).rejects.toThrow('jobs failed');
    const state = model.jobs.state;
    expect(state.status).toBe('error');
    expect(LoadState.errorOf(state)).toBe('jobs failed');
    expect(LoadState.valueOf(state)?.items).toHaveLength(2);
  });

  it('shows a stopped job at once in every list', async () => {
    const server = new FakeServer();
    model = new StudioModel({ connection: connection(server) });
    await model.refresh();
    await model.stopJob('j1');
    expect(server.requests).toContain('POST jobs/j1/stop');
    const first = LoadState.valueOf(model.jobs.state)?.items[0];
    expect(first?.status).toBe('Stopping');
  });

  it('trusts the active space until the spaces are loaded', async () => {
    const server = new FakeServer();
    model = new StudioModel({ connection: connection(server, 'gone') });
    expect(model.activeSpaceId).toBe('gone');
    await model.refreshSpaces();
    expect(model.activeSpaceId).toBeNull();
    expect(model.activeSpace).toBeNull();
  });
});

describe('JobsModel', () => {
  it('reads its jobs from the shared model and watches its filter', async () => {
    const server = new FakeServer();
    const studio = new StudioModel({ connection: connection(server) });
    const jobs = new JobsModel({ studio });
    // the handshake's kind names until the kinds are loaded
    expect(jobs.jobKinds.map(k => k.name)).toEqual(['processing', 'greet']);
    await studio.refresh();
    await waitFor(() => studio.kinds.status === 'ready', 'the job kinds');
    expect(jobs.jobKinds).toEqual([KIND]);
    expect(jobs.jobs).toBe(studio.jobs.state);

    jobs.setFilter({ status: 'Completed' });
    await waitFor(
      () => jobs.jobs.status !== 'loading' && jobs.jobs !== studio.jobs.state,
      'the Completed list'
    );
    expect(jobs.filter.status).toBe('Completed');
    expect(LoadState.valueOf(jobs.jobs)?.items.map(j => j.job_id)).toEqual([
      'j2'
    ]);
    jobs.setFilter({ status: '' });
    expect(jobs.jobs).toBe(studio.jobs.state);
    server.requests = [];
    await studio.refresh();
    expect(server.count('GET jobs?status=')).toBe(0);

    jobs.dispose();
    expect(studio.isDisposed).toBe(false);
    studio.dispose();
  });
});
