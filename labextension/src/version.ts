/**
 * Version of this frontend; must equal `version` in package.json (a unit test
 * checks it). Compared with the server's `info.version` at startup.
 */
export const FRONTEND_VERSION = '0.1.0';
