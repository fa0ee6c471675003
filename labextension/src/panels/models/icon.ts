import { LabIcon } from '@jupyterlab/ui-components';

import modelsSvg from '../../../style/icons/models.svg';

export const modelsIcon = new LabIcon({
  name: 'jupyter-studio:models',
  svgstr: modelsSvg
});
