/*
 * The header of a main-area panel (Jobs, Experiments, Models, Endpoints,
 * AutoML, Model hub): its title, a muted note beside it (a count, the
 * current selection) and its toolbar.
 */
import React from 'react';

export function PanelHeader(props: {
  /** The panel's name. */
  title: string;
  /** Muted text beside the title; `undefined`: none (`''` keeps the slot). */
  subtitle?: React.ReactNode;
  /** `data-testid` of the subtitle. */
  subtitleTestId?: string;
  /** The toolbar's buttons and filters. */
  children?: React.ReactNode;
  /** Shown as it is after the title, in place of a toolbar (tabs). */
  aside?: React.ReactNode;
}): JSX.Element {
  return (
    <div className="jp-studio-JobsView-header">
      <div className="jp-studio-JobsView-heading">
        <h2>{props.title}</h2>
        {props.subtitle !== undefined ? (
          <span className="jp-studio-muted" data-testid={props.subtitleTestId}>
            {props.subtitle}
          </span>
        ) : null}
      </div>
      {props.aside}
      {props.children ? (
        <div className="jp-studio-JobsView-toolbar">{props.children}</div>
      ) : null}
    </div>
  );
}
