import React, { useEffect, useLayoutEffect, useRef } from 'react';

import { LogTailModel } from './log-tail';
import { useSignal } from './use-signal';

/** Distance from the bottom (px) under which we consider the user "at the bottom". */
const STICKY_THRESHOLD = 24;

/**
 * A monospace view of a tailed log that follows new output, unless the user
 * scrolled up to read something.
 */
export function LogViewer(props: {
  model: LogTailModel | null;
  emptyText?: string;
  className?: string;
}): JSX.Element {
  const { model } = props;
  useSignal(model?.changed);
  const ref = useRef<HTMLPreElement>(null);
  const stick = useRef(true);

  // A new model (another job) starts following again.
  useEffect(() => {
    stick.current = true;
  }, [model]);

  const content = model?.content ?? '';
  useLayoutEffect(() => {
    const node = ref.current;
    if (node && stick.current) {
      node.scrollTop = node.scrollHeight;
    }
  }, [content, model]);

  const onScroll = () => {
    const node = ref.current;
    if (!node) {
      return;
    }
    stick.current =
      node.scrollHeight - node.scrollTop - node.clientHeight < STICKY_THRESHOLD;
  };

  let placeholder: string | null = null;
  if (!model) {
    placeholder = props.emptyText ?? 'No log.';
  } else if (!model.loaded && !model.error) {
    placeholder = 'Loading log…';
  } else if (!content) {
    placeholder = model.complete ? 'The log is empty.' : 'Waiting for output…';
  }

  return (
    <div className={`jp-studio-LogViewer ${props.className ?? ''}`}>
      <pre
        ref={ref}
        className="jp-studio-LogViewer-content"
        data-testid="studio-job-log"
        data-complete={model?.complete ?? false}
        onScroll={onScroll}
        tabIndex={0}
        aria-label="Job log"
        aria-live="off"
      >
        {model?.truncated ? (
          <span className="jp-studio-LogViewer-note">
            … earlier output truncated …{'\n'}
          </span>
        ) : null}
        {content}
        {placeholder ? (
          <span className="jp-studio-LogViewer-note">{placeholder}</span>
        ) : null}
      </pre>
      <div className="jp-studio-LogViewer-footer">
        {model?.error ? (
          <span className="jp-studio-error">{model.error}</span>
        ) : model?.complete ? (
          <span>End of log</span>
        ) : model ? (
          <span className="jp-studio-LogViewer-live">
            <span className="jp-studio-LogViewer-liveDot" aria-hidden="true" />
            Live
          </span>
        ) : null}
      </div>
    </div>
  );
}
