/*
 * Dialogs for user profiles (domain administrators): add and edit.
 */
import { Dialog, showDialog, showErrorMessage } from '@jupyterlab/apputils';
import { ReactWidget } from '@jupyterlab/ui-components';
import React from 'react';

import type { IProfile } from '../../api/profiles';
import { errorMessage } from '../../api/request';
import {
  createBodyFromForm,
  IUserForm,
  runtimeLimitSeconds,
  secondsToMinutesText,
  updateBodyFromForm
} from '../../utils/profiles';
import { HomeModel } from './model';

/**
 * Body of the "Add user profile" / "Edit user profile" dialog.
 */
class UserBody extends ReactWidget implements Dialog.IBodyWidget<IUserForm> {
  constructor(initial: IUserForm, editing: boolean) {
    super();
    this.addClass('jp-studio-UserDialog');
    this._value = { ...initial };
    this._editing = editing;
  }

  getValue(): IUserForm {
    return { ...this._value };
  }

  render(): JSX.Element {
    const value = this._value;
    return (
      <div className="jp-studio-Form" data-testid="studio-user-form">
        <label htmlFor="jp-studio-user-name">Username</label>
        <input
          id="jp-studio-user-name"
          className="jp-mod-styled jp-studio-input"
          type="text"
          autoComplete="off"
          spellCheck={false}
          placeholder="e.g. dana"
          readOnly={this._editing}
          aria-readonly={this._editing}
          title={this._editing ? 'A username cannot be changed' : 'Login name'}
          defaultValue={value.username}
          onChange={e => {
            this._value.username = e.target.value;
          }}
        />
        <label htmlFor="jp-studio-user-display">Display name</label>
        <input
          id="jp-studio-user-display"
          className="jp-mod-styled jp-studio-input"
          type="text"
          autoComplete="off"
          placeholder={this._editing ? value.username : 'defaults to username'}
          defaultValue={value.displayName}
          onChange={e => {
            this._value.displayName = e.target.value;
          }}
        />
        <label className="jp-studio-Checkbox">
          <input
            type="checkbox"
            defaultChecked={value.isAdmin}
            onChange={e => {
              this._value.isAdmin = e.target.checked;
            }}
          />
          Administrator{' '}
          <span className="jp-studio-muted">
            — manages users and sees every job
          </span>
        </label>
        <label htmlFor="jp-studio-user-runtime">
          Default max runtime (minutes)
        </label>
        <input
          id="jp-studio-user-runtime"
          className="jp-mod-styled jp-studio-input jp-studio-input-short"
          type="text"
          inputMode="decimal"
          autoComplete="off"
          placeholder="none"
          defaultValue={value.minutes}
          onChange={e => {
            this._value.minutes = e.target.value;
          }}
        />
        <div className="jp-studio-muted jp-studio-Form-help">
          Jobs of this user that set no runtime limit are stopped after this
          long. Leave empty to use the domain default.
        </div>
      </div>
    );
  }

  private _value: IUserForm;
  private _editing: boolean;
}

async function askUser(
  title: string,
  okLabel: string,
  initial: IUserForm,
  editing: boolean
): Promise<IUserForm | null> {
  const result = await showDialog<IUserForm>({
    title,
    body: new UserBody(initial, editing),
    focusNodeSelector: editing ? '#jp-studio-user-display' : 'input',
    buttons: [Dialog.cancelButton(), Dialog.okButton({ label: okLabel })]
  });
  if (!result.button.accept || !result.value) {
    return null;
  }
  return result.value;
}

/**
 * Ask for a new user profile and create it; on an error (e.g. the profile
 * exists), show it and ask again with the values kept.
 */
export async function addProfileDialog(
  model: HomeModel
): Promise<IProfile | null> {
  let form: IUserForm = {
    username: '',
    displayName: '',
    isAdmin: false,
    minutes: ''
  };
  for (;;) {
    const value = await askUser('Add user profile', 'Add', form, false);
    if (!value) {
      return null;
    }
    form = value;
    const parsed = createBodyFromForm(value);
    if ('error' in parsed) {
      await showErrorMessage('Cannot add the user profile', parsed.error);
      continue;
    }
    try {
      return await model.createProfile(parsed.body);
    } catch (error) {
      await showErrorMessage(
        'Cannot add the user profile',
        errorMessage(error)
      );
    }
  }
}

/**
 * Edit a profile's display name, admin flag and default max runtime; on an
 * error (e.g. an administrator by configuration), show it and ask again.
 */
export async function editProfileDialog(
  model: HomeModel,
  profile: IProfile
): Promise<IProfile | null> {
  let form: IUserForm = {
    username: profile.username,
    displayName: profile.display_name,
    isAdmin: profile.is_admin,
    minutes: secondsToMinutesText(runtimeLimitSeconds(profile.settings))
  };
  for (;;) {
    const value = await askUser(
      `Edit user profile "${profile.username}"`,
      'Save',
      form,
      true
    );
    if (!value) {
      return null;
    }
    form = { ...value, username: profile.username };
    const parsed = updateBodyFromForm(profile, form);
    if ('error' in parsed) {
      await showErrorMessage('Cannot change the user profile', parsed.error);
      continue;
    }
    if (Object.keys(parsed.body).length === 0) {
      return profile;
    }
    try {
      return await model.updateProfile(profile.username, parsed.body);
    } catch (error) {
      await showErrorMessage(
        'Cannot change the user profile',
        errorMessage(error)
      );
    }
  }
}
