/*
 * The Endpoints panel plugin: `studio:open-endpoints` and its launcher card.
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, WidgetTracker } from '@jupyterlab/apputils';
import {
  IDefaultFileBrowser,
  IFileBrowserFactory
} from '@jupyterlab/filebrowser';
import { ILauncher } from '@jupyterlab/launcher';
import { Contents } from '@jupyterlab/services';

import { offerPanel, singlePanel } from '../main-area-panel';
import { currentBrowser, makePathOpener } from '../../file-browser';
import { endpointsIcon } from '../../icons';
import { CommandIDs, IStudioConnection, PLUGIN_PREFIX } from '../../tokens';
import { OPEN_MODELS } from '../models';
import { EndpointsModel, FileReader } from './model';
import { EndpointsPanel } from './widget';

export { EndpointsModel } from './model';
export { EndpointsPanel } from './widget';

/** The largest file the invoke box reads rows from (bytes). */
export const MAX_PICK_FILE_BYTES = 50 * 1024 * 1024;

/** A reader of text files through JupyterLab's contents API. */
export function contentsReader(contents: Contents.IManager): FileReader {
  return async path => {
    const info = await contents.get(path, { content: false });
    if (info.type === 'directory') {
      throw new Error(`${path} is a folder, not a file.`);
    }
    if (typeof info.size === 'number' && info.size > MAX_PICK_FILE_BYTES) {
      throw new Error(
        `the file is ${Math.round(info.size / 1048576)} MB; rows are read from files up to ${MAX_PICK_FILE_BYTES / 1048576} MB.`
      );
    }
    const model = await contents.get(path, {
      type: 'file',
      format: 'text',
      content: true
    });
    return typeof model.content === 'string' ? model.content : '';
  };
}

export const endpointsPlugin: JupyterFrontEndPlugin<void> = {
  id: `${PLUGIN_PREFIX}:endpoints`,
  description: 'The Studio Endpoints panel: status, traffic, invoke, update.',
  autoStart: true,
  requires: [IStudioConnection],
  optional: [
    ILayoutRestorer,
    ICommandPalette,
    ILauncher,
    IFileBrowserFactory,
    IDefaultFileBrowser
  ],
  activate: (
    app: JupyterFrontEnd,
    connection: IStudioConnection,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    launcher: ILauncher | null,
    factory: IFileBrowserFactory | null,
    defaultBrowser: IDefaultFileBrowser | null
  ): void => {
    if (!connection.available) {
      return;
    }
    const { commands, shell } = app;
    const opener = makePathOpener(app);
    const tracker = new WidgetTracker<EndpointsPanel>({
      namespace: 'studio-endpoints'
    });
    const selectedFile = (): string | null => {
      const browser = currentBrowser(factory, defaultBrowser);
      for (const item of browser?.selectedItems() ?? []) {
        if (item.type !== 'directory') {
          return item.path;
        }
      }
      return null;
    };
    const openPanel = singlePanel(shell, tracker, () => {
      return new EndpointsPanel({
        model: new EndpointsModel({
          connection,
          readFile: contentsReader(app.serviceManager.contents)
        }),
        opener,
        actions: {
          openModel: (name, spaceId, version) =>
            void commands.execute(OPEN_MODELS, { name, spaceId, version }),
          openModels: () => void commands.execute(OPEN_MODELS),
          selectedFile
        }
      });
    });

    commands.addCommand(CommandIDs.openEndpoints, {
      label: 'Endpoints',
      caption: 'Deployed models: status, traffic and latency; invoke them',
      icon: args => (args.isPalette ? undefined : endpointsIcon),
      execute: args => {
        const widget = openPanel();
        const name = args.name as string | undefined;
        if (name) {
          widget.model.select(name);
          void widget.model.refresh();
        }
        return widget;
      }
    });

    offerPanel({
      command: CommandIDs.openEndpoints,
      tracker,
      restorer,
      palette,
      launcher,
      rank: 5
    });
  }
};
