/*
 * The Jobs panel plugin: `studio:open-jobs`, `studio:new-job`, the
 * file-browser item "Run as Studio job", and the registry of job kinds'
 * parameters forms.
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
  IJobFormRegistry,
  IStudioConnection,
  IStudioModel,
  PLUGIN_PREFIX,
  STUDIO_CATEGORY
} from '../../tokens';
import { JobFormRegistry } from './form-registry';
import { JobsModel } from './model';
import { PROCESSING_KIND } from './processing';
import { JobsPanel } from './widget';

export { JobFormRegistry } from './form-registry';
export { JobsModel } from './model';
export { processingFormPlugin } from './processing';
export { processorFormPlugin } from './processor';
export { JobsPanel } from './widget';

/** Arguments of `studio:open-jobs`. */
interface IOpenJobsArgs {
  /** Select this job. */
  jobId?: string;
  /** Show the new-job form. */
  newJob?: boolean;
  /** The kind of the new job (default: processing). */
  kind?: string;
  /** Prefill the form's parameters. */
  parameters?: Record<string, unknown>;
  /** Preselect the form's space (`null`: none; absent: the active space). */
  spaceId?: string | null;
}

export const jobsPlugin: JupyterFrontEndPlugin<IJobFormRegistry> = {
  id: `${PLUGIN_PREFIX}:jobs`,
  description: 'The Studio Jobs panel and the forms of job kinds.',
  autoStart: true,
  requires: [IStudioConnection, IStudioModel],
  provides: IJobFormRegistry,
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
    studio: IStudioModel,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    launcher: ILauncher | null,
    factory: IFileBrowserFactory | null,
    defaultBrowser: IDefaultFileBrowser | null,
    settingRegistry: ISettingRegistry | null
  ): IJobFormRegistry => {
    const forms = new JobFormRegistry();
    if (!connection.available) {
      return forms;
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
      const known = studio.spaceById(id);
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

    if (settingRegistry) {
      settingRegistry
        .load(jobsPlugin.id)
        .then(settings => {
          const apply = () => {
            studio.configure('jobs', {
              interval: settings.get('pollInterval').composite as number,
              limit: settings.get('maxJobs').composite as number
            });
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
        const model = new JobsModel({ studio });
        panel = new JobsPanel({ model, forms, opener });
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
        const { jobId, newJob, kind, parameters, spaceId } =
          args as IOpenJobsArgs;
        const widget = openPanel();
        if (jobId) {
          widget.model.select(jobId);
        }
        if (newJob) {
          widget.model.requestNewJob({
            kind,
            parameters,
            spaceId: 'spaceId' in args ? (spaceId ?? null) : undefined
          });
        }
        return widget;
      }
    });

    commands.addCommand(CommandIDs.newJob, {
      label: args => {
        const name = (args.kind as string | undefined) ?? PROCESSING_KIND;
        const kind = studio.kindByName(name);
        return `New Job: ${kind?.title ?? name}`;
      },
      caption: args =>
        studio.kindByName((args.kind as string | undefined) ?? PROCESSING_KIND)
          ?.description ?? 'Start a Studio job',
      icon: args => (args.isPalette ? undefined : addIcon),
      execute: async args => {
        const kind = (args.kind as string | undefined) ?? PROCESSING_KIND;
        const openArgs: IOpenJobsArgs = { newJob: true, kind };
        let script: string | null = null;
        if (kind === PROCESSING_KIND) {
          script = (args.script as string | undefined) ?? getSelectedScript();
          openArgs.parameters = { script: script ?? '' };
        }
        if ('spaceId' in args) {
          openArgs.spaceId = (args.spaceId as string | null) ?? null;
        } else if (script?.trim()) {
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
          const job = await studio.createJob({
            kind: PROCESSING_KIND,
            space_id: await spaceIdForScript(script),
            parameters: { script, arguments: [] }
          });
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
    return forms;
  }
};
