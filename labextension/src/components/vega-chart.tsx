/*
 * A Vega-Lite chart rendered by JupyterLab's own renderer, through the
 * rendermime registry (no chart library of our own).
 */
import { IRenderMimeRegistry, MimeModel } from '@jupyterlab/rendermime';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { Widget } from '@lumino/widgets';
import React, { useLayoutEffect, useRef, useState } from 'react';

import { VEGALITE_MIME } from '../utils/mime';

export function VegaChart(props: {
  spec: Record<string, unknown>;
  rendermime: IRenderMimeRegistry | null;
  /** Accessible name of the chart. */
  label: string;
  /** data-testid of the figure (browser tests find charts by it). */
  testId?: string;
}): JSX.Element {
  const { rendermime, spec } = props;
  const host = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  const key = JSON.stringify(spec);
  const data = { [VEGALITE_MIME]: spec as ReadonlyPartialJSONObject };
  const supported =
    rendermime !== null &&
    rendermime.preferredMimeType(data, 'any') !== undefined;

  // A layout effect: its cleanup runs while the host is still in the page,
  // which Lumino needs to detach the renderer.
  useLayoutEffect(() => {
    if (!rendermime || !supported || !host.current) {
      return;
    }
    const renderer = rendermime.createRenderer(VEGALITE_MIME);
    const model = new MimeModel({ data, trusted: true });
    Widget.attach(renderer, host.current);
    setError(null);
    renderer.renderModel(model).catch(reason => {
      setError(String(reason?.message ?? reason));
    });
    return () => {
      try {
        if (renderer.isAttached && renderer.node.isConnected) {
          Widget.detach(renderer);
        }
        renderer.dispose();
      } catch (reason) {
        console.warn('Jupyter Studio: could not dispose a chart', reason);
      }
    };
  }, [rendermime, supported, key]);

  if (!supported) {
    return (
      <div className="jp-studio-muted jp-studio-Chart">
        Charts need JupyterLab&apos;s Vega-Lite renderer
        (@jupyterlab/vega5-extension), which is disabled here.
      </div>
    );
  }
  return (
    <figure
      className="jp-studio-Chart"
      data-testid={props.testId ?? 'studio-metric-chart'}
      aria-label={props.label}
    >
      <div ref={host} className="jp-studio-Chart-host" />
      {error ? <div className="jp-studio-error">{error}</div> : null}
    </figure>
  );
}
