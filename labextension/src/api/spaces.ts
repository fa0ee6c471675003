/*
 * Typed client for the spaces endpoints (`studio/api/spaces`).
 */
import { ServerConnection } from '@jupyterlab/services';

import { IListResponse, requestAPI, toQuery } from './request';

/** Who may see a space. */
export type SpaceKind = 'private' | 'shared';

/** A space: a folder of the domain with an owner and members. */
export interface ISpace {
  space_id: string;
  name: string;
  kind: SpaceKind;
  owner: string;
  members: string[];
  /** File-browser path of the space's folder (`null` when outside it). */
  path: string | null;
  created_at: string;
  updated_at: string;
}

/** Body of `POST studio/api/spaces`. */
export interface ICreateSpace {
  name: string;
  kind: SpaceKind;
  members?: string[];
}

/** Body of `PATCH studio/api/spaces/{id}`. */
export interface IUpdateSpace {
  name: string;
}

function spacePath(spaceId: string, suffix = ''): string {
  return `spaces/${encodeURIComponent(spaceId)}${suffix}`;
}

/** `GET studio/api/spaces`: the spaces the caller may see. */
export function listSpaces(
  serverSettings: ServerConnection.ISettings,
  query: { limit?: number; next_token?: string | null } = {}
): Promise<IListResponse<ISpace>> {
  return requestAPI<IListResponse<ISpace>>(
    `spaces${toQuery(query)}`,
    { method: 'GET' },
    serverSettings
  );
}

/** `GET studio/api/spaces/{id}`. */
export function getSpace(
  spaceId: string,
  serverSettings: ServerConnection.ISettings
): Promise<ISpace> {
  return requestAPI<ISpace>(
    spacePath(spaceId),
    { method: 'GET' },
    serverSettings
  );
}

/** `POST studio/api/spaces`. */
export function createSpace(
  body: ICreateSpace,
  serverSettings: ServerConnection.ISettings
): Promise<ISpace> {
  return requestAPI<ISpace>(
    'spaces',
    { method: 'POST', body: JSON.stringify(body) },
    serverSettings
  );
}

/** `PATCH studio/api/spaces/{id}` (owner only). */
export function updateSpace(
  spaceId: string,
  body: IUpdateSpace,
  serverSettings: ServerConnection.ISettings
): Promise<ISpace> {
  return requestAPI<ISpace>(
    spacePath(spaceId),
    { method: 'PATCH', body: JSON.stringify(body) },
    serverSettings
  );
}

/** `DELETE studio/api/spaces/{id}`: moves the files to the domain trash. */
export async function deleteSpace(
  spaceId: string,
  serverSettings: ServerConnection.ISettings
): Promise<void> {
  await requestAPI<void>(
    spacePath(spaceId),
    { method: 'DELETE' },
    serverSettings
  );
}

/** `POST studio/api/spaces/{id}/members` (owner only, shared spaces). */
export function addSpaceMember(
  spaceId: string,
  username: string,
  serverSettings: ServerConnection.ISettings
): Promise<ISpace> {
  return requestAPI<ISpace>(
    spacePath(spaceId, '/members'),
    { method: 'POST', body: JSON.stringify({ username }) },
    serverSettings
  );
}

/** `DELETE studio/api/spaces/{id}/members/{username}` (owner only). */
export async function removeSpaceMember(
  spaceId: string,
  username: string,
  serverSettings: ServerConnection.ISettings
): Promise<void> {
  await requestAPI<void>(
    spacePath(spaceId, `/members/${encodeURIComponent(username)}`),
    { method: 'DELETE' },
    serverSettings
  );
}
