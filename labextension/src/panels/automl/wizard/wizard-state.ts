/*
 * The AutoML wizard's form: its fields, the algorithms each training mode
 * pre-selects, the request body and the server's problems per field.
 */
import {
  ALGORITHMS,
  AutoMLMode,
  AutoMLProblemType,
  FeatureType,
  ICreateAutoMLExperiment,
  IFieldProblem
} from '../../../api/automl';

/** The wizard's steps, in order (SageMaker Autopilot's). */
export const STEPS = [
  { id: 'data', label: 'Experiment and data' },
  { id: 'target', label: 'Target and features' },
  { id: 'method', label: 'Training method' },
  { id: 'deploy', label: 'Deployment and advanced' },
  { id: 'review', label: 'Review and create' }
] as const;

export type StepId = (typeof STEPS)[number]['id'];

/** How long typing pauses before the server is asked (preview, checks). */
export const DEBOUNCE_MS = 350;

/** Which step shows each request field. */
export const FIELD_STEP: Record<string, StepId> = {
  experiment_name: 'data',
  data: 'data',
  validation_ratio: 'data',
  validation_data: 'data',
  output: 'data',
  space_id: 'data',
  target: 'target',
  sample_weight: 'target',
  features: 'target',
  feature_types: 'target',
  mode: 'method',
  algorithms: 'method',
  auto_deploy: 'deploy',
  endpoint_name: 'deploy',
  problem_type: 'deploy',
  objective_metric: 'deploy',
  max_runtime: 'deploy',
  max_candidate_runtime: 'deploy',
  tags: 'deploy'
};

export type SplitKind = 'auto' | 'ratio' | 'file';

/** Everything the wizard's fields hold (as typed). */
export interface IWizardForm {
  name: string;
  data: string;
  spaceId: string;
  split: SplitKind;
  /** Validation share in percent, as typed. */
  ratioPercent: string;
  validationData: string;
  output: string;
  target: string;
  weight: string;
  /** Column -> used as a feature. */
  included: Record<string, boolean>;
  featureTypes: Record<string, FeatureType>;
  mode: AutoMLMode;
  algorithms: string[];
  autoDeploy: boolean;
  endpointName: string;
  problemType: AutoMLProblemType;
  objectiveMetric: string;
  /** Minutes, as typed. */
  maxRuntimeMinutes: string;
  /** Minutes, as typed ('' for no limit). */
  maxCandidateMinutes: string;
  /** `key=value` lines. */
  tags: string;
}

/** What every step is given: the form, a way to change it, the problems by field. */
export interface IStepProps {
  form: IWizardForm;
  update: (changes: Partial<IWizardForm>) => void;
  problems: Record<string, string>;
}

/** The algorithms a training mode pre-selects. */
export function algorithmsFor(mode: AutoMLMode): string[] {
  if (mode === 'hpo') {
    return ['lightgbm', 'catboost', 'xgboost', 'linear', 'neural_network'];
  }
  return ALGORITHMS.map(a => a.name);
}

export function emptyForm(): IWizardForm {
  return {
    name: '',
    data: '',
    spaceId: '',
    split: 'auto',
    ratioPercent: '20',
    validationData: '',
    output: '',
    target: '',
    weight: '',
    included: {},
    featureTypes: {},
    mode: 'auto',
    algorithms: algorithmsFor('auto'),
    autoDeploy: false,
    endpointName: '',
    problemType: 'auto',
    objectiveMetric: '',
    maxRuntimeMinutes: '5',
    maxCandidateMinutes: '',
    tags: ''
  };
}

/** `key=value` lines as a record; a line without `=` is a problem. */
export function parseTags(text: string): {
  tags: Record<string, string>;
  problem: string | null;
} {
  const tags: Record<string, string> = {};
  for (const raw of text.split(/[\n,]/)) {
    const line = raw.trim();
    if (!line) {
      continue;
    }
    const index = line.indexOf('=');
    if (index <= 0) {
      return { tags, problem: `write each tag as key=value ("${line}")` };
    }
    tags[line.slice(0, index).trim()] = line.slice(index + 1).trim();
  }
  return { tags, problem: null };
}

function minutes(text: string): number | null {
  const value = Number(text.trim());
  return text.trim() && Number.isFinite(value) ? value * 60 : null;
}

/**
 * The request body of the form, and the problems found before asking the
 * server (a number that is not one, a tag without `=`).
 */
export function buildRequest(
  form: IWizardForm,
  columns: string[]
): { body: ICreateAutoMLExperiment; problems: IFieldProblem[] } {
  const problems: IFieldProblem[] = [];
  const maxRuntime = minutes(form.maxRuntimeMinutes);
  if (maxRuntime === null || maxRuntime <= 0) {
    problems.push({
      loc: ['max_runtime'],
      msg: 'give a number of minutes above 0'
    });
  }
  let candidateRuntime: number | null = null;
  if (form.maxCandidateMinutes.trim()) {
    candidateRuntime = minutes(form.maxCandidateMinutes);
    if (candidateRuntime === null || candidateRuntime <= 0) {
      problems.push({
        loc: ['max_candidate_runtime'],
        msg: 'give a number of minutes above 0, or leave it empty'
      });
    }
  }
  let ratio: number | null = null;
  if (form.split === 'ratio') {
    const percent = Number(form.ratioPercent);
    if (!Number.isFinite(percent) || percent <= 0 || percent >= 100) {
      problems.push({
        loc: ['validation_ratio'],
        msg: 'a percentage between 0 and 100'
      });
    } else {
      ratio = percent / 100;
    }
  }
  const { tags, problem } = parseTags(form.tags);
  if (problem) {
    problems.push({ loc: ['tags'], msg: problem });
  }
  const features = columns.filter(
    c => c !== form.target && c !== form.weight && form.included[c] !== false
  );
  const allUsed = columns
    .filter(c => c !== form.target && c !== form.weight)
    .every(c => form.included[c] !== false);
  const types: Record<string, FeatureType> = {};
  for (const [column, kind] of Object.entries(form.featureTypes)) {
    if (kind !== 'auto' && features.includes(column)) {
      types[column] = kind;
    }
  }
  const body: ICreateAutoMLExperiment = {
    experiment_name: form.name.trim(),
    data: form.data.trim(),
    target: form.target,
    space_id: form.spaceId || null,
    sample_weight: form.weight || null,
    features: allUsed ? null : features,
    feature_types: types,
    validation_ratio: ratio,
    validation_data:
      form.split === 'file' ? form.validationData.trim() || null : null,
    output: form.output.trim() || null,
    problem_type: form.problemType,
    objective_metric: form.objectiveMetric || null,
    mode: form.mode,
    algorithms: form.algorithms,
    max_runtime: maxRuntime ?? 0,
    max_candidate_runtime: candidateRuntime,
    tags,
    auto_deploy: form.autoDeploy,
    endpoint_name: form.autoDeploy ? form.endpointName.trim() || null : null
  };
  return { body, problems };
}

/** The fields Create needs that are still empty, by field. */
export function requiredProblems(form: IWizardForm): Record<string, string> {
  const required: Record<string, string> = {};
  if (!form.name.trim()) {
    required.experiment_name = 'give the experiment a name';
  }
  if (!form.data.trim()) {
    required.data = 'pick a CSV or Parquet file';
  }
  if (!form.target) {
    required.target = 'choose the column to predict';
  }
  return required;
}

/** Problems by field (`loc[0]`; `features.<col>` keeps its column). */
export function problemsByField(
  problems: readonly IFieldProblem[]
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const problem of problems) {
    const loc = problem.loc[0] === 'body' ? problem.loc.slice(1) : problem.loc;
    const key =
      (loc[0] === 'features' || loc[0] === 'feature_types') && loc.length > 1
        ? `${loc[0]}.${loc[1]}`
        : (loc[0] ?? 'data');
    if (!(key in out)) {
      out[key] = problem.msg;
    }
  }
  return out;
}

/** The first step that shows one of these problems, or null. */
export function firstStepWithProblem(
  problems: Record<string, string>
): StepId | null {
  for (const step of STEPS) {
    for (const key of Object.keys(problems)) {
      if (FIELD_STEP[key.split('.')[0]] === step.id) {
        return step.id;
      }
    }
  }
  return null;
}

/** What the review step says about the columns. */
export interface IFeatureSummary {
  /** Columns the models learn from. */
  used: string[];
  /** Columns left out by the user (unchecked in the feature table). */
  excluded: string[];
  /** Columns whose type the user chose (not 'auto'), with that type. */
  typed: Array<[string, FeatureType]>;
}

/** The feature columns of the form: used, excluded and typed by hand. */
export function featureSummary(
  form: IWizardForm,
  columns: string[]
): IFeatureSummary {
  const candidates = columns.filter(
    c => c !== form.target && c !== form.weight
  );
  const used = candidates.filter(c => form.included[c] !== false);
  const excluded = candidates.filter(c => form.included[c] === false);
  const typed = used
    .filter(c => (form.featureTypes[c] ?? 'auto') !== 'auto')
    .map(c => [c, form.featureTypes[c]] as [string, FeatureType]);
  return { used, excluded, typed };
}
