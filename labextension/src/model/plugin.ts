/*
 * Provides the one Studio model the panels share.
 */
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';

import { IStudioConnection, IStudioModel, PLUGIN_PREFIX } from '../tokens';
import { StudioModel } from './studio-model';

export const studioModelPlugin: JupyterFrontEndPlugin<IStudioModel> = {
  id: `${PLUGIN_PREFIX}:model`,
  description: 'The jobs, spaces and job kinds shared by the Studio panels.',
  autoStart: true,
  requires: [IStudioConnection],
  provides: IStudioModel,
  activate: (_: JupyterFrontEnd, connection: IStudioConnection) =>
    new StudioModel({ connection })
};
