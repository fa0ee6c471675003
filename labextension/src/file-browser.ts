/*
 * Small bridges between the Studio panels and the file browser.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { showErrorMessage } from '@jupyterlab/apputils';
import { FileBrowser, IFileBrowserFactory } from '@jupyterlab/filebrowser';

import type { IPathOpener } from './tokens';

/**
 * Open files with `docmanager:open` and reveal paths with
 * `filebrowser:go-to-path`, reporting failures in a dialog.
 */
export function makePathOpener(app: JupyterFrontEnd): IPathOpener {
  const run = (command: string, path: string) => {
    app.commands.execute(command, { path }).catch(error => {
      void showErrorMessage(`Cannot open ${path}`, error);
    });
  };
  return {
    openFile: path => run('docmanager:open', path),
    reveal: path => run('filebrowser:go-to-path', path)
  };
}

/**
 * The file browser the user is working in: the tracked current one, else the
 * default one.
 */
export function currentBrowser(
  factory: IFileBrowserFactory | null,
  defaultBrowser: FileBrowser | null
): FileBrowser | null {
  return factory?.tracker.currentWidget ?? defaultBrowser ?? null;
}

/**
 * The contents path of the first selected `.py` file in the file browser.
 */
export function selectedPythonFile(browser: FileBrowser | null): string | null {
  if (!browser) {
    return null;
  }
  for (const item of browser.selectedItems()) {
    if (item.type !== 'directory' && item.path.toLowerCase().endsWith('.py')) {
      return item.path;
    }
  }
  return null;
}
