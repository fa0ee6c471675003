import type { IJob } from '../../../api/jobs';
import { LoadState } from '../../../utils/load-state';
import { evaluationSettled, IEvaluationRun } from '../model';

function run(
  status: IJob['status'],
  result: IEvaluationRun['result']
): IEvaluationRun {
  return {
    job: { job_id: 'j1', status } as IJob,
    request: {} as IEvaluationRun['request'],
    result
  };
}

const partial = LoadState.ready({ rows: [], chart: {}, complete: false });
const whole = LoadState.ready({ rows: [], chart: {}, complete: true });

describe('evaluationSettled', () => {
  it('keeps following a running job, partial results included', () => {
    expect(evaluationSettled(run('InProgress', null))).toBe(false);
    expect(evaluationSettled(run('InProgress', partial))).toBe(false);
  });

  it('keeps following a completed job until its results are complete', () => {
    expect(evaluationSettled(run('Completed', null))).toBe(false);
    expect(evaluationSettled(run('Completed', partial))).toBe(false);
    expect(evaluationSettled(run('Completed', whole))).toBe(true);
  });

  it('stops following a failed or stopped job, or unreadable results', () => {
    expect(evaluationSettled(run('Failed', null))).toBe(true);
    expect(evaluationSettled(run('Stopped', partial))).toBe(true);
    expect(
      evaluationSettled(run('Completed', LoadState.failed(new Error('gone'))))
    ).toBe(true);
  });
});
