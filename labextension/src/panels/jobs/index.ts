/*
 * The Jobs panel plugin: `studio:open-jobs`, `studio:new-job` and the
 * file-browser item "Run as Studio job".
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  ICommandPalette,
  Notification,
  showErrorMessage,
  WidgetTracker
} from '@jupyterlab/apputils';
import {
  IDefaultFileBrowser,
  IFileBrowserFactory
} from '@jupyterlab/filebrowser';
import { ILauncher } from '@jupyterlab/launcher';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { addIcon } from '@jupyterlab/ui-components';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import { createJob } from '../../api/jobs';
import { errorMessage } from '../../api/request';
import { getSpace, ISpace } from '../../api/spaces';
import {
  currentBrowser,
  makePathOpener,
  selectedPythonFile
} from '../../file-browser';
import { jobsIcon } from '../../icons';
import { spaceForScript } from '../../utils/spaces';
import {
  CommandIDs,
  IStudioConnection,
  PLUGIN_PREFIX,
  STUDIO_CATEGORY
} from '../../tokens';
import { JobsModel } from './model';
import { JobsPanel } from './widget';

export { JobsModel } from './model';
export { JobsPanel } from './widget';

/** Arguments of `studio:open-jobs`. */
interface IOpenJobsArgs {
  /** Select this job. */
  jobId?: string;
  /** Show the new-job form. */
  newJob?: boolean;
  /** Prefill the form's script path. */
  script?: string;
  /** Preselect the form's space (`null`: none; absent: the active space). */
  spaceId?: string | null;
}

export const jobsPlugin: JupyterFrontEndPlugin<void> = {
  id: `${PLUGIN_PREFIX}:jobs`,
  description: 'The Studio Jobs panel.',
  autoStart: true,
  requires: [IStudioConnection],
  optional: [
    ILayoutRestorer,
    ICommandPalette,
    ILauncher,
    IFileBrowserFactory,
    IDefaultFileBrowser,
    ISettingRegistry
  ],
  activate: (
    app: JupyterFrontEnd,
    connection: IStudioConnection,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    launcher: ILauncher | null,
    factory: IFileBrowserFactory | null,
    defaultBrowser: IDefaultFileBrowser | null,
    settingRegistry: ISettingRegistry | null
  ): void => {
    if (!connection.available) {
      return;
    }
    const { commands, shell } = app;
    const serverSettings = connection.serverSettings;
    const opener = makePathOpener(app);
    const getSelectedScript = () =>
      selectedPythonFile(currentBrowser(factory, defaultBrowser));

    /** The active space of the home panel, if it is still visible. */
    const activeSpace = async (): Promise<ISpace | null> => {
      const id = connection.activeSpaceId;
      if (!id) {
        return null;
      }
      const known =
        panel && !panel.isDisposed ? panel.model.spaceById(id) : null;
      if (known) {
        return known;
      }
      try {
        return await getSpace(id, serverSettings);
      } catch (reason) {
        // Deleted, or no longer shared with the user: run without a space.
        console.warn('Jupyter Studio: the active space is unavailable', reason);
        return null;
      }
    };
    /**
     * The space a script runs in: the active space when the script lies in
     * its folder, otherwise none.
     */
    const spaceIdForScript = async (script: string): Promise<string | null> =>
      spaceForScript(script, await activeSpace());

    const tracker = new WidgetTracker<JobsPanel>({ namespace: 'studio-jobs' });
    let panel: JobsPanel | null = null;

    // Settings apply to the next panel that is opened.
    let interval = 1500;
    let limit = 100;
    if (settingRegistry) {
      settingRegistry
        .load(jobsPlugin.id)
        .then(settings => {
          const apply = () => {
            interval =
              (settings.get('pollInterval').composite as number) ?? interval;
            limit = (settings.get('maxJobs').composite as number) ?? limit;
          };
          apply();
          settings.changed.connect(apply);
        })
        .catch(reason => {
          console.warn('Jupyter Studio: cannot load the Jobs settings', reason);
        });
    }

    const openPanel = (): JobsPanel => {
      if (!panel || panel.isDisposed) {
        const model = new JobsModel({
          serverSettings,
          jobKinds: connection.info?.job_kinds,
          interval,
          limit,
          activeSpaceId: () => connection.activeSpaceId
        });
        panel = new JobsPanel({ model, opener, getSelectedScript });
        void tracker.add(panel);
      }
      if (!panel.isAttached) {
        shell.add(panel, 'main');
      }
      shell.activateById(panel.id);
      return panel;
    };

    commands.addCommand(CommandIDs.openJobs, {
      label: 'Jobs',
      caption:
        'Monitor processing and training jobs: status, progress, logs and artifacts',
      icon: args => (args.isPalette ? undefined : jobsIcon),
      execute: args => {
        const { jobId, newJob, script, spaceId } = args as IOpenJobsArgs;
        const widget = openPanel();
        if (jobId) {
          widget.model.select(jobId);
        }
        if (newJob) {
          widget.model.requestNewJob(
            script ?? null,
            'spaceId' in args ? (spaceId ?? null) : undefined
          );
        }
        return widget;
      }
    });

    commands.addCommand(CommandIDs.newJob, {
      label: 'New Processing Job',
      caption: 'Run a Python script as a Studio processing job',
      icon: args => (args.isPalette ? undefined : addIcon),
      execute: async args => {
        const script =
          (args.script as string | undefined) ?? getSelectedScript() ?? '';
        const openArgs: IOpenJobsArgs = { newJob: true, script };
        if ('spaceId' in args) {
          openArgs.spaceId = (args.spaceId as string | null) ?? null;
        } else if (script.trim()) {
          // A script outside the active space runs in the user's home.
          openArgs.spaceId = await spaceIdForScript(script);
        }
        return commands.execute(
          CommandIDs.openJobs,
          openArgs as unknown as ReadonlyPartialJSONObject
        );
      }
    });

    commands.addCommand(CommandIDs.runAsJob, {
      label: 'Run as Studio job',
      caption: 'Run this script as a Studio processing job',
      icon: jobsIcon,
      isVisible: () => getSelectedScript() !== null,
      execute: async args => {
        const script = (args.path as string | undefined) ?? getSelectedScript();
        if (!script) {
          return;
        }
        try {
          const job = await createJob(
            {
              kind: 'processing',
              space_id: await spaceIdForScript(script),
              parameters: { script, arguments: [] }
            },
            serverSettings
          );
          Notification.success(`Started job "${job.name}"`, {
            autoClose: 4000
          });
          await commands.execute(CommandIDs.openJobs, { jobId: job.job_id });
        } catch (error) {
          await showErrorMessage(
            'Could not start the job',
            errorMessage(error)
          );
        }
      }
    });

    app.contextMenu.addItem({
      command: CommandIDs.runAsJob,
      selector: '.jp-DirListing-item[data-file-type="python"]',
      rank: 3
    });

    if (palette) {
      palette.addItem({
        command: CommandIDs.openJobs,
        category: STUDIO_CATEGORY
      });
      palette.addItem({
        command: CommandIDs.newJob,
        category: STUDIO_CATEGORY
      });
    }
    if (launcher) {
      launcher.add({
        command: CommandIDs.openJobs,
        category: STUDIO_CATEGORY,
        rank: 4
      });
    }
    if (restorer) {
      void restorer.restore(tracker, {
        command: CommandIDs.openJobs,
        name: () => 'studio-jobs'
      });
    }
  }
};
