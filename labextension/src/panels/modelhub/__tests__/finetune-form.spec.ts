import {
  finetuneProblems,
  finetuneRequest,
  IFinetuneForm
} from '../finetune-form';

const form: IFinetuneForm = {
  modelId: 'smollm2-135m-instruct',
  task: 'generation',
  data: {
    spaceId: 's1',
    path: ' data/train.csv ',
    columns: ['instruction', 'response']
  },
  instruction: 'instruction',
  response: 'response',
  text: '',
  label: '',
  maxSteps: '20',
  learningRate: '0.002',
  batchSize: '4',
  loraR: '8',
  outputName: 'smollm2-tuned'
};

describe('finetuneProblems', () => {
  it('accepts a complete generation form', () => {
    expect(finetuneProblems(form)).toEqual({});
  });

  it('names each missing or out-of-range field by its request name', () => {
    const problems = finetuneProblems({
      ...form,
      modelId: '',
      data: { ...form.data, path: ' ' },
      response: '',
      maxSteps: '2.5',
      learningRate: '0',
      batchSize: '0',
      loraR: 'x',
      outputName: 'bad name'
    });
    expect(Object.keys(problems).sort()).toEqual([
      'batch_size',
      'data',
      'learning_rate',
      'lora_r',
      'max_steps',
      'model_id',
      'output_model_name',
      'response_column'
    ]);
    expect(problems.output_model_name).toMatch(/space is not allowed/);
  });

  it('asks for text and label columns for classification', () => {
    expect(
      Object.keys(finetuneProblems({ ...form, task: 'classification' })).sort()
    ).toEqual(['label_column', 'text_column']);
  });
});

describe('finetuneRequest', () => {
  it('sends the columns of the task only, numbers as numbers, LoRA', () => {
    expect(finetuneRequest(form)).toEqual({
      model_id: 'smollm2-135m-instruct',
      data: 'data/train.csv',
      task: 'generation',
      instruction_column: 'instruction',
      response_column: 'response',
      method: 'lora',
      max_steps: 20,
      learning_rate: 0.002,
      batch_size: 4,
      lora_r: 8,
      output_model_name: 'smollm2-tuned',
      space_id: 's1'
    });
  });
});
