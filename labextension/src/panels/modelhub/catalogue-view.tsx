/*
 * The Catalogue tab: search and filters over the model cards, and the
 * selected model's page beside them.
 */
import { Button, refreshIcon } from '@jupyterlab/ui-components';
import React from 'react';

import type { IModelHubModelCard } from '../../api/modelhub';
import { useSignal } from '../../components/use-signal';
import { LoadState } from '../../utils/load-state';
import type { IPathOpener } from '../../tokens';
import {
  choices,
  formatParameters,
  formatSize,
  SIZE_BUCKETS,
  SizeBucket,
  SOURCES,
  TASKS,
  taskLabel
} from './catalogue';
import { ModelHubModel } from './model';
import { ModelPage } from './model-page/model-page';

export function CatalogueView(props: {
  model: ModelHubModel;
  opener: IPathOpener;
  openEndpoint: (name: string) => void;
}): JSX.Element {
  const { model } = props;
  useSignal(model.changed);
  const state = model.cards;
  const cards = model.visibleCards;
  return (
    <div className="jp-studio-ModelHubCatalogue">
      <div className="jp-studio-ModelHubCatalogue-main">
        <Filters model={model} />
        {state.status === 'error' ? (
          <div className="jp-studio-error jp-studio-banner" role="alert">
            Could not load the catalogue: {state.error}
          </div>
        ) : null}
        <div className="jp-studio-muted" data-testid="studio-modelhub-count">
          {state.status === 'loading'
            ? 'Loading the catalogue…'
            : `${cards.length} model${cards.length === 1 ? '' : 's'}`}
        </div>
        <ul
          className="jp-studio-ModelHubCards"
          data-testid="studio-modelhub-cards"
          aria-label="Models"
        >
          {cards.map(card => (
            <ModelCardItem
              key={card.id}
              card={card}
              selected={card.id === model.selectedId}
              onOpen={() => model.select(card.id)}
            />
          ))}
        </ul>
        {state.status === 'ready' && cards.length === 0 ? (
          <div className="jp-studio-empty">
            No model matches these filters.{' '}
            <button
              className="jp-studio-linkButton"
              onClick={() =>
                model.setFilter({
                  q: '',
                  task: '',
                  framework: '',
                  license: '',
                  gated: '',
                  source: '',
                  size: ''
                })
              }
            >
              Clear the filters
            </button>
          </div>
        ) : null}
      </div>
      {model.selectedId ? (
        <div className="jp-studio-ModelHubCatalogue-detail">
          <ModelPage
            key={model.selectedId}
            model={model}
            opener={props.opener}
            openEndpoint={props.openEndpoint}
          />
        </div>
      ) : null}
    </div>
  );
}

function Filters(props: { model: ModelHubModel }): JSX.Element {
  const { model } = props;
  const f = model.filter;
  const all = model.allCards.length
    ? model.allCards
    : (LoadState.valueOf(model.cards) ?? []);
  const select = (
    id: string,
    label: string,
    value: string,
    options: Array<{ value: string; label: string }>,
    onChange: (value: string) => void
  ) => (
    <label className="jp-studio-ModelHubFilter" htmlFor={id}>
      <span>{label}</span>
      <select
        id={id}
        className="jp-mod-styled jp-studio-select"
        value={value}
        onChange={e => onChange(e.target.value)}
      >
        <option value="">Any</option>
        {options.map(o => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
  const plain = (values: string[]) => values.map(v => ({ value: v, label: v }));
  return (
    <div
      className="jp-studio-ModelHubFilters"
      role="search"
      aria-label="Search the catalogue"
    >
      <input
        type="search"
        className="jp-mod-styled jp-studio-input jp-studio-ModelHubSearch"
        placeholder="Search models"
        aria-label="Search models"
        value={f.q}
        onChange={e => model.setFilter({ q: e.target.value })}
      />
      {select('jp-studio-modelhub-task', 'Task', f.task, TASKS, v =>
        model.setFilter({ task: v as typeof f.task })
      )}
      {select(
        'jp-studio-modelhub-framework',
        'Framework',
        f.framework,
        plain(choices(all, 'framework', f.framework)),
        v => model.setFilter({ framework: v })
      )}
      {select(
        'jp-studio-modelhub-size',
        'Size',
        f.size,
        (Object.keys(SIZE_BUCKETS) as Array<Exclude<SizeBucket, ''>>).map(
          k => ({ value: k, label: SIZE_BUCKETS[k].label })
        ),
        v => model.setFilter({ size: v as SizeBucket })
      )}
      {select(
        'jp-studio-modelhub-license',
        'License',
        f.license,
        plain(choices(all, 'license', f.license)),
        v => model.setFilter({ license: v })
      )}
      {select(
        'jp-studio-modelhub-gated',
        'Gated',
        f.gated,
        [
          { value: 'true', label: 'License to accept' },
          { value: 'false', label: 'Open' }
        ],
        v => model.setFilter({ gated: v as typeof f.gated })
      )}
      {select('jp-studio-modelhub-source', 'Source', f.source, SOURCES, v =>
        model.setFilter({ source: v as typeof f.source })
      )}
      <Button
        small
        className="jp-studio-secondary"
        aria-label="Refresh the catalogue"
        title="Reload the catalogue"
        onClick={() => void model.loadCatalogue()}
      >
        <refreshIcon.react tag="span" className="jp-studio-ButtonIcon" />
      </Button>
    </div>
  );
}

function ModelCardItem(props: {
  card: IModelHubModelCard;
  selected: boolean;
  onOpen: () => void;
}): JSX.Element {
  const { card, selected } = props;
  return (
    <li
      className={`jp-studio-ModelHubCard${selected ? ' jp-mod-selected' : ''}`}
      data-testid="studio-modelhub-card"
      data-id={card.id}
      aria-selected={selected}
      tabIndex={0}
      onClick={props.onOpen}
      onKeyDown={event => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          props.onOpen();
        }
      }}
    >
      <div className="jp-studio-ModelHubCard-title">
        <span className="jp-studio-ModelHubCard-name">{card.name}</span>
        {card.gated ? (
          <span
            className={`jp-studio-ModelHubBadge ${card.accepted ? 'jp-mod-accepted' : 'jp-mod-gated'}`}
            data-testid="studio-modelhub-gated"
            title={
              card.accepted
                ? `You accepted the ${card.license} license`
                : `Accept the ${card.license} license before deploying or fine-tuning`
            }
          >
            {card.accepted ? 'License accepted' : 'Gated'}
          </span>
        ) : null}
      </div>
      <div className="jp-studio-ModelHubCard-meta">
        <span>{taskLabel(card.task)}</span>
        <span>{card.framework}</span>
        <span>{formatSize(card.size_mb)}</span>
        {card.parameters ? (
          <span>{formatParameters(card.parameters)} parameters</span>
        ) : null}
      </div>
      <div className="jp-studio-ModelHubCard-description">
        {card.description}
      </div>
      <div className="jp-studio-ModelHubCard-tags">
        <span className="jp-studio-ModelHubTag" title="License">
          {card.license}
        </span>
        <span className="jp-studio-ModelHubTag" title="Source">
          {card.source}
        </span>
        {card.tags.slice(0, 4).map(tag => (
          <span key={tag} className="jp-studio-ModelHubTag">
            {tag}
          </span>
        ))}
      </div>
    </li>
  );
}
