import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import React from 'react';

import { VisibilityAwareWidget } from '../../components/visibility-widget';
import type { IPathOpener } from '../../tokens';
import { ExperimentsView, IExperimentsActions } from './experiments-view';
import { experimentsIcon } from './icon';
import { ExperimentsModel } from './model';

/**
 * The "Experiments" main-area panel.
 */
export class ExperimentsPanel extends VisibilityAwareWidget<ExperimentsModel> {
  constructor(options: ExperimentsPanel.IOptions) {
    super(options.model);
    this._options = options;
    this.id = 'jp-studio-experiments';
    this.addClass('jp-studio-MLPanel');
    this.title.label = 'Experiments';
    this.title.caption = 'MLflow experiments and runs: compare runs';
    this.title.icon = experimentsIcon;
    this.title.closable = true;
  }

  render(): JSX.Element {
    return (
      <ExperimentsView
        model={this.model}
        rendermime={this._options.rendermime}
        opener={this._options.opener}
        actions={this._options.actions}
      />
    );
  }

  private _options: ExperimentsPanel.IOptions;
}

export namespace ExperimentsPanel {
  export interface IOptions {
    model: ExperimentsModel;
    rendermime: IRenderMimeRegistry | null;
    opener: IPathOpener;
    actions: IExperimentsActions;
  }
}
