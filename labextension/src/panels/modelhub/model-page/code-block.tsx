/*
 * A block of code on a model page (the example request, the Python call)
 * with a Copy button.
 */
import { Clipboard } from '@jupyterlab/apputils';
import { Button } from '@jupyterlab/ui-components';
import React, { useState } from 'react';

export function CodeBlock(props: {
  label: string;
  text: string;
  testId?: string;
}): JSX.Element {
  const [copied, setCopied] = useState(false);
  return (
    <div className="jp-studio-ModelHubCodeBlock">
      <pre className="jp-studio-ModelHubCode" data-testid={props.testId}>
        {props.text}
      </pre>
      <Button
        small
        className="jp-studio-secondary jp-studio-ModelHubCopy"
        aria-label={props.label}
        title={props.label}
        onClick={() => {
          Clipboard.copyToSystem(props.text);
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        }}
      >
        {copied ? 'Copied' : 'Copy'}
      </Button>
    </div>
  );
}
