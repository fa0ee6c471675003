/*
 * Jupyter Studio for JupyterLab 4: registers the plugins.
 */
import { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { connectionPlugin } from './connection';
import { studioModelPlugin } from './model';
import { automlPlugin } from './panels/automl';
import { endpointsPlugin } from './panels/endpoints';
import { experimentsPlugin } from './panels/experiments';
import { homePlugin } from './panels/home';
import {
  jobsPlugin,
  processingFormPlugin,
  processorFormPlugin
} from './panels/jobs';
import { modelHubPlugin } from './panels/modelhub';
import { modelsPlugin } from './panels/models';
import { placeholderPlugin } from './panels/placeholder';
import { wranglerPlugin } from './panels/wrangler';

export * from './tokens';

const plugins: JupyterFrontEndPlugin<any>[] = [
  connectionPlugin,
  studioModelPlugin,
  jobsPlugin,
  processingFormPlugin,
  processorFormPlugin,
  homePlugin,
  modelsPlugin,
  experimentsPlugin,
  endpointsPlugin,
  modelHubPlugin,
  automlPlugin,
  placeholderPlugin,
  wranglerPlugin
];

export default plugins;
