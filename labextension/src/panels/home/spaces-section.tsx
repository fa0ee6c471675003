import { addIcon, Button, closeIcon } from '@jupyterlab/ui-components';
import React, { useState } from 'react';

import { errorMessage } from '../../api/request';
import type { ISpace } from '../../api/spaces';
import { sharedSpaceIcon, spaceIcon } from '../../icons';
import { LoadState } from '../../utils/load-state';
import { HomeModel } from './model';
import {
  deleteSpaceDialog,
  newSpaceDialog,
  renameSpaceDialog
} from './space-dialogs';

/**
 * The "Spaces" section of the home panel.
 */
export function SpacesSection(props: {
  model: HomeModel;
  onOpen: (space: ISpace) => void;
  relocate: (oldPath: string, newPath: string | null) => Promise<void>;
}): JSX.Element {
  const { model, onOpen, relocate } = props;
  const spaces = LoadState.valueOf(model.spaces) ?? [];
  const privateSpaces = spaces.filter(s => s.kind === 'private');
  const sharedSpaces = spaces.filter(s => s.kind === 'shared');
  const activeId = model.activeSpace?.space_id ?? null;

  const group = (title: string, spaces: ISpace[], empty: string) => (
    <div className="jp-studio-SpaceGroup" data-group={title.toLowerCase()}>
      <div className="jp-studio-SpaceGroup-title">
        {title}
        <span className="jp-studio-count">{spaces.length}</span>
      </div>
      {spaces.length ? (
        <ul className="jp-studio-SpaceList">
          {spaces.map(space => (
            <SpaceRow
              key={space.space_id}
              model={model}
              space={space}
              active={space.space_id === activeId}
              onOpen={onOpen}
              relocate={relocate}
            />
          ))}
        </ul>
      ) : (
        <div className="jp-studio-muted jp-studio-SpaceGroup-empty">
          {empty}
        </div>
      )}
    </div>
  );

  return (
    <section
      className="jp-studio-Section"
      data-testid="studio-spaces"
      aria-label="Spaces"
    >
      <div className="jp-studio-Section-header">
        <h3>Spaces</h3>
        <Button
          small
          className="jp-studio-secondary"
          title="Create a private or shared space"
          onClick={() => void newSpaceDialog(model)}
        >
          <addIcon.react tag="span" className="jp-studio-ButtonIcon" />
          New space
        </Button>
      </div>
      {model.spaces.status === 'error' ? (
        <div className="jp-studio-error" role="alert">
          {model.spaces.error}
        </div>
      ) : null}
      {model.spaces.status === 'loading' ? (
        <div className="jp-studio-muted">Loading spaces…</div>
      ) : (
        <>
          {group('Private', privateSpaces, 'No private spaces yet.')}
          {group('Shared', sharedSpaces, 'No shared spaces.')}
        </>
      )}
    </section>
  );
}

function SpaceRow(props: {
  model: HomeModel;
  space: ISpace;
  active: boolean;
  onOpen: (space: ISpace) => void;
  relocate: (oldPath: string, newPath: string | null) => Promise<void>;
}): JSX.Element {
  const { model, space, active, onOpen, relocate } = props;
  const [showMembers, setShowMembers] = useState(false);
  const owned = space.owner === model.username;
  const Icon = space.kind === 'shared' ? sharedSpaceIcon : spaceIcon;
  const others = space.members.filter(m => m !== space.owner);

  return (
    <li
      className={`jp-studio-SpaceRow${active ? ' jp-mod-active' : ''}`}
      data-testid="studio-space-row"
      data-space-id={space.space_id}
      data-kind={space.kind}
    >
      <div className="jp-studio-SpaceRow-main">
        <Icon.react tag="span" className="jp-studio-SpaceRow-icon" />
        <div className="jp-studio-SpaceRow-text">
          <div
            className="jp-studio-SpaceRow-name"
            title={space.path ?? 'Outside the file browser'}
          >
            {space.name}
            {active ? <span className="jp-studio-Tag">active</span> : null}
          </div>
          {space.kind === 'shared' ? (
            <div
              className="jp-studio-SpaceRow-meta"
              data-testid="studio-space-members"
            >
              {owned ? 'You' : space.owner}
              {others.length ? `, ${others.join(', ')}` : ''}
            </div>
          ) : null}
        </div>
      </div>
      <div className="jp-studio-SpaceRow-actions">
        <Button
          small
          className="jp-studio-secondary"
          title={
            space.path !== null
              ? `Open ${space.path} in the file browser`
              : 'The space folder is outside the file browser'
          }
          disabled={space.path === null}
          onClick={() => onOpen(space)}
        >
          Open
        </Button>
        {owned ? (
          <Button
            small
            minimal
            title="Rename this space"
            onClick={() => void renameSpaceDialog(model, space, relocate)}
          >
            Rename
          </Button>
        ) : null}
        {owned && space.kind === 'shared' ? (
          <Button
            small
            minimal
            title="Add or remove members"
            aria-expanded={showMembers}
            onClick={() => setShowMembers(!showMembers)}
          >
            Members
          </Button>
        ) : null}
        {owned ? (
          <Button
            small
            minimal
            className="jp-studio-dangerText"
            title="Delete this space (its files go to the domain trash)"
            onClick={() => void deleteSpaceDialog(model, space, relocate)}
          >
            Delete
          </Button>
        ) : null}
      </div>
      {showMembers ? <MembersEditor model={model} space={space} /> : null}
    </li>
  );
}

/**
 * Inline editor of a shared space's members (owner only).
 */
function MembersEditor(props: {
  model: HomeModel;
  space: ISpace;
}): JSX.Element {
  const { model, space } = props;
  const [username, setUsername] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (action: () => Promise<unknown>) => {
    setError(null);
    setBusy(true);
    try {
      await action();
      return true;
    } catch (e) {
      setError(errorMessage(e));
      return false;
    } finally {
      setBusy(false);
    }
  };

  const add = async (event: React.FormEvent) => {
    event.preventDefault();
    const name = username.trim();
    if (!name) {
      return;
    }
    if (await run(() => model.addMember(space.space_id, name))) {
      setUsername('');
    }
  };

  const inputId = `jp-studio-member-${space.space_id}`;
  return (
    <div
      className="jp-studio-Members"
      data-testid="studio-space-members-editor"
    >
      <ul className="jp-studio-Members-list">
        {space.members.map(member => (
          <li key={member}>
            <span>{member}</span>
            {member === space.owner ? (
              <span className="jp-studio-Tag">owner</span>
            ) : (
              <Button
                small
                minimal
                disabled={busy}
                aria-label={`Remove ${member}`}
                title={`Remove ${member} from the space`}
                onClick={() =>
                  void run(() => model.removeMember(space.space_id, member))
                }
              >
                <closeIcon.react tag="span" />
              </Button>
            )}
          </li>
        ))}
      </ul>
      <form className="jp-studio-Members-add" onSubmit={add}>
        <label htmlFor={inputId} className="jp-sr-only">
          Username
        </label>
        <input
          id={inputId}
          className="jp-mod-styled jp-studio-input"
          type="text"
          placeholder="Username"
          value={username}
          onChange={e => setUsername(e.target.value)}
        />
        <Button
          small
          type="submit"
          className="jp-studio-secondary"
          disabled={busy}
        >
          Add
        </Button>
      </form>
      {error ? (
        <div className="jp-studio-error" role="alert">
          {error}
        </div>
      ) : null}
    </div>
  );
}
