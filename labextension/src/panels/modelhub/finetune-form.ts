/*
 * The fine-tuning form's values, their checks and the request they make.
 */
import type { FinetuneTask, IFinetuneRequest } from '../../api/modelhub';
import { nameProblem } from '../../utils/names';
import type { IDataChoice } from './data-picker';

/** The fine-tuning form as typed. */
export interface IFinetuneForm {
  modelId: string;
  task: FinetuneTask;
  data: IDataChoice;
  instruction: string;
  response: string;
  text: string;
  label: string;
  maxSteps: string;
  learningRate: string;
  batchSize: string;
  loraR: string;
  outputName: string;
}

/** The problems of the form by field (empty when it can be sent). */
export function finetuneProblems(form: IFinetuneForm): Record<string, string> {
  const problems: Record<string, string> = {};
  if (!form.modelId) {
    problems.model_id = 'Choose a model.';
  }
  if (!form.data.path.trim()) {
    problems.data = 'Choose a data file.';
  }
  if (form.task === 'generation') {
    if (!form.instruction) {
      problems.instruction_column = 'Choose the instruction column.';
    }
    if (!form.response) {
      problems.response_column = 'Choose the response column.';
    }
  } else {
    if (!form.text) {
      problems.text_column = 'Choose the text column.';
    }
    if (!form.label) {
      problems.label_column = 'Choose the label column.';
    }
  }
  const steps = Number(form.maxSteps);
  if (!Number.isInteger(steps) || steps < 1 || steps > 100000) {
    problems.max_steps = 'Steps: a whole number from 1.';
  }
  const lr = Number(form.learningRate);
  if (!(lr > 0 && lr < 1)) {
    problems.learning_rate =
      'Learning rate: more than 0, less than 1 (e.g. 0.002).';
  }
  const batch = Number(form.batchSize);
  if (!Number.isInteger(batch) || batch < 1 || batch > 256) {
    problems.batch_size = 'Batch size: a whole number from 1 to 256.';
  }
  const r = Number(form.loraR);
  if (!Number.isInteger(r) || r < 1 || r > 256) {
    problems.lora_r = 'LoRA r: a whole number from 1 to 256.';
  }
  const name = nameProblem(form.outputName.trim(), 'Output model name');
  if (name) {
    problems.output_model_name = name;
  }
  return problems;
}

/** The request body of a valid form (only the columns of its task). */
export function finetuneRequest(form: IFinetuneForm): IFinetuneRequest {
  const columns: Partial<IFinetuneRequest> =
    form.task === 'generation'
      ? { instruction_column: form.instruction, response_column: form.response }
      : { text_column: form.text, label_column: form.label };
  return {
    model_id: form.modelId,
    data: form.data.path.trim(),
    task: form.task,
    ...columns,
    method: 'lora',
    max_steps: Number(form.maxSteps),
    learning_rate: Number(form.learningRate),
    batch_size: Number(form.batchSize),
    lora_r: Number(form.loraR),
    output_model_name: form.outputName.trim(),
    space_id: form.data.spaceId || null
  };
}
