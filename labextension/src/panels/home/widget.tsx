import React from 'react';

import { VisibilityAwareWidget } from '../../components/visibility-widget';
import { studioIcon } from '../../icons';
import { HomeView, IHomeActions } from './home-view';
import { HomeModel } from './model';

/**
 * The Studio home side panel (left area).
 */
export class HomePanel extends VisibilityAwareWidget<HomeModel> {
  constructor(model: HomeModel, actions: IHomeActions) {
    super(model);
    this._actions = actions;
    this.id = 'jp-studio-home';
    this.addClass('jp-studio-HomePanel');
    this.node.setAttribute('data-testid', 'studio-home');
    this.title.icon = studioIcon;
    this.title.caption = 'Studio';
  }

  render(): JSX.Element {
    return <HomeView model={this.model} actions={this._actions} />;
  }

  private _actions: IHomeActions;
}
