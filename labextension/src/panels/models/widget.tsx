import React from 'react';

import { VisibilityAwareWidget } from '../../components/visibility-widget';
import { modelsIcon } from './icon';
import type { IPathOpener } from '../../tokens';
import { ModelsModel } from './model';
import { IModelsActions, ModelsView } from './models-view';

/**
 * The "Models" main-area panel.
 */
export class ModelsPanel extends VisibilityAwareWidget<ModelsModel> {
  constructor(options: ModelsPanel.IOptions) {
    super(options.model);
    this._opener = options.opener;
    this._actions = options.actions;
    this.id = 'jp-studio-models';
    this.addClass('jp-studio-MLPanel');
    this.title.label = 'Models';
    this.title.caption = 'Registered models and their versions';
    this.title.icon = modelsIcon;
    this.title.closable = true;
  }

  render(): JSX.Element {
    return (
      <ModelsView
        model={this.model}
        opener={this._opener}
        actions={this._actions}
      />
    );
  }

  private _opener: IPathOpener;
  private _actions: IModelsActions;
}

export namespace ModelsPanel {
  export interface IOptions {
    model: ModelsModel;
    opener: IPathOpener;
    actions: IModelsActions;
  }
}
