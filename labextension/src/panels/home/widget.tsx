import { ReactWidget } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import React from 'react';

import { studioIcon } from '../../icons';
import { HomeView, IHomeActions } from './home-view';
import { HomeModel } from './model';

/**
 * The Studio home side panel (left area).
 */
export class HomePanel extends ReactWidget {
  constructor(model: HomeModel, actions: IHomeActions) {
    super();
    this.model = model;
    this._actions = actions;
    this.id = 'jp-studio-home';
    this.addClass('jp-studio-HomePanel');
    this.node.setAttribute('data-testid', 'studio-home');
    this.title.icon = studioIcon;
    this.title.caption = 'Studio';
  }

  readonly model: HomeModel;

  render(): JSX.Element {
    return <HomeView model={this.model} actions={this._actions} />;
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

  private _actions: IHomeActions;
}
