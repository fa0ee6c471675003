import { addIcon, Button, refreshIcon } from '@jupyterlab/ui-components';
import React, { useEffect, useState } from 'react';

import { JOB_STATUSES, JobStatus } from '../../api/jobs';
import { useSignal } from '../../components/use-signal';
import { statusLabel } from '../../utils/format';
import { spaceOptionLabel } from '../../utils/spaces';
import { IPathOpener, JobDetail } from './job-detail';
import { JobsTable } from './jobs-table';
import { JobsModel } from './model';
import { NewJobForm } from './new-job-form';

/**
 * The whole Jobs panel: toolbar, new-job form, table and detail pane.
 */
export function JobsView(props: {
  model: JobsModel;
  opener: IPathOpener;
  getSelectedScript: () => string | null;
}): JSX.Element {
  const { model, opener } = props;
  useSignal(model.changed);
  // `key` remounts the form so a new request can prefill it again.
  const [form, setForm] = useState<{
    key: number;
    script: string;
    spaceId: string | null;
  } | null>(null);

  useEffect(() => {
    const onRequest = () => {
      const request = model.takeNewJobRequest();
      if (request) {
        setForm(prev => ({
          key: (prev?.key ?? 0) + 1,
          script: request.script ?? props.getSelectedScript() ?? '',
          spaceId:
            request.spaceId === undefined
              ? model.activeSpaceId
              : request.spaceId
        }));
      }
    };
    // A request made before this view was mounted.
    onRequest();
    model.newJobRequested.connect(onRequest);
    return () => {
      model.newJobRequested.disconnect(onRequest);
    };
  }, [model]);

  const openForm = () => {
    void model.refreshSpaces();
    setForm(prev => ({
      key: (prev?.key ?? 0) + 1,
      script: props.getSelectedScript() ?? '',
      spaceId: model.activeSpaceId
    }));
  };

  const selected = model.selected;
  const filtered =
    model.statusFilter !== '' ||
    model.kindFilter !== '' ||
    model.spaceFilter !== '';
  const filterSpace = model.spaceById(model.spaceFilter);

  return (
    <div className="jp-studio-JobsView">
      <div className="jp-studio-JobsView-header">
        <div className="jp-studio-JobsView-heading">
          <h2>Jobs</h2>
          <span className="jp-studio-muted" data-testid="studio-jobs-count">
            {model.loaded
              ? `${model.totalCount} job${model.totalCount === 1 ? '' : 's'}`
              : ''}
          </span>
        </div>
        <div className="jp-studio-JobsView-toolbar">
          <label className="jp-studio-filter">
            <span>Status</span>
            <select
              className="jp-mod-styled jp-studio-select"
              aria-label="Filter by status"
              value={model.statusFilter}
              onChange={e =>
                (model.statusFilter = e.target.value as JobStatus | '')
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
              value={model.kindFilter}
              onChange={e => (model.kindFilter = e.target.value)}
            >
              <option value="">All</option>
              {model.jobKinds.map(kind => (
                <option key={kind} value={kind}>
                  {kind}
                </option>
              ))}
            </select>
          </label>
          <label className="jp-studio-filter">
            <span>Space</span>
            <select
              className="jp-mod-styled jp-studio-select"
              aria-label="Filter by space"
              data-testid="studio-jobs-space-filter"
              value={model.spaceFilter}
              onChange={e => (model.spaceFilter = e.target.value)}
            >
              <option value="">All</option>
              {model.spaces.map(space => (
                <option key={space.space_id} value={space.space_id}>
                  {spaceOptionLabel(space)}
                </option>
              ))}
              {model.spaceFilter && !filterSpace ? (
                <option value={model.spaceFilter}>
                  {model.spacesLoaded ? 'Unknown space' : 'Loading…'}
                </option>
              ) : null}
            </select>
          </label>
          <Button
            small
            className="jp-studio-secondary"
            title="Refresh the job list"
            aria-label="Refresh jobs"
            onClick={() => void model.refresh()}
          >
            <refreshIcon.react tag="span" className="jp-studio-ButtonIcon" />
            Refresh
          </Button>
          <Button
            small
            className="jp-studio-primary"
            onClick={openForm}
            title="Run a Python script as a processing job"
          >
            <addIcon.react tag="span" className="jp-studio-ButtonIcon" />
            New processing job
          </Button>
        </div>
      </div>

      {form ? (
        <NewJobForm
          key={form.key}
          initialScript={form.script}
          initialSpaceId={form.spaceId}
          spaces={model.spaces}
          spacesLoaded={model.spacesLoaded}
          onCancel={() => setForm(null)}
          onSubmit={async body => {
            await model.create(body);
            setForm(null);
          }}
        />
      ) : null}

      {model.error ? (
        <div className="jp-studio-error jp-studio-banner" role="alert">
          Could not load jobs: {model.error}
        </div>
      ) : null}

      <div className="jp-studio-JobsView-body">
        <div className="jp-studio-JobsView-list">
          <JobsTable
            jobs={model.jobs}
            spaces={model.spaces}
            receivedAt={model.receivedAt}
            selectedId={model.selectedId}
            onSelect={jobId => model.select(jobId)}
          />
          {model.loaded && model.jobs.length === 0 ? (
            <div className="jp-studio-empty">
              {filtered
                ? 'No jobs match these filters.'
                : 'No jobs yet. Start one with "New processing job", or right-click a .py file in the file browser and choose "Run as Studio job".'}
            </div>
          ) : null}
          {!model.loaded && !model.error ? (
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
