/*
 * The Solutions tab: solution templates that build a whole story from a
 * bundled sample in one click.
 */
import { Button } from '@jupyterlab/ui-components';
import React, { useEffect, useState } from 'react';

import {
  ISolution,
  ISolutionLaunch,
  launchSolution,
  listSolutions
} from '../../api/modelhub';
import { errorMessage } from '../../api/request';
import { SpaceSelect } from '../../components/space-select';
import { useSignal } from '../../components/use-signal';
import { LoadState } from '../../utils/load-state';
import { ModelHubModel } from './model';

export function SolutionsView(props: {
  model: ModelHubModel;
  openJobs: () => void;
  openEndpoint: (name: string) => void;
}): JSX.Element {
  const { model } = props;
  useSignal(model.changed);
  const spaces = LoadState.valueOf(model.spaces) ?? [];
  const [solutions, setSolutions] = useState<LoadState<ISolution[]>>(
    LoadState.loading()
  );
  const [spaceId, setSpaceId] = useState(model.activeSpaceId ?? '');
  const [launched, setLaunched] = useState<
    Record<string, ISolutionLaunch | string>
  >({});
  const [busy, setBusy] = useState<string | null>(null);

  useEffect(() => {
    listSolutions(model.serverSettings)
      .then(items => setSolutions(LoadState.ready(items)))
      .catch(error => setSolutions(LoadState.failed(error)));
  }, []);

  const launch = async (id: string) => {
    setBusy(id);
    try {
      const result = await launchSolution(
        id,
        { space_id: spaceId || null },
        model.serverSettings
      );
      setLaunched(current => ({ ...current, [id]: result }));
    } catch (error) {
      setLaunched(current => ({ ...current, [id]: errorMessage(error) }));
    } finally {
      setBusy(null);
    }
  };

  const items = LoadState.valueOf(solutions) ?? [];
  return (
    <div className="jp-studio-ModelHubSolutions">
      <div className="jp-studio-ModelHubRow">
        <label htmlFor="jp-studio-modelhub-solution-space">Launch in</label>
        <SpaceSelect
          id="jp-studio-modelhub-solution-space"
          spaces={spaces}
          value={spaceId}
          onChange={setSpaceId}
        />
      </div>
      {solutions.status === 'error' ? (
        <div className="jp-studio-error" role="alert">
          Could not load the solution templates: {solutions.error}
        </div>
      ) : solutions.status === 'loading' ? (
        <div className="jp-studio-muted">Loading…</div>
      ) : !items.length ? (
        <div className="jp-studio-empty">
          No solution template on this server.
        </div>
      ) : null}
      <ul className="jp-studio-ModelHubCards" aria-label="Solution templates">
        {items.map(s => {
          const outcome = launched[s.id];
          return (
            <li
              key={s.id}
              className="jp-studio-ModelHubCard jp-studio-ModelHubSolution"
              data-testid="studio-modelhub-solution"
            >
              <div className="jp-studio-ModelHubCard-title">
                <span className="jp-studio-ModelHubCard-name">{s.title}</span>
              </div>
              <div className="jp-studio-ModelHubCard-description">
                {s.description}
              </div>
              <ol className="jp-studio-ModelHubSteps">
                {s.steps.map((step, i) => (
                  <li key={i}>{step}</li>
                ))}
              </ol>
              <Button
                small
                className="jp-studio-primary"
                disabled={busy !== null}
                onClick={() => void launch(s.id)}
              >
                {busy === s.id ? 'Launching…' : 'Launch'}
              </Button>
              {typeof outcome === 'string' ? (
                <div className="jp-studio-error" role="alert">
                  {outcome}
                </div>
              ) : outcome ? (
                <div className="jp-studio-muted" role="status">
                  Started {outcome.jobs.length} job
                  {outcome.jobs.length === 1 ? '' : 's'} (
                  {outcome.jobs.map(j => j.name).join(', ')}).{' '}
                  <button
                    className="jp-studio-linkButton"
                    onClick={props.openJobs}
                  >
                    Follow in Jobs
                  </button>
                  {outcome.endpoint ? (
                    <>
                      {' · endpoint '}
                      <button
                        className="jp-studio-linkButton"
                        onClick={() => props.openEndpoint(outcome.endpoint!)}
                      >
                        {outcome.endpoint}
                      </button>
                    </>
                  ) : null}
                </div>
              ) : null}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
