import {
  appendLog,
  clampProgress,
  displayProgress,
  formatBytes,
  formatDuration,
  formatPercent,
  isTicking,
  liveElapsedSeconds,
  progressLine,
  statusLabel
} from '../format';

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [0.9, '0s'],
    [45, '45s'],
    [65, '1m 05s'],
    [600, '10m 00s'],
    [3723, '1h 02m 03s'],
    [2 * 86400 + 3 * 3600 + 59, '2d 03h']
  ])('formats %p seconds as %p', (seconds, expected) => {
    expect(formatDuration(seconds)).toBe(expected);
  });

  it('shows a dash for missing values', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(undefined)).toBe('—');
    expect(formatDuration(NaN)).toBe('—');
  });

  it('never goes negative', () => {
    expect(formatDuration(-5)).toBe('0s');
  });
});

describe('liveElapsedSeconds', () => {
  const running = {
    status: 'InProgress' as const,
    elapsed_seconds: 10,
    started_at: '2024-01-01T00:00:00Z',
    ended_at: null
  };

  it('adds the client time since the job was received while running', () => {
    expect(liveElapsedSeconds(running, 1_000, 4_500)).toBeCloseTo(13.5);
  });

  it('ignores a clock that went backwards', () => {
    expect(liveElapsedSeconds(running, 5_000, 4_000)).toBe(10);
  });

  it('keeps the server value for finished jobs', () => {
    const done = {
      ...running,
      status: 'Completed' as const,
      ended_at: '2024-01-01T00:00:10Z'
    };
    expect(liveElapsedSeconds(done, 1_000, 100_000)).toBe(10);
    expect(isTicking(done)).toBe(false);
  });

  it('does not tick for pending jobs', () => {
    const pending = {
      ...running,
      status: 'Pending' as const,
      started_at: null
    };
    expect(liveElapsedSeconds(pending, 0, 60_000)).toBe(10);
    expect(isTicking(pending)).toBe(false);
    expect(isTicking(running)).toBe(true);
  });
});

describe('progress', () => {
  it('clamps and formats', () => {
    expect(clampProgress(1.5)).toBe(1);
    expect(clampProgress(-1)).toBe(0);
    expect(clampProgress(null)).toBe(0);
    expect(formatPercent(0.456)).toBe('46%');
    expect(formatPercent(undefined)).toBe('0%');
  });
});

describe('statusLabel', () => {
  it('spells InProgress for humans', () => {
    expect(statusLabel('InProgress')).toBe('In progress');
    expect(statusLabel('Failed')).toBe('Failed');
  });
});

describe('formatBytes', () => {
  it('formats sizes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MB');
    expect(formatBytes(-1)).toBe('—');
  });
});

describe('appendLog', () => {
  it('appends within the limit', () => {
    expect(appendLog('a\n', 'b\n', 100)).toEqual({
      text: 'a\nb\n',
      truncated: false
    });
  });

  it('drops the oldest lines beyond the limit', () => {
    const result = appendLog('line1\nline2\n', 'line3\n', 10);
    expect(result.truncated).toBe(true);
    expect(result.text).toBe('line3\n');
    expect(result.text.length).toBeLessThanOrEqual(10);
  });
});

describe('progressLine / displayProgress', () => {
  const base = {
    progress: 0,
    progress_message: 'Queued',
    status_message: null as string | null
  };

  it('shows the progress message while running', () => {
    expect(
      progressLine({
        ...base,
        status: 'InProgress',
        progress_message: 'epoch 2'
      })
    ).toEqual({ text: 'epoch 2', error: false });
  });

  it('shows the reason of a failure instead of a stale message', () => {
    expect(
      progressLine({
        ...base,
        status: 'Failed',
        status_message: 'The script exited with code 1'
      })
    ).toEqual({ text: 'The script exited with code 1', error: true });
  });

  it('draws completed jobs full', () => {
    expect(displayProgress({ status: 'Completed', progress: 0.2 })).toBe(1);
    expect(displayProgress({ status: 'InProgress', progress: 0.2 })).toBe(0.2);
  });
});
