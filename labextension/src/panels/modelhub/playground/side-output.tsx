/*
 * What one side of the playground received: the streamed text, an error,
 * and the token count, finish reason and speed.
 */
import React from 'react';

import { IOutput } from './sides';

/** Tokens per second after the first token (`null` when unknown). */
function tokenRate(output: IOutput): number | null {
  return output.elapsedMs && output.firstTokenMs !== null && output.tokens > 1
    ? ((output.tokens - 1) * 1000) /
        Math.max(1, output.elapsedMs - output.firstTokenMs)
    : null;
}

/** The stats line under the output. */
function statsText(output: IOutput): string {
  if (output.status === 'streaming') {
    return `${output.tokens} token${output.tokens === 1 ? '' : 's'}…`;
  }
  if (output.status === 'stopped') {
    return 'Stopped.';
  }
  if (output.status !== 'done') {
    return '';
  }
  const rate = tokenRate(output);
  return [
    `${output.tokens} tokens`,
    output.finishReason ? `finish: ${output.finishReason}` : null,
    output.firstTokenMs !== null
      ? `first token ${Math.round(output.firstTokenMs)} ms`
      : null,
    rate !== null ? `${rate.toFixed(1)} tokens/s` : null
  ]
    .filter(Boolean)
    .join(' · ');
}

export function SideOutput(props: { output: IOutput }): JSX.Element {
  const { output } = props;
  return (
    <>
      <div
        className={`jp-studio-ModelHubOutput jp-mod-${output.status}`}
        data-testid="studio-modelhub-output"
        data-status={output.status}
        aria-live="polite"
      >
        {output.text || (output.status === 'streaming' ? '…' : '')}
      </div>
      {output.error ? (
        <div
          className="jp-studio-error"
          role="alert"
          data-testid="studio-modelhub-output-error"
        >
          {output.error}
        </div>
      ) : null}
      <div
        className="jp-studio-muted"
        data-testid="studio-modelhub-output-stats"
      >
        {statsText(output)}
      </div>
    </>
  );
}
