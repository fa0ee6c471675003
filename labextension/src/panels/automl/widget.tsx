import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import React from 'react';

import { VisibilityAwareWidget } from '../../components/visibility-widget';
import { automlIcon } from '../../icons';
import type { IPathOpener } from '../../tokens';
import { AutoMLView, IAutoMLViewActions } from './automl-view';
import { AutoMLModel } from './model';

/**
 * The "AutoML" main-area panel.
 */
export class AutoMLPanel extends VisibilityAwareWidget<AutoMLModel> {
  constructor(options: AutoMLPanel.IOptions) {
    super(options.model);
    this._options = options;
    this.id = 'jp-studio-automl';
    this.addClass('jp-studio-MLPanel');
    this.title.label = 'AutoML';
    this.title.caption = 'AutoML experiments: wizard, leaderboard, results';
    this.title.icon = automlIcon;
    this.title.closable = true;
  }

  render(): JSX.Element {
    return (
      <AutoMLView
        model={this.model}
        opener={this._options.opener}
        actions={this._options.actions}
        rendermime={this._options.rendermime}
      />
    );
  }

  private _options: AutoMLPanel.IOptions;
}

export namespace AutoMLPanel {
  export interface IOptions {
    model: AutoMLModel;
    opener: IPathOpener;
    actions: IAutoMLViewActions;
    rendermime: IRenderMimeRegistry | null;
  }
}
