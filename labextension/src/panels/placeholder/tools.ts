import { LabIcon } from '@jupyterlab/ui-components';

import { dataWranglerIcon } from '../../icons';
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
