import React from 'react';

import { VisibilityAwareWidget } from '../../components/visibility-widget';
import { jobsIcon } from '../../icons';
import type { IJobFormRegistry } from '../../tokens';
import type { IPathOpener } from '../../tokens';
import { JobsView } from './jobs-view';
import { JobsModel } from './model';

/**
 * The "Studio Jobs" main-area panel.
 */
export class JobsPanel extends VisibilityAwareWidget<JobsModel> {
  constructor(options: JobsPanel.IOptions) {
    super(options.model);
    this._opener = options.opener;
    this._forms = options.forms;
    this.id = 'jp-studio-jobs';
    this.addClass('jp-studio-JobsPanel');
    this.title.label = 'Studio Jobs';
    this.title.caption = 'Jupyter Studio jobs';
    this.title.icon = jobsIcon;
    this.title.closable = true;
  }

  render(): JSX.Element {
    return (
      <JobsView model={this.model} forms={this._forms} opener={this._opener} />
    );
  }

  private _opener: IPathOpener;
  private _forms: IJobFormRegistry;
}

export namespace JobsPanel {
  export interface IOptions {
    model: JobsModel;
    /** The parameters forms of job kinds. */
    forms: IJobFormRegistry;
    opener: IPathOpener;
  }
}
