/*
 * The header of a detail pane (a job, an endpoint, a model and its version,
 * an AutoML experiment, a model hub page): the title with its badges, the
 * actions and a close button.
 */
import { Button, closeIcon } from '@jupyterlab/ui-components';
import React from 'react';

export function DetailHeader(props: {
  title: React.ReactNode;
  /** The title's tooltip (the full name, when it may be cut). */
  tooltip?: string;
  /** Badges, tags or buttons after the title, in its row. */
  badges?: React.ReactNode;
  /** Buttons on the right. */
  actions?: React.ReactNode;
  /** Adds a close button after the actions. */
  onClose?: () => void;
  /** The close button's accessible name ("Close job details"). */
  closeLabel?: string;
  /** Below the title row (a progress bar). */
  children?: React.ReactNode;
}): JSX.Element {
  const { actions, onClose } = props;
  return (
    <header className="jp-studio-JobDetail-header">
      <div className="jp-studio-JobDetail-titleRow">
        <h3 className="jp-studio-JobDetail-title" title={props.tooltip}>
          {props.title}
        </h3>
        {props.badges}
      </div>
      {actions || onClose ? (
        <div className="jp-studio-JobDetail-actions">
          {actions}
          {onClose ? (
            <Button
              small
              minimal
              aria-label={props.closeLabel ?? 'Close'}
              title="Close"
              onClick={onClose}
            >
              <closeIcon.react tag="span" />
            </Button>
          ) : null}
        </div>
      ) : null}
      {props.children}
    </header>
  );
}
