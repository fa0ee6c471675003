import { ServerConnection } from '@jupyterlab/services';
import { Token } from '@lumino/coreutils';
import { ISignal } from '@lumino/signaling';

import type { IStudioInfo } from './api/info';

/** Command ids of Jupyter Studio. */
export namespace CommandIDs {
  export const openJobs = 'studio:open-jobs';
  export const newJob = 'studio:new-job';
  export const runAsJob = 'studio:run-as-job';
  export const stopJob = 'studio:stop-job';
  export const openHome = 'studio:open-home';
  export const openAutopilot = 'studio:open-autopilot';
  export const openModelHub = 'studio:open-model-hub';
  export const openDataWrangler = 'studio:open-data-wrangler';
  export const openEndpoints = 'studio:open-endpoints';
}

/** Category of the Studio launcher cards and palette entries. */
export const STUDIO_CATEGORY = 'Studio';

/** Plugin id prefix. */
export const PLUGIN_PREFIX = '@jupyter-studio/labextension';

/**
 * The connection to the Studio server extension, established once at startup.
 *
 * Every other Studio plugin requires this token; when the server extension is
 * missing they see `available === false` and add no UI.
 */
export interface IStudioConnection {
  /** Whether the server extension answered the `info` handshake. */
  readonly available: boolean;
  /** The handshake response (`null` when unavailable). */
  readonly info: IStudioInfo | null;
  /** Server settings every request must use. */
  readonly serverSettings: ServerConnection.ISettings;
  /**
   * The active space chosen in the home panel with "Open" (or `null`).
   */
  readonly activeSpaceId: string | null;
  /** Set the active space (persisted in the browser). */
  setActiveSpace(spaceId: string | null): void;
  /** Emitted when the active space changes. */
  readonly activeSpaceChanged: ISignal<IStudioConnection, string | null>;
}

/** Token of the Studio server connection. */
export const IStudioConnection = new Token<IStudioConnection>(
  `${PLUGIN_PREFIX}:IStudioConnection`,
  'The Jupyter Studio server connection and handshake information.'
);
