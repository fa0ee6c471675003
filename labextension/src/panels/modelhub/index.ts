/*
 * The Model hub panel plugin: `studio:open-model-hub` and its launcher card.
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
import { modelHubIcon } from '../../icons';
import { offerPanel, singlePanel } from '../main-area-panel';
import { CommandIDs, IStudioConnection, PLUGIN_PREFIX } from '../../tokens';
import { ModelHubTab, ModelHubModel } from './model';
import { ModelHubPanel } from './widget';

export { ModelHubModel } from './model';
export { ModelHubPanel } from './widget';

const TABS: ModelHubTab[] = [
  'catalogue',
  'playground',
  'finetune',
  'evaluate',
  'solutions'
];

export const modelHubPlugin: JupyterFrontEndPlugin<void> = {
  id: `${PLUGIN_PREFIX}:modelhub`,
  description:
    'The Studio Model hub panel: catalogue, license gate, deploy, prompt playground, fine-tune, evaluate.',
  autoStart: true,
  requires: [IStudioConnection],
  optional: [ILayoutRestorer, ICommandPalette, ILauncher, IRenderMimeRegistry],
  activate: (
    app: JupyterFrontEnd,
    connection: IStudioConnection,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    launcher: ILauncher | null,
    rendermime: IRenderMimeRegistry | null
  ): void => {
    if (!connection.available) {
      return;
    }
    const { commands, shell } = app;
    const tracker = new WidgetTracker<ModelHubPanel>({
      namespace: 'studio-modelhub'
    });
    const openPanel = singlePanel(shell, tracker, () => {
      return new ModelHubPanel({
        model: new ModelHubModel({
          connection,
          contents: app.serviceManager.contents
        }),
        opener: makePathOpener(app),
        rendermime,
        actions: {
          openEndpoint: name =>
            void commands.execute(CommandIDs.openEndpoints, { name }),
          openJobs: () => void commands.execute(CommandIDs.openJobs)
        }
      });
    });

    commands.addCommand(CommandIDs.openModelHub, {
      label: 'Model hub',
      caption: 'Pretrained models: deploy, try prompts, fine-tune and evaluate',
      icon: args => (args.isPalette ? undefined : modelHubIcon),
      execute: args => {
        const widget = openPanel();
        const tab = args.tab as ModelHubTab | undefined;
        if (tab && TABS.includes(tab)) {
          widget.model.setTab(tab);
        }
        const model = args.model as string | undefined;
        if (model) {
          widget.model.setTab('catalogue');
          widget.model.select(model);
        }
        return widget;
      }
    });
    offerPanel({
      command: CommandIDs.openModelHub,
      tracker,
      restorer,
      palette,
      launcher,
      rank: 2
    });
  }
};
