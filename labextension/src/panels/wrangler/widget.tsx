/*
 * The `.flow` document widget: a DocumentWidget whose content renders the
 * editor over the document context's model (dirty state, Ctrl+S, revert and
 * reopening are JupyterLab's own).
 */
import { ReactWidget } from '@jupyterlab/apputils';
import {
  ABCWidgetFactory,
  DocumentRegistry,
  DocumentWidget
} from '@jupyterlab/docregistry';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ServerConnection } from '@jupyterlab/services';
import React from 'react';

import { dataWranglerIcon } from '../../icons';
import { FlowEditor, IWranglerActions } from './editor';
import { FlowEditorModel } from './model';

/** The content of a flow document: the editor. */
export class FlowEditorContent extends ReactWidget {
  constructor(options: {
    context: DocumentRegistry.Context;
    serverSettings: ServerConnection.ISettings;
    rendermime: IRenderMimeRegistry | null;
    actions: (model: FlowEditorModel) => IWranglerActions;
  }) {
    super();
    this.addClass('jp-studio-WranglerContent');
    this.model = new FlowEditorModel({
      context: options.context,
      serverSettings: options.serverSettings
    });
    this._rendermime = options.rendermime;
    this._actions = options.actions(this.model);
  }

  readonly model: FlowEditorModel;

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.model.dispose();
    super.dispose();
  }

  protected render(): JSX.Element {
    return (
      <FlowEditor
        model={this.model}
        rendermime={this._rendermime}
        actions={this._actions}
      />
    );
  }

  private _rendermime: IRenderMimeRegistry | null;
  private _actions: IWranglerActions;
}

/** A `.flow` file opened in Data Wrangler. */
export class FlowDocumentWidget extends DocumentWidget<FlowEditorContent> {}

/** Creates the Data Wrangler editor for `.flow` files. */
export class FlowEditorFactory extends ABCWidgetFactory<
  FlowDocumentWidget,
  DocumentRegistry.IModel
> {
  constructor(
    options: DocumentRegistry.IWidgetFactoryOptions<FlowDocumentWidget>,
    private _deps: {
      serverSettings: ServerConnection.ISettings;
      rendermime: IRenderMimeRegistry | null;
      actions: (model: FlowEditorModel) => IWranglerActions;
    }
  ) {
    super(options);
  }

  protected createNewWidget(
    context: DocumentRegistry.Context
  ): FlowDocumentWidget {
    const content = new FlowEditorContent({ context, ...this._deps });
    const widget = new FlowDocumentWidget({ content, context });
    widget.title.icon = dataWranglerIcon;
    widget.addClass('jp-studio-FlowDocument');
    return widget;
  }
}
