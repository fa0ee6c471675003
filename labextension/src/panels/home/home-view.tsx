import { Button, folderIcon, refreshIcon } from '@jupyterlab/ui-components';
import React from 'react';

import type { ISpace } from '../../api/spaces';
import { useSignal } from '../../components/use-signal';
import { studioIcon } from '../../icons';
import { JobsSection } from './jobs-section';
import { HomeModel } from './model';
import { SpacesSection } from './spaces-section';
import { ProfilesSection } from './profiles-section';

/** What the home panel can ask the application to do. */
export interface IHomeActions {
  openSpace(space: ISpace): void;
  /**
   * Move the file browser out of (or along with) a space folder that is
   * about to be deleted (`newPath` null) or was renamed.
   */
  relocate(oldPath: string, newPath: string | null): Promise<void>;
  revealPath(path: string): void;
  openJob(jobId: string): void;
  openJobs(): void;
  newJob(): void;
  /** Open the AutoML wizard (when the AutoML panel is installed). */
  createAutoML?(): void;
}

/**
 * The Studio home side panel.
 */
export function HomeView(props: {
  model: HomeModel;
  actions: IHomeActions;
}): JSX.Element {
  const { model, actions } = props;
  useSignal(model.changed);
  const info = model.connection.info;
  const active = model.activeSpace;
  const user = info?.user;

  return (
    <div className="jp-studio-Home">
      <header className="jp-studio-Home-header">
        <div className="jp-studio-Home-brand">
          <studioIcon.react tag="span" className="jp-studio-Home-logo" />
          <div>
            <h2 className="jp-studio-Home-title">Studio</h2>
            <div
              className="jp-studio-Home-domain"
              title={info?.domain.domain_root}
            >
              {info?.domain.name ?? ''}
            </div>
          </div>
          <Button
            small
            minimal
            className="jp-studio-Home-refresh"
            title="Refresh"
            aria-label="Refresh Studio"
            onClick={() => void model.refresh().catch(() => undefined)}
          >
            <refreshIcon.react tag="span" />
          </Button>
        </div>
        {user ? (
          <div className="jp-studio-Home-user" data-testid="studio-home-user">
            <span className="jp-studio-Avatar" aria-hidden="true">
              {(user.display_name || user.username).slice(0, 1).toUpperCase()}
            </span>
            <span className="jp-studio-Home-userName">
              {user.display_name || user.username}
              {user.display_name && user.display_name !== user.username ? (
                <span className="jp-studio-muted"> ({user.username})</span>
              ) : null}
            </span>
            {user.is_admin ? (
              <span className="jp-studio-Tag">admin</span>
            ) : null}
          </div>
        ) : null}
        <div
          className="jp-studio-Home-active"
          data-testid="studio-active-space"
          data-space-id={active?.space_id ?? ''}
        >
          <span className="jp-studio-muted">Active space:</span>{' '}
          {active ? (
            <button
              className="jp-studio-linkButton"
              title={
                active.path !== null
                  ? `Show ${active.path} in the file browser`
                  : 'The space folder is outside the file browser'
              }
              disabled={active.path === null}
              onClick={() => active.path && actions.revealPath(active.path)}
            >
              <folderIcon.react tag="span" className="jp-studio-ButtonIcon" />
              {active.name}
            </button>
          ) : (
            <span className="jp-studio-muted">none</span>
          )}
        </div>
        {actions.createAutoML ? (
          <div className="jp-studio-Home-quick">
            <button
              className="jp-studio-linkButton"
              data-testid="studio-home-create-automl"
              onClick={() => actions.createAutoML?.()}
            >
              Create an AutoML experiment
            </button>
          </div>
        ) : null}
      </header>
      <div className="jp-studio-Home-body">
        <SpacesSection
          model={model}
          onOpen={actions.openSpace}
          relocate={actions.relocate}
        />
        <JobsSection
          model={model}
          onOpenJob={actions.openJob}
          onOpenJobs={actions.openJobs}
          onNewJob={actions.newJob}
        />
        {model.isAdmin ? <ProfilesSection model={model} /> : null}
      </div>
    </div>
  );
}
