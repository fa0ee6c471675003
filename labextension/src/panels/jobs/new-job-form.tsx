import { Button } from '@jupyterlab/ui-components';
import React, { useState } from 'react';

import type { ICreateJob } from '../../api/jobs';
import { errorMessage, StudioAPIError } from '../../api/request';
import type { ISpace } from '../../api/spaces';
import { shellSplit, ShellSplitError } from '../../utils/shell-split';
import { spaceOptionLabel } from '../../utils/spaces';

/**
 * The "New processing job" form.
 */
export function NewJobForm(props: {
  initialScript: string;
  /** Preselected space (`null`: the user's home). */
  initialSpaceId: string | null;
  /** Spaces the user may run jobs in. */
  spaces: ISpace[];
  /** Whether `spaces` was loaded (an unknown preselection then means none). */
  spacesLoaded: boolean;
  onSubmit: (body: ICreateJob) => Promise<unknown>;
  onCancel: () => void;
}): JSX.Element {
  const [script, setScript] = useState(props.initialScript);
  const [spaceId, setSpaceId] = useState(props.initialSpaceId ?? '');
  const [args, setArgs] = useState('');
  const [name, setName] = useState('');
  const [maxMinutes, setMaxMinutes] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [details, setDetails] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  // A preselected space that is not (or no longer) visible means "no space"
  // once the list is known; until then it is kept as a pending option.
  const space = props.spaces.find(s => s.space_id === spaceId) ?? null;
  const effectiveSpaceId =
    spaceId && !space && props.spacesLoaded ? '' : spaceId;

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setError(null);
    setDetails([]);
    const scriptPath = script.trim().replace(/^\/+/, '');
    if (!scriptPath) {
      setError(
        'Enter the path of a Python script, relative to the file browser root.'
      );
      return;
    }
    let argv: string[];
    try {
      argv = shellSplit(args);
    } catch (e) {
      setError(e instanceof ShellSplitError ? e.message : String(e));
      return;
    }
    let maxRuntime: number | null = null;
    if (maxMinutes.trim()) {
      const minutes = Number(maxMinutes);
      if (!isFinite(minutes) || minutes <= 0) {
        setError('Max runtime must be a positive number of minutes.');
        return;
      }
      maxRuntime = Math.round(minutes * 60);
    }
    const body: ICreateJob = {
      kind: 'processing',
      space_id: effectiveSpaceId || null,
      parameters: { script: scriptPath, arguments: argv }
    };
    if (name.trim()) {
      body.name = name.trim();
    }
    if (maxRuntime !== null) {
      body.max_runtime_seconds = maxRuntime;
    }
    setBusy(true);
    try {
      await props.onSubmit(body);
    } catch (e) {
      setError(errorMessage(e));
      if (e instanceof StudioAPIError && e.detail) {
        setDetails(
          e.detail.map(d =>
            d.loc && d.loc.length ? `${d.loc.join('.')}: ${d.msg}` : d.msg
          )
        );
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="jp-studio-NewJobForm"
      onSubmit={submit}
      aria-label="New processing job"
    >
      <div className="jp-studio-NewJobForm-title">New processing job</div>
      <div className="jp-studio-NewJobForm-grid">
        <label htmlFor="jp-studio-new-job-space">Space</label>
        <div className="jp-studio-NewJobForm-space">
          <select
            id="jp-studio-new-job-space"
            className="jp-mod-styled jp-studio-select"
            data-testid="studio-new-job-space"
            value={effectiveSpaceId}
            onChange={e => setSpaceId(e.target.value)}
          >
            <option value="">My home (no space)</option>
            {props.spaces.map(s => (
              <option key={s.space_id} value={s.space_id}>
                {spaceOptionLabel(s)}
              </option>
            ))}
            {effectiveSpaceId && !space ? (
              <option value={effectiveSpaceId}>Loading spaces…</option>
            ) : null}
          </select>
          <span
            className="jp-studio-muted jp-studio-NewJobForm-hint"
            data-testid="studio-new-job-space-hint"
          >
            {space
              ? `The job's folder is kept in ${space.path}${
                  space.kind === 'shared'
                    ? '; every member of the space sees the job.'
                    : '.'
                }`
              : effectiveSpaceId
                ? ''
                : "The job's folder is kept in your home folder."}
          </span>
        </div>
        <label htmlFor="jp-studio-new-job-script">Script path</label>
        <input
          id="jp-studio-new-job-script"
          className="jp-mod-styled jp-studio-input"
          type="text"
          value={script}
          placeholder="e.g. analysis/train.py"
          onChange={e => setScript(e.target.value)}
          required
          autoFocus
        />
        <label htmlFor="jp-studio-new-job-args">Arguments</label>
        <input
          id="jp-studio-new-job-args"
          className="jp-mod-styled jp-studio-input jp-studio-mono"
          type="text"
          value={args}
          placeholder={'e.g. --epochs 3 --name "my run"'}
          onChange={e => setArgs(e.target.value)}
        />
        <label htmlFor="jp-studio-new-job-name">Job name</label>
        <input
          id="jp-studio-new-job-name"
          className="jp-mod-styled jp-studio-input"
          type="text"
          value={name}
          placeholder="optional, defaults to the script name"
          onChange={e => setName(e.target.value)}
        />
        <label htmlFor="jp-studio-new-job-max-runtime">
          Max runtime (minutes)
        </label>
        <input
          id="jp-studio-new-job-max-runtime"
          className="jp-mod-styled jp-studio-input jp-studio-input-short"
          type="number"
          min={1}
          step="any"
          placeholder="server default"
          value={maxMinutes}
          onChange={e => setMaxMinutes(e.target.value)}
        />
      </div>
      <div className="jp-studio-help">
        The script runs with its working directory set to the job&apos;s output
        folder; every file it writes there is kept as an artifact. Print{' '}
        <code>##studio[progress] 0.5 message</code> to report progress.
      </div>
      {error ? (
        <div
          className="jp-studio-error jp-studio-NewJobForm-error"
          role="alert"
        >
          {error}
          {details.length ? (
            <ul>
              {details.map((d, i) => (
                <li key={i}>{d}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <div className="jp-studio-NewJobForm-actions">
        <Button type="button" minimal onClick={props.onCancel} disabled={busy}>
          Cancel
        </Button>
        <Button type="submit" className="jp-studio-primary" disabled={busy}>
          {busy ? 'Starting…' : 'Start job'}
        </Button>
      </div>
    </form>
  );
}
