/*
 * The `processor` job kind's forms: one "New job" menu entry per processor
 * (script, scikit-learn, framework), started through
 * `POST studio/api/processing/jobs`.
 */
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  IDefaultFileBrowser,
  IFileBrowserFactory
} from '@jupyterlab/filebrowser';
import React from 'react';

import { createProcessorJob, PROCESSOR_KIND } from '../../../api/processing';
import { currentBrowser, selectedPythonFile } from '../../../file-browser';
import {
  IJobFormRegistry,
  IJobParametersFormProps,
  IStudioConnection,
  IStudioModel,
  PLUGIN_PREFIX
} from '../../../tokens';
import { findFiles } from '../../../utils/find-files';
import { LoadState } from '../../../utils/load-state';
import { ProcessorForm } from './processor-form';
import { PROCESSOR_VARIANTS } from './variants';

export { ProcessorForm } from './processor-form';
export { PROCESSOR_VARIANTS } from './variants';

export const processorFormPlugin: JupyterFrontEndPlugin<void> = {
  id: `${PLUGIN_PREFIX}:processor-form`,
  description:
    'The forms of processor jobs (script, scikit-learn, framework processors).',
  autoStart: true,
  requires: [IJobFormRegistry, IStudioConnection],
  optional: [IStudioModel, IFileBrowserFactory, IDefaultFileBrowser],
  activate: (
    app: JupyterFrontEnd,
    registry: IJobFormRegistry,
    connection: IStudioConnection,
    studio: IStudioModel | null,
    factory: IFileBrowserFactory | null,
    defaultBrowser: IDefaultFileBrowser | null
  ): void => {
    if (!connection.available) {
      return;
    }
    const contents = app.serviceManager.contents;
    /** The user's home, the spaces' folders and the browser's folder. */
    const folders = (): string[] => {
      const list = [connection.info?.user.home_path ?? ''];
      for (const space of studio
        ? (LoadState.valueOf(studio.spaces) ?? [])
        : []) {
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
    const listCodeFiles = () => findFiles(contents, folders(), ['.py'], 3, 300);
    const Form = (props: IJobParametersFormProps) =>
      React.createElement(ProcessorForm, { ...props, listCodeFiles });

    registry.register(PROCESSOR_KIND, Form, {
      // The Python file selected in the file browser, if any.
      initialParameters: () => {
        const code = selectedPythonFile(
          currentBrowser(factory, defaultBrowser)
        );
        return code ? { code } : {};
      },
      variants: PROCESSOR_VARIANTS,
      create: body => createProcessorJob(body, connection.serverSettings)
    });
  }
};
