import { ReactWidget } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import React from 'react';

import { jobsIcon } from '../../icons';
import { IPathOpener } from './job-detail';
import { JobsView } from './jobs-view';
import { JobsModel } from './model';

/**
 * The "Studio Jobs" main-area panel.
 */
export class JobsPanel extends ReactWidget {
  constructor(options: JobsPanel.IOptions) {
    super();
    this.model = options.model;
    this._opener = options.opener;
    this._getSelectedScript = options.getSelectedScript;
    this.id = 'jp-studio-jobs';
    this.addClass('jp-studio-JobsPanel');
    this.title.label = 'Studio Jobs';
    this.title.caption = 'Jupyter Studio jobs';
    this.title.icon = jobsIcon;
    this.title.closable = true;
  }

  readonly model: JobsModel;

  render(): JSX.Element {
    return (
      <JobsView
        model={this.model}
        opener={this._opener}
        getSelectedScript={this._getSelectedScript}
      />
    );
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.model.dispose();
    super.dispose();
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this.model.setVisible(this.isVisible);
  }

  protected onBeforeDetach(msg: Message): void {
    this.model.setVisible(false);
    super.onBeforeDetach(msg);
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this.model.setVisible(true);
  }

  protected onAfterHide(msg: Message): void {
    super.onAfterHide(msg);
    this.model.setVisible(false);
  }

  private _opener: IPathOpener;
  private _getSelectedScript: () => string | null;
}

export namespace JobsPanel {
  export interface IOptions {
    model: JobsModel;
    opener: IPathOpener;
    getSelectedScript: () => string | null;
  }
}
