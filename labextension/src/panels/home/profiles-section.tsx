import {
  addIcon,
  Button,
  caretDownIcon,
  caretRightIcon,
  refreshIcon
} from '@jupyterlab/ui-components';
import React from 'react';

import type { IProfile } from '../../api/profiles';
import { LoadState } from '../../utils/load-state';
import { formatRuntimeLimit } from '../../utils/profiles';
import { HomeModel } from './model';
import { addProfileDialog, editProfileDialog } from './profile-dialogs';

/**
 * The "User profiles" section of the home panel (domain administrators
 * only): each profile with its admin flag and default max runtime of jobs.
 */
export function ProfilesSection(props: { model: HomeModel }): JSX.Element {
  const { model } = props;
  const expanded = model.profilesExpanded;
  const Caret = expanded ? caretDownIcon : caretRightIcon;
  const profiles = LoadState.valueOf(model.profiles);

  return (
    <section
      className={`jp-studio-Section jp-studio-UsersSection${
        expanded ? '' : ' jp-mod-collapsed'
      }`}
      data-testid="studio-users"
      aria-label="User profiles"
    >
      <div className="jp-studio-Section-header">
        <h3>
          <button
            className="jp-studio-Section-toggle"
            aria-expanded={expanded}
            aria-controls="jp-studio-users-body"
            title={
              expanded ? 'Hide the user profiles' : 'Show the user profiles'
            }
            onClick={() => model.setProfilesExpanded(!expanded)}
          >
            <Caret.react tag="span" className="jp-studio-Section-caret" />
            User profiles
            {profiles ? (
              <span className="jp-studio-count">{profiles.length}</span>
            ) : null}
          </button>
        </h3>
        <div className="jp-studio-Section-actions">
          {expanded ? (
            <Button
              small
              minimal
              title="Reload the user profiles"
              aria-label="Reload user profiles"
              onClick={() =>
                void model.refreshProfiles().catch(() => undefined)
              }
            >
              <refreshIcon.react tag="span" />
            </Button>
          ) : null}
          <Button
            small
            className="jp-studio-secondary"
            title="Create a user profile"
            onClick={() => void addProfileDialog(model)}
          >
            <addIcon.react tag="span" className="jp-studio-ButtonIcon" />
            Add profile
          </Button>
        </div>
      </div>
      {expanded ? (
        <div id="jp-studio-users-body">
          {model.profiles.status === 'error' ? (
            <div className="jp-studio-error" role="alert">
              {model.profiles.error}
            </div>
          ) : null}
          {model.profiles.status === 'loading' ? (
            <div className="jp-studio-muted">Loading user profiles…</div>
          ) : profiles ? (
            <ul className="jp-studio-UserList">
              {profiles.map(profile => (
                <UserRow
                  key={profile.username}
                  model={model}
                  profile={profile}
                  self={profile.username === model.username}
                />
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

function UserRow(props: {
  model: HomeModel;
  profile: IProfile;
  self: boolean;
}): JSX.Element {
  const { model, profile, self } = props;
  const name = profile.display_name || profile.username;

  return (
    <li
      className="jp-studio-UserRow"
      data-testid="studio-user-row"
      data-username={profile.username}
      data-admin={profile.is_admin ? 'true' : 'false'}
    >
      <span className="jp-studio-Avatar" aria-hidden="true">
        {name.slice(0, 1).toUpperCase()}
      </span>
      <div className="jp-studio-UserRow-text">
        <div className="jp-studio-UserRow-name" title={profile.home_path ?? ''}>
          <span className="jp-studio-UserRow-username">{profile.username}</span>
          {profile.is_admin ? (
            <span className="jp-studio-Tag">admin</span>
          ) : null}
          {self ? <span className="jp-studio-Tag">you</span> : null}
        </div>
        {profile.display_name && profile.display_name !== profile.username ? (
          <div className="jp-studio-UserRow-meta">{profile.display_name}</div>
        ) : null}
        <div
          className="jp-studio-UserRow-meta"
          data-testid="studio-user-runtime"
          title="Default max runtime of this user's jobs (settings.default_max_runtime_seconds)"
        >
          {formatRuntimeLimit(profile.settings)}
        </div>
      </div>
      <Button
        small
        minimal
        className="jp-studio-UserRow-edit"
        title={`Edit ${profile.username}'s profile`}
        onClick={() => void editProfileDialog(model, profile)}
      >
        Edit
      </Button>
    </li>
  );
}
