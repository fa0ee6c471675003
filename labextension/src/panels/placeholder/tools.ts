import { LabIcon } from '@jupyterlab/ui-components';

import { dataWranglerIcon, modelHubIcon } from '../../icons';
import { CommandIDs } from '../../tokens';

/** A Studio tool that has a launcher card but is not built yet. */
export interface IPlannedTool {
  /** Widget id suffix. */
  id: string;
  command: string;
  /** Launcher card label (exact). */
  label: string;
  caption: string;
  icon: LabIcon;
  /** Launcher rank inside the Studio category. */
  rank: number;
  /** What the tool will do, 1-2 sentences. */
  description: string;
  /** What to use in the meantime. */
  meanwhile: string;
}

export const PLANNED_TOOLS: IPlannedTool[] = [
  {
    id: 'model-hub',
    command: CommandIDs.openModelHub,
    label: 'Model hub',
    caption: 'Browse, register and reuse models',
    icon: modelHubIcon,
    rank: 2,
    description:
      'The Model hub will list the models registered in this domain with their cards, versions and metrics, and let you fine-tune or deploy one in a click.',
    meanwhile:
      'Until then, job artifacts (for example model.pkl) are kept in each job\u2019s output folder.'
  },
  {
    id: 'data-wrangler',
    command: CommandIDs.openDataWrangler,
    label: 'Data Wrangler',
    caption: 'Explore, clean and transform datasets visually',
    icon: dataWranglerIcon,
    rank: 3,
    description:
      'Data Wrangler will let you explore a dataset, see column statistics and apply cleaning and transformation steps visually, then export those steps as a Python script or run them as a processing job.',
    meanwhile:
      'Until then, prepare data in a notebook or a script and run it as a processing job.'
  }
];
