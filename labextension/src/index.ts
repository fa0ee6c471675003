/*
 * Jupyter Studio for JupyterLab 4: registers the plugins.
 */
import { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { connectionPlugin } from './connection';
import { homePlugin } from './panels/home';
import { jobsPlugin } from './panels/jobs';
import { placeholderPlugin } from './panels/placeholder';

export * from './tokens';

const plugins: JupyterFrontEndPlugin<any>[] = [
  connectionPlugin,
  jobsPlugin,
  homePlugin,
  placeholderPlugin
];

export default plugins;
