/*
 * The Studio home side panel plugin.
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, showErrorMessage } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import {
  IDefaultFileBrowser,
  IFileBrowserFactory
} from '@jupyterlab/filebrowser';
import { ISettingRegistry } from '@jupyterlab/settingregistry';

import { makePathOpener } from '../../file-browser';
import { studioIcon } from '../../icons';
import {
  CommandIDs,
  IStudioConnection,
  IStudioModel,
  PLUGIN_PREFIX,
  STUDIO_CATEGORY
} from '../../tokens';
import { HomeModel } from './model';
import { HomePanel } from './widget';

export { HomeModel } from './model';
export { HomePanel } from './widget';

export const homePlugin: JupyterFrontEndPlugin<void> = {
  id: `${PLUGIN_PREFIX}:home`,
  description: 'The Studio home side panel: spaces and recent jobs.',
  autoStart: true,
  requires: [IStudioConnection, IStudioModel],
  optional: [
    ILayoutRestorer,
    ICommandPalette,
    ISettingRegistry,
    IFileBrowserFactory,
    IDefaultFileBrowser
  ],
  activate: async (
    app: JupyterFrontEnd,
    connection: IStudioConnection,
    studio: IStudioModel,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    settingRegistry: ISettingRegistry | null,
    factory: IFileBrowserFactory | null,
    defaultBrowser: IDefaultFileBrowser | null
  ): Promise<void> => {
    if (!connection.available) {
      return;
    }
    const { commands } = app;
    const opener = makePathOpener(app);
    let settings: ISettingRegistry.ISettings | null = null;
    try {
      settings = settingRegistry
        ? await settingRegistry.load(homePlugin.id)
        : null;
    } catch (reason) {
      console.warn('Jupyter Studio: cannot load the home settings', reason);
    }
    const model = new HomeModel({
      studio,
      interval: settings?.get('pollInterval').composite as number | undefined,
      jobLimit: settings?.get('recentJobs').composite as number | undefined
    });
    settings?.changed.connect(() => {
      model.configure({
        interval: settings?.get('pollInterval').composite as number,
        jobLimit: settings?.get('recentJobs').composite as number
      });
    });
    const panel = new HomePanel(model, {
      openSpace: space => {
        if (space.path === null) {
          void showErrorMessage(
            `Cannot open the space "${space.name}"`,
            'Its folder is outside the file browser.'
          );
          return;
        }
        commands
          .execute('filebrowser:go-to-path', { path: space.path })
          .then(() => connection.setActiveSpace(space.space_id))
          .catch(error =>
            showErrorMessage(`Cannot open the space "${space.name}"`, error)
          );
      },
      relocate: async (oldPath, newPath) => {
        const browsers = new Set(
          [defaultBrowser, factory?.tracker.currentWidget].filter(Boolean)
        );
        const old = PathExt.removeSlash(oldPath);
        for (const browser of browsers) {
          const cwd = PathExt.removeSlash(browser!.model.path);
          if (cwd === old || cwd.startsWith(`${old}/`)) {
            const target = newPath
              ? PathExt.join(newPath, cwd.slice(old.length))
              : PathExt.dirname(old);
            await browser!.model
              .cd(`/${target}`)
              .catch(() => browser!.model.cd('/'));
          }
        }
      },
      revealPath: path => opener.reveal(path),
      openJob: jobId => void commands.execute(CommandIDs.openJobs, { jobId }),
      openJobs: () => void commands.execute(CommandIDs.openJobs),
      newJob: () => void commands.execute(CommandIDs.newJob),
      createAutoML: () => void commands.execute(CommandIDs.createAutoML)
    });
    app.shell.add(panel, 'left', { rank: 150 });
    restorer?.add(panel, 'jupyter-studio-home');

    commands.addCommand(CommandIDs.openHome, {
      label: 'Studio Home',
      caption: 'Show the Studio side panel: spaces and recent jobs',
      icon: args => (args.isPalette ? undefined : studioIcon),
      execute: () => app.shell.activateById(panel.id)
    });
    palette?.addItem({
      command: CommandIDs.openHome,
      category: STUDIO_CATEGORY
    });
  }
};
