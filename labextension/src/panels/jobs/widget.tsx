import React from 'react';

import { VisibilityAwareWidget } from '../../components/visibility-widget';
import { jobsIcon } from '../../icons';
import { IPathOpener } from './job-detail';
import { JobsView } from './jobs-view';
import { JobsModel } from './model';

/**
 * The "Studio Jobs" main-area panel.
 */
export class JobsPanel extends VisibilityAwareWidget<JobsModel> {
  constructor(options: JobsPanel.IOptions) {
    super(options.model);
    this._opener = options.opener;
    this._getSelectedScript = options.getSelectedScript;
    this.id = 'jp-studio-jobs';
    this.addClass('jp-studio-JobsPanel');
    this.title.label = 'Studio Jobs';
    this.title.caption = 'Jupyter Studio jobs';
    this.title.icon = jobsIcon;
    this.title.closable = true;
  }

  render(): JSX.Element {
    return (
      <JobsView
        model={this.model}
        opener={this._opener}
        getSelectedScript={this._getSelectedScript}
      />
    );
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
