/*
 * Dialogs for spaces: create, rename and delete.
 */
import {
  Dialog,
  InputDialog,
  showDialog,
  showErrorMessage
} from '@jupyterlab/apputils';
import { ReactWidget } from '@jupyterlab/ui-components';
import React from 'react';

import { errorMessage } from '../../api/request';
import type { ICreateSpace, ISpace, SpaceKind } from '../../api/spaces';
import { HomeModel } from './model';

/** Split "bob, carol  dave" into usernames. */
export function parseMembers(text: string): string[] {
  const seen = new Set<string>();
  for (const part of text.split(/[\s,;]+/)) {
    const name = part.trim();
    if (name) {
      seen.add(name);
    }
  }
  return [...seen];
}

/**
 * Body of the "New space" dialog.
 */
class NewSpaceBody
  extends ReactWidget
  implements Dialog.IBodyWidget<ICreateSpace>
{
  constructor(initial: { name: string; kind: SpaceKind; members: string }) {
    super();
    this.addClass('jp-studio-NewSpaceDialog');
    this._name = initial.name;
    this._kind = initial.kind;
    this._members = initial.members;
  }

  get membersText(): string {
    return this._members;
  }

  getValue(): ICreateSpace {
    const value: ICreateSpace = { name: this._name.trim(), kind: this._kind };
    if (this._kind === 'shared') {
      value.members = parseMembers(this._members);
    }
    return value;
  }

  render(): JSX.Element {
    return (
      <div className="jp-studio-Form">
        <label htmlFor="jp-studio-space-name">Space name</label>
        <input
          id="jp-studio-space-name"
          className="jp-mod-styled jp-studio-input"
          type="text"
          placeholder="e.g. Churn analysis"
          defaultValue={this._name}
          onChange={e => {
            this._name = e.target.value;
          }}
        />
        <fieldset className="jp-studio-Radio">
          <legend>Kind</legend>
          <label>
            <input
              type="radio"
              name="jp-studio-space-kind"
              value="private"
              checked={this._kind === 'private'}
              onChange={() => this._setKind('private')}
            />
            Private <span className="jp-studio-muted">— only you</span>
          </label>
          <label>
            <input
              type="radio"
              name="jp-studio-space-kind"
              value="shared"
              checked={this._kind === 'shared'}
              onChange={() => this._setKind('shared')}
            />
            Shared{' '}
            <span className="jp-studio-muted">
              — you and the people you add
            </span>
          </label>
        </fieldset>
        <label htmlFor="jp-studio-space-members">Members</label>
        <input
          id="jp-studio-space-members"
          className="jp-mod-styled jp-studio-input"
          type="text"
          placeholder="usernames, comma-separated"
          disabled={this._kind !== 'shared'}
          defaultValue={this._members}
          onChange={e => {
            this._members = e.target.value;
          }}
        />
      </div>
    );
  }

  private _setKind(kind: SpaceKind): void {
    this._kind = kind;
    this.update();
  }

  private _name: string;
  private _kind: SpaceKind;
  private _members: string;
}

/**
 * Ask for a new space and create it; on a server error, show it and ask again
 * with the values kept.
 */
export async function newSpaceDialog(model: HomeModel): Promise<ISpace | null> {
  let initial = { name: '', kind: 'private' as SpaceKind, members: '' };
  for (;;) {
    const body = new NewSpaceBody(initial);
    const result = await showDialog<ICreateSpace>({
      title: 'New space',
      body,
      focusNodeSelector: 'input',
      buttons: [Dialog.cancelButton(), Dialog.okButton({ label: 'Create' })]
    });
    if (!result.button.accept || !result.value) {
      return null;
    }
    const value = result.value;
    initial = {
      name: value.name,
      kind: value.kind,
      members: body.membersText
    };
    if (!value.name) {
      await showErrorMessage('Cannot create the space', 'Enter a space name.');
      continue;
    }
    try {
      return await model.createSpace(value);
    } catch (error) {
      await showErrorMessage('Cannot create the space', errorMessage(error));
    }
  }
}

/** Ask for a new name and rename the space. */
export async function renameSpaceDialog(
  model: HomeModel,
  space: ISpace,
  relocate?: (oldPath: string, newPath: string | null) => Promise<void>
): Promise<void> {
  const result = await InputDialog.getText({
    title: `Rename space "${space.name}"`,
    label: 'New name',
    text: space.name,
    okLabel: 'Rename'
  });
  const name = result.value?.trim();
  if (!result.button.accept || !name || name === space.name) {
    return;
  }
  try {
    const renamed = await model.renameSpace(space.space_id, name);
    if (relocate && space.path !== null && renamed.path !== space.path) {
      await relocate(space.path, renamed.path);
    }
  } catch (error) {
    await showErrorMessage('Cannot rename the space', errorMessage(error));
  }
}

/** Confirm and delete the space (its files go to the domain trash). */
export async function deleteSpaceDialog(
  model: HomeModel,
  space: ISpace,
  relocate?: (oldPath: string, newPath: string | null) => Promise<void>
): Promise<void> {
  const result = await showDialog({
    title: `Delete space "${space.name}"?`,
    body:
      `The space "${space.name}" will be deleted and its files ` +
      `(${space.path ?? 'its folder'}) moved to the domain trash, where an administrator ` +
      'can recover them.' +
      (space.kind === 'shared' ? ' Its members will lose access too.' : ''),
    buttons: [
      Dialog.cancelButton(),
      Dialog.warnButton({ label: 'Move to trash' })
    ]
  });
  if (!result.button.accept) {
    return;
  }
  try {
    // Leave the folder first, or the file browser complains it vanished.
    if (space.path !== null) {
      await relocate?.(space.path, null);
    }
    await model.deleteSpace(space.space_id);
  } catch (error) {
    await showErrorMessage('Cannot delete the space', errorMessage(error));
  }
}
