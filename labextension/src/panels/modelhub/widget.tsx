import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import React from 'react';

import { VisibilityAwareWidget } from '../../components/visibility-widget';
import { modelHubIcon } from '../../icons';
import type { IPathOpener } from '../../tokens';
import { ModelHubModel } from './model';
import { IModelHubActions, ModelHubView } from './modelhub-view';

/**
 * The "Model hub" main-area panel.
 */
export class ModelHubPanel extends VisibilityAwareWidget<ModelHubModel> {
  constructor(private readonly _options: ModelHubPanel.IOptions) {
    super(_options.model);
    this.id = 'jp-studio-modelhub';
    this.addClass('jp-studio-MLPanel');
    this.title.label = 'Model hub';
    this.title.caption =
      'Pretrained models: deploy, try prompts, fine-tune, evaluate';
    this.title.icon = modelHubIcon;
    this.title.closable = true;
  }

  render(): JSX.Element {
    return (
      <ModelHubView
        model={this.model}
        opener={this._options.opener}
        rendermime={this._options.rendermime}
        actions={this._options.actions}
      />
    );
  }
}

export namespace ModelHubPanel {
  export interface IOptions {
    model: ModelHubModel;
    opener: IPathOpener;
    rendermime: IRenderMimeRegistry | null;
    actions: IModelHubActions;
  }
}
