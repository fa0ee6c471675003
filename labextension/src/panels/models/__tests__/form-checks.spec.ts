import {
  deployProblems,
  IDeployValues,
  registerBody,
  registerProblems
} from '../form-checks';
import { sourceLabel } from '../source';

const deploy: IDeployValues = {
  endpoint_name: 'churn-v1',
  model_version: 1,
  instance_count: '1',
  capture_percent: '0'
};

describe('deployProblems', () => {
  it('accepts good values', () => {
    expect(deployProblems(deploy)).toEqual({});
    expect(
      deployProblems({
        ...deploy,
        instance_count: '8',
        capture_percent: '12.5'
      })
    ).toEqual({});
  });

  it('checks the name, the instance count and the capture percent', () => {
    const problems = deployProblems({
      ...deploy,
      endpoint_name: 'churn v1',
      instance_count: '0',
      capture_percent: '101'
    });
    expect(Object.keys(problems).sort()).toEqual([
      'capture_percent',
      'endpoint_name',
      'instance_count'
    ]);
    expect(deployProblems({ ...deploy, instance_count: '1.5' })).toHaveProperty(
      'instance_count'
    );
    expect(deployProblems({ ...deploy, instance_count: '9' })).toHaveProperty(
      'instance_count'
    );
    expect(deployProblems({ ...deploy, capture_percent: '' })).toHaveProperty(
      'capture_percent'
    );
  });
});

describe('register form', () => {
  const values = {
    path: 'jobs/train/output/model/',
    name: 'churn',
    training_data_path: '  ',
    space_id: ''
  };

  it('needs a path and a valid name', () => {
    expect(registerProblems(values)).toEqual({});
    expect(
      Object.keys(registerProblems({ ...values, path: ' ', name: 'a_b' }))
    ).toEqual(['path', 'name']);
  });

  it('sends a clean body', () => {
    expect(registerBody(values)).toEqual({
      path: 'jobs/train/output/model',
      name: 'churn',
      space_id: null
    });
    expect(
      registerBody({ ...values, training_data_path: ' d.csv ', space_id: 's1' })
    ).toEqual({
      path: 'jobs/train/output/model',
      name: 'churn',
      space_id: 's1',
      training_data_path: 'd.csv'
    });
  });
});

describe('sourceLabel', () => {
  it('names the job, the run, or the path', () => {
    expect(
      sourceLabel({ source: 'job:abc', job_id: '0123456789ab', run_id: null })
    ).toBe('job 01234567');
    expect(
      sourceLabel({
        source: 'run:r',
        job_id: 'jjjjjjjjjj',
        run_id: 'rrrrrrrrrr'
      })
    ).toBe('run rrrrrrrr, job jjjjjjjj');
    expect(
      sourceLabel({ source: 'path:data/model', job_id: null, run_id: null })
    ).toBe('data/model');
    expect(sourceLabel({ source: 'python', job_id: null, run_id: null })).toBe(
      'Python'
    );
  });
});
