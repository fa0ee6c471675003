import { ServerConnection } from '@jupyterlab/services';
import { Token } from '@lumino/coreutils';
import { IDisposable } from '@lumino/disposable';
import { ISignal } from '@lumino/signaling';
import type { ComponentType } from 'react';

import type { IStudioInfo } from './api/info';
import type { ICreateJob, IJob, IJobKind, JobStatus } from './api/jobs';
import type { ICreateSpace, ISpace } from './api/spaces';
import type { LoadState } from './utils/load-state';

/** Opens paths for the views. */
export interface IPathOpener {
  /** Open a file in its default editor/viewer (`docmanager:open`). */
  openFile(path: string): void;
  /** Show a file or folder in the file browser (`filebrowser:go-to-path`). */
  reveal(path: string): void;
}

/** What "Register model" is asked with (a job's model folder, a name, a space). */
export interface IRegisterRequest {
  path?: string;
  name?: string;
  spaceId?: string | null;
  trainingDataPath?: string;
}

/** Command ids of Jupyter Studio. */
export namespace CommandIDs {
  export const openJobs = 'studio:open-jobs';
  export const newJob = 'studio:new-job';
  export const runAsJob = 'studio:run-as-job';
  export const stopJob = 'studio:stop-job';
  export const openHome = 'studio:open-home';
  export const openAutoML = 'studio:open-automl';
  export const createAutoML = 'studio:create-automl-experiment';
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

/** Filters of a job list; an empty string means "any". */
export interface IJobFilter {
  /** Only jobs in this status. */
  readonly status: JobStatus | '';
  /** Only jobs of this kind (its `name`). */
  readonly kind: string;
  /** Only jobs of this space (its `space_id`). */
  readonly spaceId: string;
}

/** One page of jobs as received from the server. */
export interface IJobPage {
  /** The jobs, newest first. */
  readonly items: IJob[];
  /** How many jobs match the filter on the server. */
  readonly totalCount: number;
  /** `Date.now()` when the page was received (for live elapsed times). */
  readonly receivedAt: number;
}

/** A list of jobs for one filter, kept fresh by the Studio model. */
export interface IJobList {
  /** The filter of this list. */
  readonly filter: IJobFilter;
  /** The jobs, or why they could not be loaded. */
  readonly state: LoadState<IJobPage>;
}

/**
 * The jobs, spaces and job kinds every Studio panel shows: one object,
 * created once, that polls the server while any panel using it is visible.
 */
export interface IStudioModel extends IDisposable {
  /** The server connection. */
  readonly connection: IStudioConnection;
  /** Emitted after any change of state. */
  readonly changed: ISignal<IStudioModel, void>;
  /** Emitted after each successful refresh of the job lists. */
  readonly refreshed: ISignal<IStudioModel, void>;

  /** The most recent jobs, without filter. */
  readonly jobs: IJobList;
  /**
   * A job list for `filter`, refreshed with the others until `unwatchJobs`
   * (the unfiltered `jobs` list for an empty filter).
   */
  watchJobs(filter: IJobFilter): IJobList;
  /** Stop refreshing a list obtained from `watchJobs`. */
  unwatchJobs(list: IJobList): void;

  /** The spaces the user may see. */
  readonly spaces: LoadState<ISpace[]>;
  /** A visible space by id, or `null`. */
  spaceById(spaceId: string | null | undefined): ISpace | null;
  /** The active space, when it is visible to the user. */
  readonly activeSpace: ISpace | null;
  /**
   * The id of the active space, or `null` when there is none or it is no
   * longer visible (trusted as is until the spaces are loaded).
   */
  readonly activeSpaceId: string | null;

  /** The registered job kinds. */
  readonly kinds: LoadState<IJobKind[]>;
  /** A job kind by name, or `null` while unknown. */
  kindByName(name: string): IJobKind | null;

  /**
   * Tell whether `viewer` (a panel or its model) is visible: the model
   * polls while at least one viewer is.
   */
  setVisible(viewer: unknown, visible: boolean): void;
  /**
   * Settings of one client (e.g. `home`, `jobs`): the model polls at the
   * shortest interval and lists the most jobs any client asks for.
   */
  configure(client: string, options: IStudioModel.IConfig): void;

  /** Refresh the jobs, the spaces and (if needed) the job kinds now. */
  refresh(): Promise<void>;
  /** Refresh the spaces now. */
  refreshSpaces(): Promise<void>;

  /** Create and start a job, then refresh. */
  createJob(body: ICreateJob): Promise<IJob>;
  /** Ask a job to stop. */
  stopJob(jobId: string): Promise<IJob>;
  /** Run an ended job again as a new job. */
  retryJob(jobId: string): Promise<IJob>;

  /** Create a space. */
  createSpace(body: ICreateSpace): Promise<ISpace>;
  /** Rename a space (its folder keeps its path). */
  renameSpace(spaceId: string, name: string): Promise<ISpace>;
  /** Delete a space (its files go to the domain trash). */
  deleteSpace(spaceId: string): Promise<void>;
  /** Add a member to a shared space. */
  addMember(spaceId: string, username: string): Promise<ISpace>;
  /** Remove a member from a shared space. */
  removeMember(spaceId: string, username: string): Promise<void>;
}

export namespace IStudioModel {
  /** Settings of one client of the model. */
  export interface IConfig {
    /** Polling interval in ms. */
    interval?: number;
    /** Most jobs listed. */
    limit?: number;
  }
}

/** Token of the shared Studio model. */
export const IStudioModel = new Token<IStudioModel>(
  `${PLUGIN_PREFIX}:IStudioModel`,
  'The jobs, spaces and job kinds shared by the Studio panels.'
);

/** What a job kind's parameters form gets from the new-job form. */
export interface IJobParametersFormProps {
  /** The kind whose parameters are edited. */
  kind: IJobKind;
  /** Initial parameter values, e.g. `{script}` from the file browser. */
  initial: Readonly<Record<string, unknown>>;
  /**
   * Errors to show next to fields, by parameter name: the form's own
   * problems after a submit attempt, or the server's (`detail[].loc`).
   */
  errors: Readonly<Record<string, string>>;
  /** Called with the current parameters on every edit (and once at first). */
  onChange(value: IJobParameters): void;
  /** Prefix of element ids, unique in the page. */
  idPrefix: string;
}

/** The parameters a form currently holds. */
export interface IJobParameters {
  /** The `parameters` object to send. */
  parameters: Record<string, unknown>;
  /** Input that cannot be sent yet, by parameter name (empty when none). */
  problems: Record<string, string>;
}

/** A component that edits the parameters of one job kind. */
export type JobParametersForm = ComponentType<IJobParametersFormProps>;

/** A registered parameters form. */
export interface IJobFormEntry {
  /** The form component. */
  form: JobParametersForm;
  /** Initial parameters when the form opens without any (e.g. the selected file). */
  initialParameters?: () => Record<string, unknown>;
  /**
   * Entries of the "New job" menu for this kind, each opening the form with
   * its own parameters (default: one entry, the kind itself).
   */
  variants?: IJobFormVariant[];
  /**
   * Start the job another way than `POST /jobs` (e.g. the feature's own
   * endpoint); its errors must be located as `POST /jobs` locates them.
   */
  create?: (body: ICreateJob) => Promise<IJob>;
}

/** One entry of the "New job" menu for a kind, e.g. one processor. */
export interface IJobFormVariant {
  /** Unique within the kind. */
  id: string;
  title: string;
  description?: string;
  /** Parameters the form opens with (merged over `initialParameters`). */
  parameters: Record<string, unknown>;
}

/**
 * The parameters forms of job kinds. A kind without a registered form gets
 * one built from its `parameters_schema`.
 */
export interface IJobFormRegistry {
  /**
   * Register the parameters form of a job kind.
   *
   * @returns a disposable that unregisters it.
   */
  register(
    kind: string,
    form: JobParametersForm,
    options?: Omit<IJobFormEntry, 'form'>
  ): IDisposable;
  /** The registered form of a kind, or `null`. */
  get(kind: string): IJobFormEntry | null;
  /** Emitted with the kind's name when a form is registered or removed. */
  readonly changed: ISignal<IJobFormRegistry, string>;
}

/** Token of the job parameters forms registry (provided by the Jobs panel). */
export const IJobFormRegistry = new Token<IJobFormRegistry>(
  `${PLUGIN_PREFIX}:IJobFormRegistry`,
  'Forms for the parameters of job kinds in the "New job" form.'
);
