import { LabIcon } from '@jupyterlab/ui-components';

import experimentsSvg from '../../../style/icons/experiments.svg';

export const experimentsIcon = new LabIcon({
  name: 'jupyter-studio:experiments',
  svgstr: experimentsSvg
});
