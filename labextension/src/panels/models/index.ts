/*
 * The Models panel plugin: `studio:open-models`, its launcher card, and the
 * "Register model" action on job artifacts.
 */
import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, WidgetTracker } from '@jupyterlab/apputils';
import { ILauncher } from '@jupyterlab/launcher';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import { makePathOpener } from '../../file-browser';
import { offerPanel, singlePanel } from '../main-area-panel';
import {
  CommandIDs,
  IStudioConnection,
  IStudioModel,
  PLUGIN_PREFIX
} from '../../tokens';
import { modelsIcon } from './icon';
import { IRegisterRequest, ModelsModel } from './model';
import { setRegisterModelHandler } from '../../components/register-action';
import { ModelsPanel } from './widget';

export { ModelsModel } from './model';
export { ModelsPanel } from './widget';
export { registerModelHandler } from '../../components/register-action';

/** Command of the Models panel. */
export const OPEN_MODELS = 'studio:open-models';

/** Arguments of `studio:open-models`. */
interface IOpenModelsArgs {
  /** Select this model. */
  name?: string;
  /** The model's space (`null`: the owner's home). */
  spaceId?: string | null;
  /** Select this version. */
  version?: number;
  /** Show the Register dialog, prefilled. */
  register?: IRegisterRequest;
}

export const modelsPlugin: JupyterFrontEndPlugin<void> = {
  id: `${PLUGIN_PREFIX}:models`,
  description: 'The Studio Models panel: registered models, versions, deploy.',
  autoStart: true,
  requires: [IStudioConnection, IStudioModel],
  optional: [ILayoutRestorer, ICommandPalette, ILauncher],
  activate: (
    app: JupyterFrontEnd,
    connection: IStudioConnection,
    studio: IStudioModel,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    launcher: ILauncher | null
  ): void => {
    if (!connection.available) {
      return;
    }
    const { commands, shell } = app;
    const opener = makePathOpener(app);
    const tracker = new WidgetTracker<ModelsPanel>({
      namespace: 'studio-models'
    });
    const openPanel = singlePanel(shell, tracker, () => {
      return new ModelsPanel({
        model: new ModelsModel({ studio }),
        opener,
        actions: {
          openEndpoint: name =>
            void commands.execute(CommandIDs.openEndpoints, { name }),
          openJob: jobId =>
            void commands.execute(CommandIDs.openJobs, { jobId })
        }
      });
    });

    commands.addCommand(OPEN_MODELS, {
      label: 'Models',
      caption: 'Registered models: versions, schemas, metrics; deploy one',
      icon: args => (args.isPalette ? undefined : modelsIcon),
      execute: args => {
        const { name, spaceId, version, register } = args as IOpenModelsArgs;
        const widget = openPanel();
        if (name) {
          void widget.model.reveal(
            name,
            'spaceId' in args ? (spaceId ?? null) : undefined,
            version
          );
        }
        if (register) {
          widget.model.requestRegister(register);
        }
        return widget;
      }
    });

    setRegisterModelHandler(request => {
      void commands.execute(OPEN_MODELS, {
        register: request as ReadonlyPartialJSONObject
      });
    });

    offerPanel({
      command: OPEN_MODELS,
      tracker,
      restorer,
      palette,
      launcher,
      rank: 4.3
    });
  }
};
