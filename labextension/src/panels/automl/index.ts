/*
 * The AutoML panel plugin: `studio:open-automl` (the AutoML launcher
 * card) and `studio:create-automl-experiment` (the wizard).
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
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';

import type { ISpace } from '../../api/spaces';
import { offerPanel, singlePanel } from '../main-area-panel';
import { currentBrowser, makePathOpener } from '../../file-browser';
import { automlIcon } from '../../icons';
import {
  CommandIDs,
  IStudioConnection,
  IStudioModel,
  PLUGIN_PREFIX
} from '../../tokens';
import { LoadState } from '../../utils/load-state';
import { OPEN_MODELS } from '../models';
import { findTableFiles, isTableFile } from './data-files';
import { AutoMLModel } from './model';
import { AutoMLPanel } from './widget';

export { AutoMLModel } from './model';
export { AutoMLPanel } from './widget';

export const automlPlugin: JupyterFrontEndPlugin<void> = {
  id: `${PLUGIN_PREFIX}:automl`,
  description:
    'The Studio AutoML panel: the experiment wizard, live leaderboard, results, deploy and register.',
  autoStart: true,
  requires: [IStudioConnection],
  optional: [
    IStudioModel,
    ILayoutRestorer,
    ICommandPalette,
    ILauncher,
    IRenderMimeRegistry,
    IFileBrowserFactory,
    IDefaultFileBrowser
  ],
  activate: (
    app: JupyterFrontEnd,
    connection: IStudioConnection,
    studio: IStudioModel | null,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    launcher: ILauncher | null,
    rendermime: IRenderMimeRegistry | null,
    factory: IFileBrowserFactory | null,
    defaultBrowser: IDefaultFileBrowser | null
  ): void => {
    if (!connection.available) {
      return;
    }
    const { commands, shell } = app;
    const opener = makePathOpener(app);
    const tracker = new WidgetTracker<AutoMLPanel>({
      namespace: 'studio-automl'
    });
    const spaces = (): ISpace[] =>
      studio ? (LoadState.valueOf(studio.spaces) ?? []) : [];
    const folders = (): string[] => {
      const home = connection.info?.user.home_path;
      const list = [home ?? ''];
      for (const space of spaces()) {
        if (space.path !== null) {
          list.push(space.path);
        }
      }
      const browser = currentBrowser(factory, defaultBrowser);
      if (browser) {
        list.unshift(browser.model.path.replace(/^\//, ''));
      }
      return list;
    };
    const selectedFile = (): string | null => {
      const browser = currentBrowser(factory, defaultBrowser);
      for (const item of browser?.selectedItems() ?? []) {
        if (item.type !== 'directory' && isTableFile(item.path)) {
          return item.path;
        }
      }
      return null;
    };
    const openPanel = singlePanel(shell, tracker, () => {
      return new AutoMLPanel({
        model: new AutoMLModel({
          connection,
          listDataFiles: () =>
            findTableFiles(app.serviceManager.contents, folders())
        }),
        opener,
        rendermime,
        actions: {
          spaces,
          selectedFile,
          openEndpoint: name =>
            void commands.execute(CommandIDs.openEndpoints, { name }),
          openModel: (name, spaceId, version) =>
            void commands.execute(OPEN_MODELS, { name, spaceId, version })
        }
      });
    });

    commands.addCommand(CommandIDs.openAutoML, {
      label: 'AutoML',
      caption: 'Train and compare models automatically on a tabular dataset',
      icon: args => (args.isPalette ? undefined : automlIcon),
      execute: args => {
        const widget = openPanel();
        const name = args.name as string | undefined;
        if (name) {
          widget.model.open(name);
        }
        return widget;
      }
    });
    commands.addCommand(CommandIDs.createAutoML, {
      label: 'Create an AutoML experiment',
      caption: 'The AutoML wizard: data, target, training method, deployment',
      execute: args => {
        const widget = openPanel();
        const text = (key: string) =>
          typeof args[key] === 'string' ? (args[key] as string) : undefined;
        // Data Wrangler's "Export and train" passes the AutoML request it prepared
        widget.model.showWizard({
          data: text('data'),
          target: text('target'),
          experimentName: text('experiment_name'),
          spaceId: text('space_id'),
          dataJob: text('jobName') ?? text('jobId')
        });
        return widget;
      }
    });

    offerPanel({
      command: CommandIDs.openAutoML,
      tracker,
      restorer,
      palette,
      launcher,
      rank: 1,
      paletteOnly: [CommandIDs.createAutoML]
    });
  }
};
