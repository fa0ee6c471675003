import { ReactWidget } from '@jupyterlab/ui-components';
import { IDisposable } from '@lumino/disposable';
import { Message } from '@lumino/messaging';

/**
 * A model that polls only while its widget can be seen.
 */
export interface IVisibilityAwareModel extends IDisposable {
  /** Called whenever the widget is shown, hidden, attached or detached. */
  setVisible(visible: boolean): void;
}

/**
 * A React widget that owns a polling model: it tells the model when it can be
 * seen (so polling pauses while hidden) and disposes it with itself.
 */
export abstract class VisibilityAwareWidget<
  M extends IVisibilityAwareModel
> extends ReactWidget {
  constructor(model: M) {
    super();
    this.model = model;
  }

  /** The model this widget renders and owns. */
  readonly model: M;

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
}
