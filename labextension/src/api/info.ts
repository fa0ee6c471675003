/*
 * Client for the handshake and identity endpoints.
 */
import { ServerConnection } from '@jupyterlab/services';

import { requestAPI } from './request';

/** The calling user, as the server sees them. */
export interface IStudioUser {
  username: string;
  display_name: string;
  is_admin: boolean;
}

/** The domain: one Studio installation with its root folder. */
export interface IDomainSummary {
  domain_id: string;
  name: string;
  root_dir: string;
}

/** Response of `GET studio/api/info`. */
export interface IStudioInfo {
  version: string;
  user: IStudioUser;
  domain: IDomainSummary;
  contents_root: string;
  job_kinds: string[];
}

/** Response of `GET studio/api/domain`. */
export interface IDomain extends IDomainSummary {
  store: 'sqlite' | 'postgresql' | string;
  default_settings: Record<string, unknown>;
}

/** A user profile. */
export interface IProfile {
  username: string;
  display_name: string;
  is_admin: boolean;
  home_path: string | null;
  settings: Record<string, unknown>;
  created_at: string;
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
