import { Button } from '@jupyterlab/ui-components';
import React, { useEffect, useState } from 'react';

import { IJobKind, JOB_STATUSES, JobStatus } from '../../api/jobs';
import { PanelHeader } from '../../components/panel-header';
import { RefreshButton } from '../../components/refresh-button';
import { SpaceSelect } from '../../components/space-select';
import { useSignal } from '../../components/use-signal';
import type { IJobFormRegistry, IJobFormVariant } from '../../tokens';
import { statusLabel } from '../../utils/format';
import { LoadState } from '../../utils/load-state';
import type { IPathOpener } from '../../tokens';
import { JobDetail } from './job-detail';
import { JobsTable } from './jobs-table';
import { KindMenu } from './kind-menu';
import { JobsModel } from './model';
import { NewJobForm } from './new-job-form';
import { SchemaParametersForm } from './schema-parameters-form';

/** The kind offered when a request names none. */
const DEFAULT_KIND = 'processing';

/** The new-job form being shown; `key` remounts it for each new request. */
interface IFormState {
  key: number;
  kind: string;
  /** The menu entry the form was opened from, when the kind has several. */
  variant: IJobFormVariant | null;
  parameters: Record<string, unknown>;
  spaceId: string | null;
}

/**
 * The whole Jobs panel: toolbar, new-job form, table and detail pane.
 */
export function JobsView(props: {
  model: JobsModel;
  forms: IJobFormRegistry;
  opener: IPathOpener;
}): JSX.Element {
  const { model, forms, opener } = props;
  useSignal(model.changed);
  useSignal(forms.changed);
  const [form, setForm] = useState<IFormState | null>(null);

  const openForm = (request: JobsModel.INewJobRequest) => {
    const kinds = model.jobKinds;
    const kind =
      request.kind ??
      (kinds.some(k => k.name === DEFAULT_KIND)
        ? DEFAULT_KIND
        : (kinds[0]?.name ?? DEFAULT_KIND));
    const entry = forms.get(kind);
    const variant =
      entry?.variants?.find(v => v.id === request.variant) ?? null;
    const parameters = request.parameters ?? {
      ...entry?.initialParameters?.(),
      ...variant?.parameters
    };
    setForm(previous => ({
      key: (previous?.key ?? 0) + 1,
      kind,
      variant,
      parameters,
      spaceId:
        request.spaceId === undefined
          ? model.studio.activeSpaceId
          : request.spaceId
    }));
  };

  useEffect(() => {
    const onRequest = () => {
      const request = model.takeNewJobRequest();
      if (request) {
        openForm(request);
      }
    };
    // A request made before this view was mounted.
    onRequest();
    model.newJobRequested.connect(onRequest);
    return () => {
      model.newJobRequested.disconnect(onRequest);
    };
  }, [model]);

  const jobs = model.jobs;
  const page = LoadState.valueOf(jobs);
  const spaces = LoadState.valueOf(model.spaces) ?? [];
  const spacesLoaded = model.spaces.status !== 'loading';
  const kinds = model.jobKinds;
  const filter = model.filter;
  const filtered = filter.status !== '' || filter.kind !== '' || filter.spaceId;
  const selected = model.selected;
  const kindsError = LoadState.errorOf(model.studio.kinds);

  return (
    <div className="jp-studio-JobsView">
      <PanelHeader
        title="Jobs"
        subtitle={
          page
            ? `${page.totalCount} job${page.totalCount === 1 ? '' : 's'}`
            : ''
        }
        subtitleTestId="studio-jobs-count"
      >
        <label className="jp-studio-filter">
          <span>Status</span>
          <select
            className="jp-mod-styled jp-studio-select"
            aria-label="Filter by status"
            value={filter.status}
            onChange={e =>
              model.setFilter({ status: e.target.value as JobStatus | '' })
            }
          >
            <option value="">All</option>
            {JOB_STATUSES.map(status => (
              <option key={status} value={status}>
                {statusLabel(status)}
              </option>
            ))}
          </select>
        </label>
        <label className="jp-studio-filter">
          <span>Kind</span>
          <select
            className="jp-mod-styled jp-studio-select"
            aria-label="Filter by kind"
            data-testid="studio-jobs-kind-filter"
            value={filter.kind}
            onChange={e => model.setFilter({ kind: e.target.value })}
          >
            <option value="">All</option>
            {kinds.map(kind => (
              <option key={kind.name} value={kind.name}>
                {kind.title || kind.name}
              </option>
            ))}
            {filter.kind && !kinds.some(k => k.name === filter.kind) ? (
              <option value={filter.kind}>{filter.kind}</option>
            ) : null}
          </select>
        </label>
        <label className="jp-studio-filter">
          <span>Space</span>
          <SpaceSelect
            aria-label="Filter by space"
            data-testid="studio-jobs-space-filter"
            spaces={spaces}
            value={filter.spaceId}
            onChange={spaceId => model.setFilter({ spaceId })}
            emptyLabel="All"
            unknownLabel={spacesLoaded ? 'Unknown space' : 'Loading…'}
          />
        </label>
        <RefreshButton
          title="Refresh the job list"
          ariaLabel="Refresh jobs"
          onRefresh={() => model.refresh()}
        />
        <KindMenu
          kinds={kinds}
          status={
            model.studio.kinds.status === 'loading'
              ? 'Loading job kinds…'
              : kindsError
          }
          variantsOf={kind => forms.get(kind.name)?.variants}
          onChoose={(kind: IJobKind, variant) => {
            void model.studio.refreshSpaces().catch(() => undefined);
            openForm({ kind: kind.name, variant: variant?.id });
          }}
        />
      </PanelHeader>

      {form ? (
        <NewJobFormSlot
          model={model}
          forms={forms}
          form={form}
          onClose={() => setForm(null)}
        />
      ) : null}

      {jobs.status === 'error' ? (
        <div className="jp-studio-error jp-studio-banner" role="alert">
          Could not load jobs: {jobs.error}
        </div>
      ) : null}

      <div className="jp-studio-JobsView-body">
        <div className="jp-studio-JobsView-list">
          <JobsTable
            jobs={page?.items ?? []}
            spaces={spaces}
            kinds={kinds}
            receivedAt={page?.receivedAt ?? Date.now()}
            selectedId={model.selectedId}
            onSelect={jobId => model.select(jobId)}
          />
          {page && page.items.length === 0 ? (
            <div className="jp-studio-empty">
              {filtered
                ? 'No jobs match these filters.'
                : 'No jobs yet. Start one with "New job", or right-click a .py file in the file browser and choose "Run as Studio job".'}
            </div>
          ) : null}
          {jobs.status === 'loading' ? (
            <div className="jp-studio-empty">Loading jobs…</div>
          ) : null}
        </div>
        {selected ? (
          <div className="jp-studio-JobsView-detail">
            <JobDetail
              model={model}
              job={selected}
              opener={opener}
              onClose={() => model.select(null)}
            />
          </div>
        ) : model.selectedId ? (
          <div className="jp-studio-JobsView-detail">
            <div className="jp-studio-empty">Loading job…</div>
          </div>
        ) : null}
      </div>
    </div>
  );
}

/**
 * The form of the requested kind, once the kinds are known: its registered
 * form, or one built from its parameters schema.
 */
function NewJobFormSlot(props: {
  model: JobsModel;
  forms: IJobFormRegistry;
  form: IFormState;
  onClose: () => void;
}): JSX.Element {
  const { model, forms, form, onClose } = props;
  const kinds = model.studio.kinds;
  if (kinds.status === 'loading') {
    return (
      <div className="jp-studio-NewJobForm jp-studio-muted">
        Loading job kinds…
      </div>
    );
  }
  // Without the kinds (the request failed) the handshake's names still work.
  const kind = model.jobKinds.find(k => k.name === form.kind);
  if (!kind) {
    return (
      <div className="jp-studio-NewJobForm">
        <div className="jp-studio-error" role="alert">
          This server has no job kind &quot;{form.kind}&quot;.
        </div>
        <Button minimal onClick={onClose}>
          Close
        </Button>
      </div>
    );
  }
  const spaces = model.spaces;
  const entry = forms.get(kind.name);
  return (
    <NewJobForm
      key={form.key}
      kind={kind}
      title={form.variant?.title}
      description={form.variant?.description}
      parametersForm={entry?.form ?? SchemaParametersForm}
      initialParameters={form.parameters}
      initialSpaceId={form.spaceId}
      spaces={LoadState.valueOf(spaces) ?? []}
      spacesLoaded={spaces.status !== 'loading'}
      onCancel={onClose}
      onSubmit={async body => {
        await model.create(body, entry?.create);
        onClose();
      }}
    />
  );
}
