import { runStatusLabel, runStatusText } from '../run-status';

describe('run status pill', () => {
  it('shows MLflow statuses for people', () => {
    expect(runStatusLabel('FINISHED')).toBe('Finished');
    expect(runStatusText('FAILED', {})).toEqual({
      label: 'Failed',
      title: 'FAILED'
    });
  });

  it('calls a skipped AutoML candidate skipped, not killed, with its reason', () => {
    const text = runStatusText('KILLED', {
      'automl.status': 'skipped',
      'automl.failure_reason': 'not enough time left for one fold'
    });
    expect(text.label).toBe('Skipped');
    expect(text.title).toBe('skipped: not enough time left for one fold');
    expect(text.reason).toBe('not enough time left for one fold');
  });

  it('keeps Killed for runs that were really killed', () => {
    expect(runStatusText('KILLED', {}).label).toBe('Killed');
    expect(runStatusText('KILLED', { 'automl.status': 'failed' }).label).toBe(
      'Killed'
    );
  });
});
