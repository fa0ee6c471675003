/*
 * Pure formatting helpers shared by the panels (and unit tested).
 */
import type { IJob, JobStatus } from '../api/jobs';

/**
 * Format a duration in seconds as `45s`, `3m 07s`, `1h 02m 03s` or `2d 03h`.
 */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !isFinite(seconds)) {
    return '—';
  }
  const total = Math.max(0, Math.floor(seconds));
  const days = Math.floor(total / 86400);
  const hours = Math.floor((total % 86400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const secs = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (days > 0) {
    return `${days}d ${pad(hours)}h`;
  }
  if (hours > 0) {
    return `${hours}h ${pad(minutes)}m ${pad(secs)}s`;
  }
  if (minutes > 0) {
    return `${minutes}m ${pad(secs)}s`;
  }
  return `${secs}s`;
}

/** Statuses in which the elapsed time is still growing. */
const RUNNING: ReadonlySet<JobStatus> = new Set<JobStatus>([
  'InProgress',
  'Stopping'
]);

/**
 * The elapsed time of a job now, extrapolated from the last server reading.
 *
 * The server's `elapsed_seconds` is exact at the time of the response; for a
 * running job we add the client-side time passed since `receivedAt`, which
 * avoids any skew between the browser's and the server's clocks.
 *
 * @param job - the job as last received.
 * @param receivedAt - `Date.now()` when the job was received.
 * @param now - the current `Date.now()`.
 */
export function liveElapsedSeconds(
  job: Pick<IJob, 'status' | 'elapsed_seconds' | 'started_at' | 'ended_at'>,
  receivedAt: number,
  now: number
): number {
  const base = job.elapsed_seconds ?? 0;
  if (RUNNING.has(job.status) && job.started_at && !job.ended_at) {
    return base + Math.max(0, now - receivedAt) / 1000;
  }
  return base;
}

/** Whether the job's elapsed time is still growing. */
export function isTicking(job: Pick<IJob, 'status' | 'ended_at'>): boolean {
  return RUNNING.has(job.status) && !job.ended_at;
}

/** Human label of a job status (`InProgress` -> `In progress`). */
export function statusLabel(status: string): string {
  switch (status) {
    case 'InProgress':
      return 'In progress';
    default:
      return status;
  }
}

/**
 * Clamp a progress value to [0, 1] and format it as a whole percentage.
 */
export function formatPercent(progress: number | null | undefined): string {
  return `${Math.round(clampProgress(progress) * 100)}%`;
}

/** Clamp a progress value to [0, 1]; invalid values become 0. */
export function clampProgress(progress: number | null | undefined): number {
  if (progress === null || progress === undefined || !isFinite(progress)) {
    return 0;
  }
  return Math.min(1, Math.max(0, progress));
}

/**
 * Format an ISO timestamp for tables: `14:03:21` today, else `Nov 25, 14:03`.
 */
export function formatTimestamp(
  iso: string | null | undefined,
  now: Date = new Date()
): string {
  if (!iso) {
    return '—';
  }
  const date = new Date(iso);
  if (isNaN(date.getTime())) {
    return iso;
  }
  const sameDay =
    date.getFullYear() === now.getFullYear() &&
    date.getMonth() === now.getMonth() &&
    date.getDate() === now.getDate();
  if (sameDay) {
    return date.toLocaleTimeString(undefined, {
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit'
    });
  }
  const sameYear = date.getFullYear() === now.getFullYear();
  return date.toLocaleString(undefined, {
    month: 'short',
    day: 'numeric',
    year: sameYear ? undefined : 'numeric',
    hour: '2-digit',
    minute: '2-digit'
  });
}

/** Format a byte count as `512 B`, `1.5 KB`, `2.0 MB`. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !isFinite(bytes) || bytes < 0) {
    return '—';
  }
  if (bytes < 1024) {
    return `${bytes} B`;
  }
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * Append a log chunk to the text shown so far, keeping at most `maxChars`
 * characters (the oldest are dropped, at a line boundary when possible).
 *
 * @returns the new text and whether anything was dropped.
 */
export function appendLog(
  current: string,
  chunk: string,
  maxChars: number
): { text: string; truncated: boolean } {
  const joined = current + chunk;
  if (joined.length <= maxChars) {
    return { text: joined, truncated: false };
  }
  let text = joined.slice(joined.length - maxChars);
  const newline = text.indexOf('\n');
  if (newline !== -1 && newline < text.length - 1) {
    text = text.slice(newline + 1);
  }
  return { text, truncated: true };
}

/**
 * The line shown under a job's progress bar: the progress message while the
 * job runs or once it completed, the reason once it failed or was stopped.
 */
export function progressLine(
  job: Pick<IJob, 'status' | 'progress' | 'progress_message' | 'status_message'>
): { text: string; error: boolean } {
  if (job.status === 'Failed' || job.status === 'Stopped') {
    return {
      text: job.status_message || job.progress_message || '',
      error: job.status === 'Failed'
    };
  }
  return { text: job.progress_message || '', error: false };
}

/** The progress to draw: a completed job is always full. */
export function displayProgress(
  job: Pick<IJob, 'status' | 'progress'>
): number {
  return job.status === 'Completed' ? 1 : clampProgress(job.progress);
}
