/*
 * Where a model version came from, for people.
 */
import type { IModelVersion } from '../../api/models';

/** `job 1a2b3c4d`, `run 5e6f7a8b`, `Python`, or the path it was registered from. */
export function sourceLabel(
  version: Pick<IModelVersion, 'source' | 'job_id' | 'run_id'>
): string {
  if (version.run_id) {
    const job = version.job_id ? `, job ${version.job_id.slice(0, 8)}` : '';
    return `run ${version.run_id.slice(0, 8)}${job}`;
  }
  if (version.job_id) {
    return `job ${version.job_id.slice(0, 8)}`;
  }
  const source = version.source ?? '';
  const colon = source.indexOf(':');
  if (colon > 0) {
    const kind = source.slice(0, colon);
    const rest = source.slice(colon + 1);
    if (kind === 'path') {
      return rest;
    }
    return `${kind} ${rest}`;
  }
  return source === 'python' ? 'Python' : source || '—';
}
