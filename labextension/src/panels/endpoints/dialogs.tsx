/*
 * Dialogs of the Endpoints panel: switch to another model version, delete.
 */
import { Dialog, showDialog, showErrorMessage } from '@jupyterlab/apputils';
import { ReactWidget } from '@jupyterlab/ui-components';
import React from 'react';

import type { IEndpoint } from '../../api/endpoints';
import type { IModelVersion } from '../../api/models';
import { errorMessage } from '../../api/request';
import { formatTimestamp } from '../../utils/format';
import { EndpointsModel } from './model';

class VersionBody extends ReactWidget implements Dialog.IBodyWidget<number> {
  constructor(
    private readonly _endpoint: IEndpoint,
    private readonly _versions: IModelVersion[]
  ) {
    super();
    this.addClass('jp-studio-UpdateEndpointDialog');
    const other = _versions.find(
      v => v.version !== _endpoint.model_version && v.status === 'Ready'
    );
    this._version = other?.version ?? _endpoint.model_version;
  }

  getValue(): number {
    return this._version;
  }

  render(): JSX.Element {
    const endpoint = this._endpoint;
    return (
      <div className="jp-studio-DialogForm">
        <label htmlFor="jp-studio-update-version">
          Version of {endpoint.model_name}
        </label>
        <select
          id="jp-studio-update-version"
          className="jp-mod-styled jp-studio-select"
          value={String(this._version)}
          onChange={e => {
            this._version = Number(e.target.value);
            this.update();
          }}
        >
          {this._versions
            .filter(v => v.status === 'Ready')
            .map(v => (
              <option key={v.version} value={v.version}>
                {`${v.version} · ${v.flavor} · ${formatTimestamp(v.created_at)}${
                  v.version === endpoint.model_version ? ' (serving)' : ''
                }`}
              </option>
            ))}
        </select>
        <div className="jp-studio-help jp-studio-FormRow-wide">
          The new version starts beside the serving one; traffic switches once
          it answers, and requests sent meanwhile are not lost.
        </div>
      </div>
    );
  }

  private _version: number;
}

/** Ask for another version of the endpoint's model and switch to it. */
export async function updateEndpointDialog(
  model: EndpointsModel,
  endpoint: IEndpoint
): Promise<void> {
  let versions: IModelVersion[];
  try {
    versions = await model.versions(endpoint);
  } catch (error) {
    await showErrorMessage(
      `Cannot list the versions of ${endpoint.model_name}`,
      errorMessage(error)
    );
    return;
  }
  const result = await showDialog<number>({
    title: `Update ${endpoint.endpoint_name}`,
    body: new VersionBody(endpoint, versions),
    buttons: [Dialog.cancelButton(), Dialog.okButton({ label: 'Update' })]
  });
  if (!result.button.accept || result.value === null) {
    return;
  }
  if (result.value === endpoint.model_version) {
    return;
  }
  try {
    await model.update(endpoint.endpoint_name, {
      model_version: result.value
    });
  } catch (error) {
    await showErrorMessage(
      `Cannot update ${endpoint.endpoint_name}`,
      errorMessage(error)
    );
  }
}

/** Confirm and delete an endpoint. */
export async function deleteEndpointDialog(
  model: EndpointsModel,
  endpoint: IEndpoint
): Promise<void> {
  const result = await showDialog({
    title: `Delete endpoint ${endpoint.endpoint_name}?`,
    body:
      `The model server of ${endpoint.endpoint_name} stops and the endpoint stops answering. ` +
      `Its folder${endpoint.path ? ` (${endpoint.path})` : ''}, log and captured data stay.`,
    buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Delete' })]
  });
  if (!result.button.accept) {
    return;
  }
  try {
    await model.delete(endpoint.endpoint_name);
  } catch (error) {
    await showErrorMessage(
      `Cannot delete ${endpoint.endpoint_name}`,
      errorMessage(error)
    );
  }
}
