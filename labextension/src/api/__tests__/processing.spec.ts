import { ServerConnection } from '@jupyterlab/services';

import {
  asJobError,
  createProcessorJob,
  locateMessage,
  toJobErrorLoc,
  toProcessingRequest
} from '../processing';
import { StudioAPIError } from '../request';

interface ICall {
  url: string;
  method: string;
  body: string;
}

/** Server settings whose fetch records the request and answers `status`/`body`. */
function mockServerSettings(
  status: number,
  body: unknown,
  calls: ICall[] = []
): ServerConnection.ISettings {
  const fetchMock = async (input: RequestInfo) => {
    const request = input as Request;
    calls.push({
      url: request.url.replace(/[?&]\d+$/, ''),
      method: request.method,
      body: await request.clone().text()
    });
    return new Response(JSON.stringify(body), {
      status,
      headers: { 'Content-Type': 'application/json' }
    });
  };
  return ServerConnection.makeSettings({
    baseUrl: 'http://localhost:8888/',
    wsUrl: 'ws://localhost:8888/',
    token: 'tok',
    fetch: fetchMock as any,
    Request: Request,
    Headers: Headers
  });
}

const JOB_BODY = {
  kind: 'processor',
  name: 'prep',
  space_id: null,
  max_runtime_seconds: 600,
  parameters: {
    processor: 'script',
    code: 'prep.py',
    inputs: [{ source: 'data/x.csv', input_name: 'data' }],
    outputs: [{ output_name: 'result', destination: 'prepared' }]
  }
};

describe('toProcessingRequest', () => {
  it('maps the job fields to their SageMaker names', () => {
    expect(toProcessingRequest(JOB_BODY)).toEqual({
      ...JOB_BODY.parameters,
      base_job_name: 'prep',
      max_runtime_in_seconds: 600,
      space_id: null
    });
  });

  it('leaves out an empty name and max runtime', () => {
    const request = toProcessingRequest({
      kind: 'processor',
      space_id: 's1',
      parameters: { code: 'a.py' }
    });
    expect(request).toEqual({ code: 'a.py', space_id: 's1' });
  });
});

describe('toJobErrorLoc', () => {
  it('puts processor fields under parameters', () => {
    expect(toJobErrorLoc(['body', 'inputs', 0, 'source'])).toEqual([
      'parameters',
      'inputs',
      0,
      'source'
    ]);
    expect(toJobErrorLoc(['code'])).toEqual(['parameters', 'code']);
  });

  it('renames the job-level fields', () => {
    expect(toJobErrorLoc(['body', 'base_job_name'])).toEqual(['name']);
    expect(toJobErrorLoc(['max_runtime_in_seconds'])).toEqual([
      'max_runtime_seconds'
    ]);
    expect(toJobErrorLoc(['space_id'])).toEqual(['space_id']);
    expect(toJobErrorLoc(['parameters', 'env'])).toEqual(['parameters', 'env']);
  });
});

describe('locateMessage', () => {
  const request = toProcessingRequest(JOB_BODY);

  it('finds the input a message names', () => {
    expect(
      locateMessage("The input 'data/x.csv' does not exist.", request)
    ).toEqual(['parameters', 'inputs', 0, 'source']);
  });

  it('finds the code and an output destination', () => {
    expect(
      locateMessage("The code 'prep.py' does not exist.", request)
    ).toEqual(['parameters', 'code']);
    expect(
      locateMessage(
        "The output destination 'prepared' is not a folder.",
        request
      )
    ).toEqual(['parameters', 'outputs', 0, 'destination']);
  });

  it('is null when no path is named', () => {
    expect(locateMessage('Something else went wrong.', request)).toBeNull();
  });
});

describe('createProcessorJob', () => {
  it('posts the processing request', async () => {
    const calls: ICall[] = [];
    const job = await createProcessorJob(
      JOB_BODY,
      mockServerSettings(201, { job_id: 'j1', name: 'prep' }, calls)
    );
    expect(job.job_id).toBe('j1');
    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe(
      'http://localhost:8888/studio/api/processing/jobs'
    );
    expect(calls[0].method).toBe('POST');
    expect(JSON.parse(calls[0].body)).toEqual(toProcessingRequest(JOB_BODY));
  });

  it("locates a 404's message at the input it names", async () => {
    const message = "The input 'data/x.csv' does not exist.";
    const error = await createProcessorJob(
      JOB_BODY,
      mockServerSettings(404, { message, code: 'path_not_found' })
    ).catch(e => e);
    expect(error).toBeInstanceOf(StudioAPIError);
    expect(error.status).toBe(404);
    expect(error.message).toBe(message);
    expect(error.detail).toEqual([
      { loc: ['parameters', 'inputs', 0, 'source'], msg: message }
    ]);
  });

  it('renames the locations of field details', async () => {
    const error = await createProcessorJob(
      JOB_BODY,
      mockServerSettings(400, {
        message: 'Invalid request body',
        detail: [
          { loc: ['inputs', 0, 'destination'], msg: 'must be a folder' },
          { loc: ['base_job_name'], msg: 'letters only' }
        ]
      })
    ).catch(e => e);
    expect(error.detail).toEqual([
      {
        loc: ['parameters', 'inputs', 0, 'destination'],
        msg: 'must be a folder'
      },
      { loc: ['name'], msg: 'letters only' }
    ]);
  });

  it('locates an error by its code when no path is named', async () => {
    const error = await createProcessorJob(
      JOB_BODY,
      mockServerSettings(400, {
        message: 'scikit-learn 0.1 is not available',
        code: 'framework_version_unavailable'
      })
    ).catch(e => e);
    expect(error.detail).toEqual([
      {
        loc: ['parameters', 'framework_version'],
        msg: 'scikit-learn 0.1 is not available'
      }
    ]);
  });
});

describe('asJobError', () => {
  it('passes other errors through', () => {
    const error = new Error('network');
    expect(asJobError(error, toProcessingRequest(JOB_BODY))).toBe(error);
  });
});
