/*
 * How a Studio panel opens: one instance in the main area (made again once
 * closed), tracked so the layout restores it, and offered in the command
 * palette and the launcher.
 */
import { ILayoutRestorer, JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette, WidgetTracker } from '@jupyterlab/apputils';
import { ILauncher } from '@jupyterlab/launcher';
import { Widget } from '@lumino/widgets';

import { STUDIO_CATEGORY } from '../tokens';

/**
 * A function that shows the panel (creating it with `create` when there is
 * none, or the last one was closed), activates it and returns it.
 */
export function singlePanel<T extends Widget>(
  shell: JupyterFrontEnd.IShell,
  tracker: WidgetTracker<T>,
  create: () => T
): () => T {
  let panel: T | null = null;
  return () => {
    if (!panel || panel.isDisposed) {
      panel = create();
      void tracker.add(panel);
    }
    if (!panel.isAttached) {
      shell.add(panel, 'main');
    }
    shell.activateById(panel.id);
    return panel;
  };
}

/**
 * Offer the panel's command in the palette (with `paletteOnly` commands) and
 * the launcher (at `rank`), and restore the panel with the layout.
 */
export function offerPanel<T extends Widget>(options: {
  command: string;
  tracker: WidgetTracker<T>;
  restorer: ILayoutRestorer | null;
  palette: ICommandPalette | null;
  launcher: ILauncher | null;
  rank: number;
  paletteOnly?: string[];
}): void {
  const { command, palette, launcher, restorer, tracker } = options;
  for (const id of [command, ...(options.paletteOnly ?? [])]) {
    palette?.addItem({ command: id, category: STUDIO_CATEGORY });
  }
  launcher?.add({ command, category: STUDIO_CATEGORY, rank: options.rank });
  if (restorer) {
    void restorer.restore(tracker, {
      command,
      name: () => tracker.namespace
    });
  }
}
