/*
 * The details of one model version: input schema, output, metrics, tags,
 * its folder, and the Deploy button.
 */
import { Button, folderIcon } from '@jupyterlab/ui-components';
import React from 'react';

import type { IModelVersion } from '../../api/models';
import { DetailHeader } from '../../components/detail-header';
import type { IPathOpener } from '../../tokens';
import { formatTimestamp } from '../../utils/format';
import { formatCell } from '../../components/response-table';
import { sourceLabel } from './source';

/** A list of key/value pairs, or a muted note when there are none. */
function Pairs(props: {
  values: Record<string, string | number>;
  empty: string;
  testId: string;
}): JSX.Element {
  const entries = Object.entries(props.values);
  if (!entries.length) {
    return <div className="jp-studio-muted">{props.empty}</div>;
  }
  return (
    <dl className="jp-studio-Properties" data-testid={props.testId}>
      {entries.map(([key, value]) => (
        <React.Fragment key={key}>
          <dt>{key}</dt>
          <dd className="jp-studio-mono" title={String(value)}>
            {typeof value === 'number' ? formatCell(value) : value}
          </dd>
        </React.Fragment>
      ))}
    </dl>
  );
}

export function VersionDetail(props: {
  version: IModelVersion;
  opener: IPathOpener;
  onDeploy: () => void;
  onOpenJob: (jobId: string) => void;
}): JSX.Element {
  const { version, opener } = props;
  const classes = version.output.classes ?? null;
  const outputs = version.output.columns ?? [];
  return (
    <section
      className="jp-studio-VersionDetail"
      data-testid="studio-version-detail"
      data-version={version.version}
      aria-label={`${version.model_name} version ${version.version}`}
    >
      <DetailHeader
        title={`${version.model_name} · version ${version.version}`}
        badges={
          <>
            <span className="jp-studio-Tag">{version.flavor}</span>
            {version.status !== 'Ready' ? (
              <span className="jp-studio-Tag">{version.status}</span>
            ) : null}
          </>
        }
        actions={
          <Button
            small
            className="jp-studio-primary"
            title="Serve this version from a new endpoint"
            disabled={version.status !== 'Ready'}
            onClick={props.onDeploy}
          >
            Deploy
          </Button>
        }
      />

      <dl className="jp-studio-Properties">
        <dt>Problem type</dt>
        <dd>{version.problem_type ?? '—'}</dd>
        <dt>Flavors</dt>
        <dd>{version.flavors.join(', ')}</dd>
        <dt>Source</dt>
        <dd>
          {version.job_id ? (
            <button
              className="jp-studio-linkButton"
              title="Show the job in the Jobs panel"
              onClick={() => props.onOpenJob(version.job_id!)}
            >
              {sourceLabel(version)}
            </button>
          ) : (
            sourceLabel(version)
          )}
        </dd>
        <dt>Owner</dt>
        <dd>{version.owner}</dd>
        <dt>Created</dt>
        <dd title={version.created_at}>
          {formatTimestamp(version.created_at)}
        </dd>
        {version.mlflow_version ? (
          <>
            <dt>MLflow</dt>
            <dd>{version.mlflow_version}</dd>
          </>
        ) : null}
        <dt>Folder</dt>
        <dd>
          {version.path !== null ? (
            <button
              className="jp-studio-linkButton jp-studio-mono"
              title={`Show ${version.path} in the file browser`}
              data-testid="studio-version-folder"
              onClick={() => opener.reveal(version.path!)}
            >
              <folderIcon.react tag="span" className="jp-studio-ButtonIcon" />
              {version.path}
            </button>
          ) : (
            <span className="jp-studio-muted">outside the file browser</span>
          )}
        </dd>
        {version.baseline_path ? (
          <>
            <dt>Baseline</dt>
            <dd>
              <button
                className="jp-studio-linkButton jp-studio-mono"
                title="Open the training-data baseline"
                onClick={() => opener.openFile(version.baseline_path!)}
              >
                {version.baseline_path.split('/').pop()}
              </button>
            </dd>
          </>
        ) : null}
      </dl>

      <h4 className="jp-studio-SectionTitle">
        Input schema
        <span className="jp-studio-count">{version.input_schema.length}</span>
      </h4>
      {version.input_schema.length ? (
        <table
          className="jp-studio-Table jp-studio-Table-compact"
          data-testid="studio-input-schema"
        >
          <thead>
            <tr>
              <th scope="col">Column</th>
              <th scope="col">Type</th>
              <th scope="col">Required</th>
            </tr>
          </thead>
          <tbody>
            {version.input_schema.map((column, i) => (
              <tr key={`${column.name}-${i}`}>
                <td className="jp-studio-mono">{column.name ?? `#${i}`}</td>
                <td>{column.type}</td>
                <td>{column.required === false ? 'no' : 'yes'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <div className="jp-studio-muted">
          The model has no signature: it takes what its flavor accepts.
        </div>
      )}

      <h4 className="jp-studio-SectionTitle">Output</h4>
      {classes && classes.length ? (
        <div data-testid="studio-output-classes">
          <span className="jp-studio-muted">Classes: </span>
          {classes.map((c, i) => (
            <span key={i} className="jp-studio-Tag jp-studio-mono">
              {String(c)}
            </span>
          ))}
        </div>
      ) : null}
      {outputs.length ? (
        <div className="jp-studio-mono">
          {outputs
            .map(
              (c, i) =>
                `${c.name ?? (outputs.length > 1 ? `#${i}` : 'prediction')}: ${c.type}`
            )
            .join(', ')}
        </div>
      ) : !classes?.length ? (
        <div className="jp-studio-muted">No output schema.</div>
      ) : null}

      <h4 className="jp-studio-SectionTitle">Metrics</h4>
      <Pairs
        values={version.metrics}
        empty="No metrics."
        testId="studio-version-metrics"
      />
      <h4 className="jp-studio-SectionTitle">Tags</h4>
      <Pairs
        values={version.tags}
        empty="No tags."
        testId="studio-version-tags"
      />
    </section>
  );
}
