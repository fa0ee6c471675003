/*
 * The "New job" menu entries of the `processor` kind: one per processor.
 */
import type { IJobFormVariant } from '../../../tokens';

/** The menu entries of the `processor` kind. */
export const PROCESSOR_VARIANTS: IJobFormVariant[] = [
  {
    id: 'script',
    title: 'Script processor',
    description:
      "Run a Python script written for SageMaker's processing container: inputs copied in, outputs uploaded.",
    parameters: { processor: 'script' }
  },
  {
    id: 'sklearn',
    title: 'scikit-learn processor',
    description:
      "A SageMaker SKLearnProcessor run with the server's scikit-learn.",
    parameters: { processor: 'sklearn' }
  },
  {
    id: 'framework',
    title: 'Framework processor',
    description:
      'A SageMaker FrameworkProcessor run: scikit-learn, XGBoost, PyTorch or LightGBM as installed on the server.',
    parameters: { processor: 'framework', framework: 'sklearn' }
  }
];
