/*
 * The Refresh button of a panel's toolbar (AutoML, Endpoints, Models, Jobs,
 * Experiments): the refresh icon and "Refresh", reloading what the panel
 * lists.
 */
import { Button, refreshIcon } from '@jupyterlab/ui-components';
import React from 'react';

export function RefreshButton(props: {
  /** Reloads the panel's lists; a rejection is left to the panel's model. */
  onRefresh: () => unknown;
  /** The tooltip, saying what is refreshed; "Refresh" unless given. */
  title?: string;
  /** The accessible name ("Refresh models"); the label "Refresh" unless given. */
  ariaLabel?: string;
}): JSX.Element {
  return (
    <Button
      small
      className="jp-studio-secondary"
      title={props.title ?? 'Refresh'}
      aria-label={props.ariaLabel}
      onClick={() => void props.onRefresh()}
    >
      <refreshIcon.react tag="span" className="jp-studio-ButtonIcon" />
      Refresh
    </Button>
  );
}
