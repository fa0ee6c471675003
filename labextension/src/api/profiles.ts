/*
 * Typed client for the user profile endpoints (`studio/api/profiles`).
 */
import { ServerConnection } from '@jupyterlab/services';

import { requestAPI } from './request';

/**
 * Per-user defaults set by domain administrators (`ProfileSettings`).
 *
 * Every setting is optional: `null` means the domain default applies.
 */
export interface IProfileSettings {
  /** Runtime limit in seconds of the user's jobs that set none. */
  default_max_runtime_seconds: number | null;
}

/** A user profile. */
export interface IProfile {
  username: string;
  display_name: string;
  is_admin: boolean;
  /** File-browser path of the user's home folder. */
  home_path: string | null;
  settings: IProfileSettings;
  created_at: string;
}

/** Response of `GET studio/api/profiles` (every profile, no pagination). */
export interface IProfileList {
  items: IProfile[];
  total_count: number;
}

/** Body of `POST studio/api/profiles` (admins). */
export interface ICreateProfile {
  username: string;
  display_name?: string | null;
  is_admin?: boolean;
  settings?: Partial<IProfileSettings>;
}

/**
 * Body of `PATCH studio/api/profiles/{username}` (admins).
 *
 * In `settings` only the fields sent change; send `null` to clear one.
 */
export interface IUpdateProfile {
  display_name?: string | null;
  is_admin?: boolean | null;
  settings?: Partial<IProfileSettings> | null;
}

function profilePath(username: string): string {
  return `profiles/${encodeURIComponent(username)}`;
}

/** `GET studio/api/profiles`: every user profile of the domain (admins). */
export function listProfiles(
  serverSettings: ServerConnection.ISettings
): Promise<IProfileList> {
  return requestAPI<IProfileList>(
    'profiles',
    { method: 'GET' },
    serverSettings
  );
}

/** `GET studio/api/profiles/{username}` (own profile, or admins). */
export function getProfile(
  username: string,
  serverSettings: ServerConnection.ISettings
): Promise<IProfile> {
  return requestAPI<IProfile>(
    profilePath(username),
    { method: 'GET' },
    serverSettings
  );
}

/**
 * `POST studio/api/profiles` (admins).
 *
 * @throws {StudioAPIError} 409 `profile_exists`, 400 for a bad username.
 */
export function createProfile(
  body: ICreateProfile,
  serverSettings: ServerConnection.ISettings
): Promise<IProfile> {
  return requestAPI<IProfile>(
    'profiles',
    { method: 'POST', body: JSON.stringify(body) },
    serverSettings
  );
}

/**
 * `PATCH studio/api/profiles/{username}` (admins).
 *
 * @throws {StudioAPIError} 409 `admin_by_config` when removing the admin flag
 *   of an administrator listed in `Studio.admin_users`.
 */
export function updateProfile(
  username: string,
  body: IUpdateProfile,
  serverSettings: ServerConnection.ISettings
): Promise<IProfile> {
  return requestAPI<IProfile>(
    profilePath(username),
    { method: 'PATCH', body: JSON.stringify(body) },
    serverSettings
  );
}
