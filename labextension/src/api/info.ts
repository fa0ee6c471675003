/*
 * Client for the handshake and domain endpoints.
 */
import { ServerConnection } from '@jupyterlab/services';

import type { IProfile, IProfileSettings } from './profiles';
import { requestAPI } from './request';

export type { IProfile } from './profiles';

/** The calling user, as the server sees them. */
export interface IStudioUser {
  username: string;
  display_name: string;
  is_admin: boolean;
  /** File-browser path of the user's home folder. */
  home_path: string | null;
}

/** The domain: one Studio installation with its root folder. */
export interface IDomainSummary {
  domain_id: string;
  name: string;
  /** Disk path of the domain root folder. */
  domain_root: string;
  /** Kind of metadata store (`sqlite`, `postgresql`, ...). */
  store: string;
}

/** Response of `GET studio/api/info`. */
export interface IStudioInfo {
  version: string;
  user: IStudioUser;
  domain: IDomainSummary;
  /** Disk path of Jupyter's contents root (the file browser). */
  contents_root: string;
  /** Names of the registered job kinds. */
  job_kinds: string[];
}

/** Response of `GET studio/api/domain`. */
export interface IDomain extends IDomainSummary {
  /** Defaults of every profile's settings. */
  default_settings: IProfileSettings;
}

/** `GET studio/api/info`: version handshake, user and domain. */
export function getInfo(
  serverSettings: ServerConnection.ISettings
): Promise<IStudioInfo> {
  return requestAPI<IStudioInfo>('info', { method: 'GET' }, serverSettings);
}

/** `GET studio/api/domain`. */
export function getDomain(
  serverSettings: ServerConnection.ISettings
): Promise<IDomain> {
  return requestAPI<IDomain>('domain', { method: 'GET' }, serverSettings);
}

/** `GET studio/api/profiles/me`. */
export function getMyProfile(
  serverSettings: ServerConnection.ISettings
): Promise<IProfile> {
  return requestAPI<IProfile>('profiles/me', { method: 'GET' }, serverSettings);
}
