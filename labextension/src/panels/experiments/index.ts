/*
 * The Experiments panel plugin: `studio:open-experiments` and its launcher
 * card.
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, WidgetTracker } from '@jupyterlab/apputils';
import { ILauncher } from '@jupyterlab/launcher';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';

import { makePathOpener } from '../../file-browser';
import { offerPanel, singlePanel } from '../main-area-panel';
import {
  CommandIDs,
  IStudioConnection,
  IStudioModel,
  PLUGIN_PREFIX
} from '../../tokens';
import { ExperimentsPanel } from './widget';
import { experimentsIcon } from './icon';
import { ExperimentsModel } from './model';

export { ExperimentsModel } from './model';
export { ExperimentsPanel } from './widget';

/** Command of the Experiments panel. */
export const OPEN_EXPERIMENTS = 'studio:open-experiments';

export const experimentsPlugin: JupyterFrontEndPlugin<void> = {
  id: `${PLUGIN_PREFIX}:experiments`,
  description: 'The Studio Experiments panel: runs, filters, comparisons.',
  autoStart: true,
  requires: [IStudioConnection, IStudioModel],
  optional: [ILayoutRestorer, ICommandPalette, ILauncher, IRenderMimeRegistry],
  activate: (
    app: JupyterFrontEnd,
    connection: IStudioConnection,
    studio: IStudioModel,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    launcher: ILauncher | null,
    rendermime: IRenderMimeRegistry | null
  ): void => {
    if (!connection.available) {
      return;
    }
    const { commands, shell } = app;
    const opener = makePathOpener(app);
    const tracker = new WidgetTracker<ExperimentsPanel>({
      namespace: 'studio-experiments'
    });
    const openPanel = singlePanel(shell, tracker, () => {
      void studio.refreshSpaces().catch(() => undefined);
      return new ExperimentsPanel({
        model: new ExperimentsModel({ connection }),
        rendermime,
        opener,
        actions: {
          openJob: jobId =>
            void commands.execute(CommandIDs.openJobs, { jobId }),
          spaceName: spaceId => studio.spaceById(spaceId)?.name ?? null
        }
      });
    });

    commands.addCommand(OPEN_EXPERIMENTS, {
      label: 'Experiments',
      caption: 'MLflow experiments and runs: sort, filter and compare runs',
      icon: args => (args.isPalette ? undefined : experimentsIcon),
      execute: args => {
        const widget = openPanel();
        const experimentId = args.experimentId as string | undefined;
        if (experimentId !== undefined) {
          widget.model.selectExperiment(experimentId);
        }
        return widget;
      }
    });

    offerPanel({
      command: OPEN_EXPERIMENTS,
      tracker,
      restorer,
      palette,
      launcher,
      rank: 4.6
    });
  }
};
