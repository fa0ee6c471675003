/*
 * The `processing` job kind's "New job" form, registered like any feature's.
 */
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  IDefaultFileBrowser,
  IFileBrowserFactory
} from '@jupyterlab/filebrowser';

import { currentBrowser, selectedPythonFile } from '../../../file-browser';
import { IJobFormRegistry, PLUGIN_PREFIX } from '../../../tokens';
import { ProcessingForm } from './processing-form';

export { ProcessingForm } from './processing-form';

/** Name of the built-in job kind that runs a Python script. */
export const PROCESSING_KIND = 'processing';

export const processingFormPlugin: JupyterFrontEndPlugin<void> = {
  id: `${PLUGIN_PREFIX}:processing-form`,
  description: 'The form of processing jobs: a script and its arguments.',
  autoStart: true,
  requires: [IJobFormRegistry],
  optional: [IFileBrowserFactory, IDefaultFileBrowser],
  activate: (
    _: JupyterFrontEnd,
    registry: IJobFormRegistry,
    factory: IFileBrowserFactory | null,
    defaultBrowser: IDefaultFileBrowser | null
  ): void => {
    registry.register(PROCESSING_KIND, ProcessingForm, {
      // The Python file selected in the file browser, if any.
      initialParameters: () => {
        const script = selectedPythonFile(
          currentBrowser(factory, defaultBrowser)
        );
        return script ? { script } : {};
      }
    });
  }
};
