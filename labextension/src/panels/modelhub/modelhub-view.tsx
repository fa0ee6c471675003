/*
 * The Model hub panel: tabs for the catalogue, the prompt playground,
 * fine-tuning, evaluation and solution templates. Every tab stays mounted
 * (hidden when not shown) so typed prompts and forms survive tab changes.
 */
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import React from 'react';

import { PanelHeader } from '../../components/panel-header';
import { useSignal } from '../../components/use-signal';
import type { IPathOpener } from '../../tokens';
import { CatalogueView } from './catalogue-view';
import { EvaluateView } from './evaluate/evaluate-view';
import { FinetuneView } from './finetune/finetune-view';
import { ModelHubTab, ModelHubModel } from './model';
import { Playground } from './playground/playground';
import { SolutionsView } from './solutions-view';

/** What the panel asks the rest of JupyterLab to do. */
export interface IModelHubActions {
  openEndpoint(name: string): void;
  openJobs(): void;
}

const TABS: Array<{ id: ModelHubTab; label: string }> = [
  { id: 'catalogue', label: 'Catalogue' },
  { id: 'playground', label: 'Prompt playground' },
  { id: 'finetune', label: 'Fine-tune' },
  { id: 'evaluate', label: 'Evaluate' },
  { id: 'solutions', label: 'Solutions' }
];

export function ModelHubView(props: {
  model: ModelHubModel;
  opener: IPathOpener;
  rendermime: IRenderMimeRegistry | null;
  actions: IModelHubActions;
}): JSX.Element {
  const { model, actions } = props;
  useSignal(model.changed);
  const pane = (id: ModelHubTab, content: JSX.Element) => (
    <div
      role="tabpanel"
      id={`jp-studio-modelhub-tab-${id}`}
      aria-labelledby={`jp-studio-modelhub-tabbutton-${id}`}
      className="jp-studio-ModelHubTabPanel"
      hidden={model.tab !== id}
    >
      {content}
    </div>
  );
  return (
    <div
      className="jp-studio-MLView jp-studio-ModelHubView"
      data-testid="studio-modelhub"
    >
      <PanelHeader
        title="Model hub"
        aside={
          <div
            className="jp-studio-ModelHubTabs"
            role="tablist"
            aria-label="Model hub"
          >
            {TABS.map(tab => (
              <button
                key={tab.id}
                role="tab"
                id={`jp-studio-modelhub-tabbutton-${tab.id}`}
                aria-selected={model.tab === tab.id}
                aria-controls={`jp-studio-modelhub-tab-${tab.id}`}
                className={`jp-studio-ModelHubTab${model.tab === tab.id ? ' jp-mod-selected' : ''}`}
                onClick={() => model.setTab(tab.id)}
              >
                {tab.label}
              </button>
            ))}
          </div>
        }
      />
      <div className="jp-studio-ModelHubBody">
        {pane(
          'catalogue',
          <CatalogueView
            model={model}
            opener={props.opener}
            openEndpoint={actions.openEndpoint}
          />
        )}
        {pane('playground', <Playground model={model} />)}
        {pane(
          'finetune',
          <FinetuneView
            model={model}
            rendermime={props.rendermime}
            opener={props.opener}
          />
        )}
        {pane(
          'evaluate',
          <EvaluateView model={model} rendermime={props.rendermime} />
        )}
        {pane(
          'solutions',
          <SolutionsView
            model={model}
            openJobs={actions.openJobs}
            openEndpoint={actions.openEndpoint}
          />
        )}
      </div>
    </div>
  );
}
