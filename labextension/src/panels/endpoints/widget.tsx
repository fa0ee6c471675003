import React from 'react';

import { VisibilityAwareWidget } from '../../components/visibility-widget';
import { endpointsIcon } from '../../icons';
import type { IPathOpener } from '../../tokens';
import { EndpointsView, IEndpointsActions } from './endpoints-view';
import { EndpointsModel } from './model';

/**
 * The "Endpoints" main-area panel.
 */
export class EndpointsPanel extends VisibilityAwareWidget<EndpointsModel> {
  constructor(options: EndpointsPanel.IOptions) {
    super(options.model);
    this._opener = options.opener;
    this._actions = options.actions;
    this.id = 'jp-studio-endpoints';
    this.addClass('jp-studio-MLPanel');
    this.title.label = 'Endpoints';
    this.title.caption = 'Model endpoints: status, traffic, invoke';
    this.title.icon = endpointsIcon;
    this.title.closable = true;
  }

  render(): JSX.Element {
    return (
      <EndpointsView
        model={this.model}
        opener={this._opener}
        actions={this._actions}
      />
    );
  }

  private _opener: IPathOpener;
  private _actions: IEndpointsActions;
}

export namespace EndpointsPanel {
  export interface IOptions {
    model: EndpointsModel;
    opener: IPathOpener;
    actions: IEndpointsActions;
  }
}
