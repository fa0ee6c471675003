import { ReactWidget } from '@jupyterlab/ui-components';
import React from 'react';

import { IPlannedTool } from './tools';

/**
 * A main-area panel for a Studio tool that comes in a later release.
 */
export class PlaceholderPanel extends ReactWidget {
  constructor(tool: IPlannedTool, openJobs: () => void) {
    super();
    this._tool = tool;
    this._openJobs = openJobs;
    this.id = `jp-studio-${tool.id}`;
    this.addClass('jp-studio-PlaceholderPanel');
    this.title.label = tool.label;
    this.title.caption = tool.caption;
    this.title.icon = tool.icon;
    this.title.closable = true;
  }

  render(): JSX.Element {
    const tool = this._tool;
    return (
      <div
        className="jp-studio-Placeholder"
        data-testid="studio-placeholder"
        data-tool={tool.id}
      >
        <tool.icon.react
          tag="div"
          className="jp-studio-Placeholder-icon"
          width="64px"
          height="64px"
        />
        <h2 className="jp-studio-Placeholder-title">{tool.label}</h2>
        <div className="jp-studio-Placeholder-badge">
          Coming in a later release
        </div>
        <p className="jp-studio-Placeholder-text">
          {tool.label} is not available yet in this version of Jupyter Studio;
          it is coming in a later release.
        </p>
        <p className="jp-studio-Placeholder-text">{tool.description}</p>
        <p className="jp-studio-Placeholder-text jp-studio-muted">
          {tool.meanwhile}
        </p>
        <button
          className="jp-studio-linkButton"
          onClick={() => this._openJobs()}
        >
          Open Jobs
        </button>
      </div>
    );
  }

  private _tool: IPlannedTool;
  private _openJobs: () => void;
}
