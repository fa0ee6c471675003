/*
 * Launcher cards and placeholder panels for the tools of later releases:
 * AutoML, Model hub and Data Wrangler.
 */
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ILauncher } from '@jupyterlab/launcher';

import {
  CommandIDs,
  IStudioConnection,
  PLUGIN_PREFIX,
  STUDIO_CATEGORY
} from '../../tokens';
import { PLANNED_TOOLS } from './tools';
import { PlaceholderPanel } from './widget';

export const placeholderPlugin: JupyterFrontEndPlugin<void> = {
  id: `${PLUGIN_PREFIX}:placeholders`,
  description: 'Launcher cards for the Studio tools of later releases.',
  autoStart: true,
  requires: [IStudioConnection],
  optional: [ICommandPalette, ILauncher],
  activate: (
    app: JupyterFrontEnd,
    connection: IStudioConnection,
    palette: ICommandPalette | null,
    launcher: ILauncher | null
  ): void => {
    if (!connection.available) {
      return;
    }
    const panels = new Map<string, PlaceholderPanel>();
    for (const tool of PLANNED_TOOLS) {
      app.commands.addCommand(tool.command, {
        label: tool.label,
        caption: `${tool.caption} (coming in a later release)`,
        icon: args => (args.isPalette ? undefined : tool.icon),
        execute: () => {
          let panel = panels.get(tool.id);
          if (!panel || panel.isDisposed) {
            panel = new PlaceholderPanel(tool, () => {
              void app.commands.execute(CommandIDs.openJobs);
            });
            panels.set(tool.id, panel);
          }
          if (!panel.isAttached) {
            app.shell.add(panel, 'main');
          }
          app.shell.activateById(panel.id);
          return panel;
        }
      });
      palette?.addItem({ command: tool.command, category: STUDIO_CATEGORY });
      launcher?.add({
        command: tool.command,
        category: STUDIO_CATEGORY,
        rank: tool.rank
      });
    }
  }
};
