/*
 * Data Wrangler: the `.flow` file type, its editor (widget factory), the
 * launcher card and File > New > Data Wrangler Flow, and the exports.
 */
import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  Dialog,
  ICommandPalette,
  InputDialog,
  Notification,
  WidgetTracker,
  showDialog
} from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { ILauncher } from '@jupyterlab/launcher';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ServerConnection } from '@jupyterlab/services';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import { StudioAPIError } from '../../api/request';
import {
  IExportedFile,
  exportFlowCode,
  exportReportHtml,
  runFlow,
  trainFromFlow
} from '../../api/wrangler';
import { dataWranglerIcon } from '../../icons';
import {
  CommandIDs,
  IStudioConnection,
  PLUGIN_PREFIX,
  STUDIO_CATEGORY
} from '../../tokens';
import type { IWranglerActions } from './editor';
import { FlowEditorModel, emptyFlow } from './model';
import { FlowDocumentWidget, FlowEditorFactory } from './widget';

/** Name of the `.flow` file type. */
export const FLOW_FILE_TYPE = 'studio-flow';
/** Name of the widget factory. */
export const FLOW_FACTORY = 'Data Wrangler';

/** Write a file, asking before replacing an existing one. */
async function writeOrAsk(
  write: (overwrite: boolean) => Promise<IExportedFile>
): Promise<IExportedFile | null> {
  try {
    return await write(false);
  } catch (error) {
    if (error instanceof StudioAPIError && error.code === 'output_exists') {
      const answer = await showDialog({
        title: 'Replace the file?',
        body: error.message,
        buttons: [
          Dialog.cancelButton(),
          Dialog.warnButton({ label: 'Replace' })
        ]
      });
      return answer.button.accept ? write(true) : null;
    }
    throw error;
  }
}

function makeActions(
  app: JupyterFrontEnd,
  serverSettings: ServerConnection.ISettings,
  model: FlowEditorModel
): IWranglerActions {
  const { commands } = app;
  const openFile = (path: string) =>
    void commands.execute('docmanager:open', { path });
  const openJob = (jobId: string) =>
    void commands.execute(CommandIDs.openJobs, { jobId });
  const saved = async (): Promise<string> => {
    if (model.context.model.dirty) {
      await model.context.save();
    }
    return model.path;
  };
  const beside = (name: string) => {
    const dir = PathExt.dirname(model.path);
    return dir ? `${dir}/${name}` : name;
  };
  const stem = PathExt.basename(model.path, '.flow');
  const jobStarted = (what: string, jobId: string) =>
    Notification.success(what, {
      autoClose: 5000,
      actions: [{ label: 'Open job', callback: () => openJob(jobId) }]
    });

  return {
    exportAs: async (kind, nodeId, target) => {
      const document = model.document as Record<string, unknown>;
      const parameters = model.parameterValues;
      switch (kind) {
        case 'script':
        case 'notebook': {
          const file = await writeOrAsk(overwrite =>
            exportFlowCode(
              {
                document,
                path: model.path,
                node_id: nodeId,
                parameters,
                format: kind,
                overwrite
              },
              serverSettings
            )
          );
          if (file) {
            Notification.success(`Wrote ${file.path}`, { autoClose: 4000 });
            openFile(file.path);
          }
          return;
        }
        case 'report-html': {
          const file = await writeOrAsk(overwrite =>
            exportReportHtml(
              {
                document,
                path: model.path,
                node_id: nodeId,
                parameters,
                target,
                overwrite
              },
              serverSettings
            )
          );
          if (file) {
            Notification.success(`Wrote ${file.path}`, { autoClose: 4000 });
            openFile(file.path);
          }
          return;
        }
        case 'data': {
          const answer = await InputDialog.getText({
            title: 'Export all rows to a file',
            label:
              'Output: .parquet or .csv in your files, or s3://bucket/key.parquet ' +
              "(with the settings of the flow's object-store source)",
            text: beside(`${stem}-${nodeId}.parquet`)
          });
          if (!answer.button.accept || !answer.value) {
            return;
          }
          const isUrl = /^[a-z0-9]+:\/\//.test(answer.value);
          const store = model.nodes.find(n => n.operator === 'object_store')
            ?.parameters as Record<string, unknown> | undefined;
          const text = (name: string): string | null =>
            typeof store?.[name] === 'string' ? (store[name] as string) : null;
          const job = await runFlow(
            {
              path: await saved(),
              node_id: nodeId,
              parameters,
              ...(isUrl
                ? {
                    output_store: {
                      url: answer.value,
                      endpoint_url: text('endpoint_url'),
                      region: text('region'),
                      anonymous: store?.anonymous === true,
                      key: text('key'),
                      secret: text('secret')
                    }
                  }
                : { output: answer.value })
            },
            serverSettings
          );
          jobStarted(
            `Exporting to ${answer.value} (job ${job.name})`,
            job.job_id
          );
          return;
        }
        case 'job':
        case 'report-job': {
          const job = await runFlow(
            {
              path: await saved(),
              node_id: nodeId,
              parameters,
              report: kind === 'report-job',
              report_target: kind === 'report-job' ? target : null
            },
            serverSettings
          );
          jobStarted(
            kind === 'job'
              ? `Processing job ${job.name} started`
              : `Insights report on all rows: job ${job.name}`,
            job.job_id
          );
          openJob(job.job_id);
          return;
        }
        case 'train': {
          let column = target;
          if (!column) {
            const answer = await InputDialog.getText({
              title: 'Export and train',
              label: 'Target column (what the model predicts)'
            });
            if (!answer.button.accept || !answer.value) {
              return;
            }
            column = answer.value;
          }
          const handoff = await trainFromFlow(
            {
              path: await saved(),
              node_id: nodeId,
              parameters,
              target: column
            },
            serverSettings
          );
          const request = handoff.automl_request;
          jobStarted(
            `Writing the training data to ${request.data} (job ${handoff.job.name})`,
            handoff.job.job_id
          );
          // The AutoML wizard, pre-filled: the args are the AutoML create body
          // (`data`, `target`, `experiment_name`, `space_id`) plus the job that
          // writes the data and the pipeline kept beside the model.
          if (commands.hasCommand(CommandIDs.createAutoML)) {
            await commands.execute(CommandIDs.createAutoML, {
              ...request,
              jobId: handoff.job.job_id,
              jobName: handoff.job.name,
              pipelinePath: handoff.pipeline_path
            } as unknown as ReadonlyPartialJSONObject);
          }
          return;
        }
      }
    }
  };
}

export const wranglerPlugin: JupyterFrontEndPlugin<void> = {
  id: `${PLUGIN_PREFIX}:wrangler`,
  description:
    'Data Wrangler: .flow documents with a graph editor, previews, insights report and exports.',
  autoStart: true,
  requires: [IStudioConnection],
  optional: [
    IRenderMimeRegistry,
    ICommandPalette,
    ILauncher,
    IDefaultFileBrowser
  ],
  activate: (
    app: JupyterFrontEnd,
    connection: IStudioConnection,
    rendermime: IRenderMimeRegistry | null,
    palette: ICommandPalette | null,
    launcher: ILauncher | null,
    browser: IDefaultFileBrowser | null
  ): void => {
    if (!connection.available) {
      return;
    }
    const { commands, docRegistry } = app;
    const { serverSettings } = connection;

    docRegistry.addFileType({
      name: FLOW_FILE_TYPE,
      displayName: 'Data Wrangler Flow',
      extensions: ['.flow'],
      mimeTypes: ['application/json'],
      icon: dataWranglerIcon,
      contentType: 'file',
      fileFormat: 'text'
    });
    const factory = new FlowEditorFactory(
      {
        name: FLOW_FACTORY,
        label: 'Data Wrangler',
        fileTypes: [FLOW_FILE_TYPE],
        defaultFor: [FLOW_FILE_TYPE],
        modelName: 'text'
      },
      {
        serverSettings,
        rendermime,
        actions: model => makeActions(app, serverSettings, model)
      }
    );
    const tracker = new WidgetTracker<FlowDocumentWidget>({
      namespace: 'studio-flows'
    });
    factory.widgetCreated.connect((_, widget) => {
      widget.context.pathChanged.connect(() => void tracker.save(widget));
      void tracker.add(widget);
    });
    docRegistry.addWidgetFactory(factory);

    commands.addCommand(CommandIDs.openDataWrangler, {
      label: args =>
        args.isLauncher
          ? 'Data Wrangler'
          : args.isPalette
            ? 'New Data Wrangler Flow'
            : 'Data Wrangler Flow',
      caption: 'Explore, clean and transform a dataset as a flow of steps',
      icon: args => (args.isPalette ? undefined : dataWranglerIcon),
      execute: async args => {
        if (typeof args.path === 'string' && args.path.endsWith('.flow')) {
          return commands.execute('docmanager:open', {
            path: args.path,
            factory: FLOW_FACTORY
          });
        }
        const cwd =
          typeof args.cwd === 'string' ? args.cwd : (browser?.model.path ?? '');
        const created = await commands.execute('docmanager:new-untitled', {
          path: cwd,
          type: 'file',
          ext: '.flow'
        });
        const name = PathExt.basename(created.path, '.flow');
        await app.serviceManager.contents.save(created.path, {
          type: 'file',
          format: 'text',
          content: JSON.stringify(emptyFlow(name), null, 2) + '\n'
        });
        return commands.execute('docmanager:open', {
          path: created.path,
          factory: FLOW_FACTORY
        });
      }
    });
    palette?.addItem({
      command: CommandIDs.openDataWrangler,
      category: STUDIO_CATEGORY
    });
    launcher?.add({
      command: CommandIDs.openDataWrangler,
      category: STUDIO_CATEGORY,
      rank: 3,
      args: { isLauncher: true }
    });
  }
};
