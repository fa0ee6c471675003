/*
 * The startup handshake with the Studio server extension.
 */
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { ServerConnection } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';

import { getInfo, IStudioInfo } from './api/info';
import { errorMessage, StudioAPIError } from './api/request';
import { IStudioConnection, PLUGIN_PREFIX } from './tokens';
import { FRONTEND_VERSION } from './version';

/**
 * The live connection object provided through `IStudioConnection`.
 */
export class StudioConnection implements IStudioConnection {
  constructor(
    serverSettings: ServerConnection.ISettings,
    info: IStudioInfo | null
  ) {
    this.serverSettings = serverSettings;
    this.info = info;
    this._activeSpaceId = this._load();
  }

  readonly serverSettings: ServerConnection.ISettings;
  readonly info: IStudioInfo | null;

  get available(): boolean {
    return this.info !== null;
  }

  get activeSpaceId(): string | null {
    return this._activeSpaceId;
  }

  get activeSpaceChanged(): ISignal<IStudioConnection, string | null> {
    return this._activeSpaceChanged;
  }

  setActiveSpace(spaceId: string | null): void {
    if (spaceId === this._activeSpaceId) {
      return;
    }
    this._activeSpaceId = spaceId;
    try {
      if (spaceId) {
        window.localStorage.setItem(this._storageKey, spaceId);
      } else {
        window.localStorage.removeItem(this._storageKey);
      }
    } catch {
      // Storage may be disabled; the choice then lasts for this page only.
    }
    this._activeSpaceChanged.emit(spaceId);
  }

  private get _storageKey(): string {
    const user = this.info?.user.username ?? 'anonymous';
    const domain = this.info?.domain.domain_id ?? 'default';
    return `jupyter-studio:${domain}:${user}:active-space`;
  }

  private _load(): string | null {
    try {
      return window.localStorage.getItem(this._storageKey);
    } catch {
      return null;
    }
  }

  private _activeSpaceId: string | null;
  private _activeSpaceChanged = new Signal<IStudioConnection, string | null>(
    this
  );
}

function majorMinor(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}

/**
 * Ask the server for `studio/api/info`; on failure tell the user, in one
 * readable dialog, that the server extension is missing.
 */
async function handshake(
  serverSettings: ServerConnection.ISettings
): Promise<IStudioInfo | null> {
  try {
    const info = await getInfo(serverSettings);
    if (majorMinor(info.version) !== majorMinor(FRONTEND_VERSION)) {
      console.warn(
        `Jupyter Studio: frontend ${FRONTEND_VERSION} and server ${info.version} differ.`
      );
      void showDialog({
        title: 'Jupyter Studio version mismatch',
        body:
          `The Jupyter Studio frontend is version ${FRONTEND_VERSION} but the ` +
          `server extension is version ${info.version}. Reinstall the ` +
          '`jupyter_studio` package and restart JupyterLab so that both match.',
        buttons: [Dialog.okButton({ label: 'Dismiss' })]
      });
    }
    return info;
  } catch (error) {
    const notFound = error instanceof StudioAPIError && error.status === 404;
    console.error('Jupyter Studio: handshake failed', error);
    const body = notFound
      ? 'The Jupyter Studio server extension is not installed or not enabled ' +
        'on this Jupyter server, so the Studio panels are disabled. Check with ' +
        '"jupyter server extension list", enable it with ' +
        '"jupyter server extension enable jupyter_studio", then restart JupyterLab.'
      : 'The Jupyter Studio server extension did not answer correctly, so the ' +
        `Studio panels are disabled.\n\nError: ${errorMessage(error)}\n\n` +
        'Check the Jupyter server log, make sure the extension is enabled ' +
        '("jupyter server extension list"), then restart JupyterLab.';
    void showDialog({
      title: notFound
        ? 'Jupyter Studio server extension not found'
        : 'Jupyter Studio server extension not enabled or failing',
      body,
      buttons: [Dialog.okButton({ label: 'Dismiss' })]
    });
    return null;
  }
}

/**
 * Performs the handshake and provides the connection to the other plugins.
 */
export const connectionPlugin: JupyterFrontEndPlugin<IStudioConnection> = {
  id: `${PLUGIN_PREFIX}:connection`,
  description: 'Connects to the Jupyter Studio server extension.',
  autoStart: true,
  provides: IStudioConnection,
  activate: async (app: JupyterFrontEnd): Promise<IStudioConnection> => {
    const serverSettings = app.serviceManager.serverSettings;
    const info = await handshake(serverSettings);
    return new StudioConnection(serverSettings, info);
  }
};
