import { LabIcon } from '@jupyterlab/ui-components';

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

/** Every planned tool now has its own panel (AutoML, Model hub, Data Wrangler). */
export const PLANNED_TOOLS: IPlannedTool[] = [];
