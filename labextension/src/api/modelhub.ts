/*
 * Typed client for the model hub (`studio/api/modelhub`): the catalogue,
 * model pages, license acceptance, deploy, prompt templates, fine-tuning,
 * evaluation and solution templates; and streaming generation through the
 * endpoint proxy (`studio/endpoints/<name>/invocations`).
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import type { IEndpoint } from './endpoints';
import type { IJob } from './jobs';
import { requestAPI, StudioAPIError, toQuery } from './request';

/** What a model-hub model does. */
export type ModelHubModelTask =
  'text-generation' | 'text-embedding' | 'text-classification';

/** Where a catalogue entry comes from. */
export type ModelHubModelSource =
  'packaged' | 'registry' | 'folder' | 'huggingface';

/** One catalogue entry (`ModelCard`). */
export interface IModelHubModelCard {
  /** `smollm2-135m-instruct`, `registry:<name>/<version>`, `hf:<repo>`… */
  id: string;
  name: string;
  task: ModelHubModelTask;
  tasks: ModelHubModelTask[];
  /** `transformers` or `sentence-transformers`. */
  framework: string;
  source: ModelHubModelSource;
  license: string;
  /** Deploy and fine-tune need the license accepted first. */
  gated: boolean;
  /** The caller accepted the license (always true when not gated). */
  accepted: boolean;
  size_mb: number | null;
  parameters: number | null;
  description: string;
  tags: string[];
}

/** An example notebook of a model page. */
export interface IModelHubNotebook {
  title: string;
  /** File-browser path. */
  path: string;
}

/** A license accepted by a profile (`Acceptance`). */
export interface IModelHubAcceptance {
  model_id: string;
  license: string;
  accepted_at: string;
  profile: string;
}

/** The model page (`ModelDetail`). */
export interface IModelHubModelDetail extends IModelHubModelCard {
  license_text: string;
  license_url: string | null;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  example_request: Record<string, unknown>;
  example_python: string;
  notebooks: IModelHubNotebook[];
  acceptance: IModelHubAcceptance | null;
  context_length: number | null;
}

/** Query of `GET modelhub/models` (`ListModelsQuery`); all optional. */
export interface IModelHubModelsQuery {
  q?: string | null;
  task?: ModelHubModelTask | null;
  framework?: string | null;
  license?: string | null;
  gated?: boolean | null;
  source?: ModelHubModelSource | null;
  max_size_mb?: number | null;
}

/** Response of `GET modelhub/models`. */
export interface IModelHubModelList {
  items: IModelHubModelCard[];
  total: number;
}

/** Body of `POST modelhub/models/{id}/deploy` (`DeployModel`). */
export interface IModelHubDeploy {
  endpoint_name: string;
  space_id?: string | null;
  /** Accept the model's license now (needed once for a gated model). */
  accept_eula?: boolean;
  instance_count?: number;
}

/** A prompt template's kind. */
export type TemplateKind = 'zero-shot' | 'few-shot';

/** Generation settings (same ranges as an invocation). */
export interface IGenerationSettings {
  max_new_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  stop?: string[] | null;
}

/** Body of `POST modelhub/templates` (`SaveTemplate`). */
export interface ISaveTemplate {
  name: string;
  space_id?: string | null;
  template: string;
  kind?: TemplateKind;
  settings?: IGenerationSettings;
}

/** A saved prompt template (`PromptTemplate`). */
export interface IPromptTemplate {
  name: string;
  space_id: string | null;
  template: string;
  kind: TemplateKind;
  placeholders: string[];
  settings: IGenerationSettings;
  path?: string | null;
  updated_at?: string | null;
}

/** Response of `GET modelhub/templates`. */
export interface IPromptTemplateList {
  items: IPromptTemplate[];
  total: number;
}

/** What a fine-tuning teaches. */
export type FinetuneTask = 'generation' | 'classification';

/** Body of `POST modelhub/finetune` (`FinetuneParameters`). */
export interface IFinetuneRequest {
  /** Catalogue id of the base model. */
  model_id: string;
  /** File-browser path of a CSV or Parquet file. */
  data: string;
  /** Default: the model's task. */
  task?: FinetuneTask | null;
  instruction_column?: string;
  response_column?: string;
  text_column?: string;
  label_column?: string;
  /** `lora`: adapters merged at the end; `head`: a classifier head only. */
  method?: 'lora' | 'head';
  max_steps?: number;
  /** Default: per model. */
  learning_rate?: number | null;
  batch_size?: number;
  lora_r?: number;
  lora_alpha?: number | null;
  lora_dropout?: number;
  max_length?: number;
  checkpoint_every?: number;
  /** Registered model name (default: `<model>-ft`). */
  output_model_name?: string | null;
  register_version?: boolean;
  space_id?: string | null;
  /** A stopped finetune job whose last checkpoint to continue. */
  resume_from_job?: string | null;
  seed?: number;
  /** Job name (default: generated). */
  name?: string | null;
}

/** One point of a fine-tuning's loss curve. */
export interface ILossPoint {
  step: number;
  loss: number;
  epoch?: number | null;
}

/** Response of `GET modelhub/finetune/{job_id}/loss`. */
export interface IFinetuneLoss {
  points: ILossPoint[];
  /** File-browser path of the last checkpoint, if one was saved. */
  checkpoint?: string | null;
}

/** Body of `POST modelhub/evaluate` (`EvaluateParameters`). */
export interface IEvaluateRequest {
  /** Catalogue ids, `registry:<name>/<version>` or `endpoint:<name>` (1 to 5). */
  models: string[];
  data: string;
  task: FinetuneTask;
  text_column?: string;
  label_column?: string;
  instruction_column?: string;
  response_column?: string;
  /** Also score typo, case and whitespace perturbations of the inputs. */
  perturbations?: boolean;
  /** Evaluate the first rows only. */
  max_rows?: number;
  max_new_tokens?: number;
  /** Label sentence of zero-shot classification (contains `{label}`). */
  zero_shot_template?: string;
  seed?: number;
  /** Run the job in this space. */
  space_id?: string | null;
  /** Job name (default: generated). */
  name?: string | null;
}

/** One metric of one model, on clean or perturbed inputs. */
export interface IEvaluationRow {
  model: string;
  metric: string;
  value: number;
  perturbation?: string | null;
}

/** Response of `GET modelhub/evaluate/{job_id}` (`EvaluationResult`). */
export interface IEvaluationResult {
  rows: IEvaluationRow[];
  /** A Vega-Lite spec comparing the models. */
  chart: Record<string, unknown>;
  task?: string | null;
  rows_evaluated?: number | null;
  /** False while the job is still scoring. */
  complete?: boolean;
}

/** A solution template. */
export interface ISolution {
  id: string;
  title: string;
  description: string;
  steps: string[];
  /** Bundled files it copies. */
  samples?: string[];
  /** Its endpoint is named `<prefix>-<6 hex digits>`. */
  endpoint_prefix: string;
}

/** Body of `POST modelhub/solutions/{id}/launch`. */
export interface ILaunchSolution {
  space_id?: string | null;
  /** Fine-tuning steps (text classifier; default 30). */
  max_steps?: number | null;
  /** AutoML seconds (tabular; default 120). */
  automl_max_runtime?: number | null;
}

/** Response of `POST modelhub/solutions/{id}/launch`: the chain's job and its endpoint. */
export interface ISolutionLaunch {
  jobs: IJob[];
  endpoint?: string | null;
  /** File-browser path of the solution's files. */
  folder: string;
}

const BASE = 'modelhub';

function modelPath(id: string, suffix = ''): string {
  return `${BASE}/models/${encodeURIComponent(id)}${suffix}`;
}

/** `GET modelhub/models`: the catalogue, searched and filtered. */
export function listModelHubModels(
  query: IModelHubModelsQuery,
  serverSettings: ServerConnection.ISettings
): Promise<IModelHubModelList> {
  return requestAPI<IModelHubModelList>(
    `${BASE}/models${toQuery({ ...query })}`,
    { method: 'GET' },
    serverSettings
  );
}

/** `GET modelhub/models/{id}`: the model page. */
export function getModelHubModel(
  id: string,
  serverSettings: ServerConnection.ISettings
): Promise<IModelHubModelDetail> {
  return requestAPI<IModelHubModelDetail>(
    modelPath(id),
    { method: 'GET' },
    serverSettings
  );
}

/** `POST modelhub/models/{id}/accept`: record the caller's acceptance. */
export function acceptModelHubLicense(
  id: string,
  serverSettings: ServerConnection.ISettings
): Promise<IModelHubAcceptance> {
  return requestAPI<IModelHubAcceptance>(
    modelPath(id, '/accept'),
    { method: 'POST', body: '{}' },
    serverSettings
  );
}

/**
 * `POST modelhub/models/{id}/deploy`: a new endpoint serving the model.
 *
 * @throws {StudioAPIError} 403 `license_not_accepted` for a gated model.
 */
export function deployModelHubModel(
  id: string,
  body: IModelHubDeploy,
  serverSettings: ServerConnection.ISettings
): Promise<IEndpoint> {
  return requestAPI<IEndpoint>(
    modelPath(id, '/deploy'),
    { method: 'POST', body: JSON.stringify(body) },
    serverSettings
  );
}

/** Whether an error is the license gate's refusal. */
export function isLicenseRefusal(error: unknown): error is StudioAPIError {
  return (
    error instanceof StudioAPIError &&
    (error.code === 'license_not_accepted' ||
      (error.status === 403 && /licen[cs]e/i.test(error.message)))
  );
}

/** `GET modelhub/templates` of a space (`null`: the home). */
export async function listPromptTemplates(
  spaceId: string | null,
  serverSettings: ServerConnection.ISettings
): Promise<IPromptTemplate[]> {
  const response = await requestAPI<IPromptTemplateList>(
    `${BASE}/templates${toQuery({ space_id: spaceId })}`,
    { method: 'GET' },
    serverSettings
  );
  return response?.items ?? [];
}

/** `POST modelhub/templates`: save (or overwrite) a template. */
export function savePromptTemplate(
  body: ISaveTemplate,
  serverSettings: ServerConnection.ISettings
): Promise<IPromptTemplate> {
  return requestAPI<IPromptTemplate>(
    `${BASE}/templates`,
    { method: 'POST', body: JSON.stringify(body) },
    serverSettings
  );
}

/** `DELETE modelhub/templates/{name}`. */
export async function deletePromptTemplate(
  name: string,
  spaceId: string | null,
  serverSettings: ServerConnection.ISettings
): Promise<void> {
  await requestAPI<void>(
    `${BASE}/templates/${encodeURIComponent(name)}${toQuery({ space_id: spaceId })}`,
    { method: 'DELETE' },
    serverSettings
  );
}

/** `POST modelhub/finetune`: a `finetune` job. */
export function startFinetune(
  body: IFinetuneRequest,
  serverSettings: ServerConnection.ISettings
): Promise<IJob> {
  return requestAPI<IJob>(
    `${BASE}/finetune`,
    { method: 'POST', body: JSON.stringify(body) },
    serverSettings
  );
}

/** `GET modelhub/finetune/{job_id}/loss`. */
export function getFinetuneLoss(
  jobId: string,
  serverSettings: ServerConnection.ISettings
): Promise<IFinetuneLoss> {
  return requestAPI<IFinetuneLoss>(
    `${BASE}/finetune/${encodeURIComponent(jobId)}/loss`,
    { method: 'GET' },
    serverSettings
  );
}

/** `POST modelhub/evaluate`: an `evaluate` job. */
export function startEvaluation(
  body: IEvaluateRequest,
  serverSettings: ServerConnection.ISettings
): Promise<IJob> {
  return requestAPI<IJob>(
    `${BASE}/evaluate`,
    { method: 'POST', body: JSON.stringify(body) },
    serverSettings
  );
}

/** `GET modelhub/evaluate/{job_id}`: the metrics of a finished evaluation. */
export function getEvaluation(
  jobId: string,
  serverSettings: ServerConnection.ISettings
): Promise<IEvaluationResult> {
  return requestAPI<IEvaluationResult>(
    `${BASE}/evaluate/${encodeURIComponent(jobId)}`,
    { method: 'GET' },
    serverSettings
  );
}

/** `GET modelhub/solutions`. */
export async function listSolutions(
  serverSettings: ServerConnection.ISettings
): Promise<ISolution[]> {
  const response = await requestAPI<
    ISolution[] | { items: ISolution[] } | undefined
  >(`${BASE}/solutions`, { method: 'GET' }, serverSettings);
  if (Array.isArray(response)) {
    return response;
  }
  return response?.items ?? [];
}

/** `POST modelhub/solutions/{id}/launch`. */
export function launchSolution(
  id: string,
  body: ILaunchSolution,
  serverSettings: ServerConnection.ISettings
): Promise<ISolutionLaunch> {
  return requestAPI<ISolutionLaunch>(
    `${BASE}/solutions/${encodeURIComponent(id)}/launch`,
    { method: 'POST', body: JSON.stringify(body) },
    serverSettings
  );
}

/** The body of a streamed text-generation invocation. */
export interface IGenerationRequest {
  prompt: string;
  max_new_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string[];
}

/**
 * `POST studio/endpoints/{name}/invocations` with `"stream": true`: the raw
 * response, whose body is `text/event-stream`. An HTTP error is thrown as a
 * {@link StudioAPIError} carrying the server's message and field errors.
 */
export async function openGenerationStream(
  endpointName: string,
  body: IGenerationRequest,
  serverSettings: ServerConnection.ISettings,
  signal?: AbortSignal
): Promise<Response> {
  const url = URLExt.join(
    serverSettings.baseUrl,
    'studio/endpoints',
    encodeURIComponent(endpointName),
    'invocations'
  );
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(
      url,
      {
        method: 'POST',
        body: JSON.stringify({ ...body, stream: true }),
        headers: {
          'Content-Type': 'application/json',
          Accept: 'text/event-stream'
        },
        signal
      },
      serverSettings
    );
  } catch (error) {
    if ((error as Error)?.name === 'AbortError') {
      throw error;
    }
    throw new ServerConnection.NetworkError(error as TypeError);
  }
  if (!response.ok) {
    throw await StudioAPIError.fromResponse(response);
  }
  return response;
}
