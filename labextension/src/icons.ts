import { LabIcon } from '@jupyterlab/ui-components';

import automlSvg from '../style/icons/automl.svg';
import dataWranglerSvg from '../style/icons/data-wrangler.svg';
import endpointsSvg from '../style/icons/endpoints.svg';
import jobsSvg from '../style/icons/jobs.svg';
import modelHubSvg from '../style/icons/model-hub.svg';
import sharedSpaceSvg from '../style/icons/shared-space.svg';
import spaceSvg from '../style/icons/space.svg';
import studioSvg from '../style/icons/studio.svg';

export const studioIcon = new LabIcon({
  name: 'jupyter-studio:studio',
  svgstr: studioSvg
});
export const automlIcon = new LabIcon({
  name: 'jupyter-studio:automl',
  svgstr: automlSvg
});
export const modelHubIcon = new LabIcon({
  name: 'jupyter-studio:model-hub',
  svgstr: modelHubSvg
});
export const dataWranglerIcon = new LabIcon({
  name: 'jupyter-studio:data-wrangler',
  svgstr: dataWranglerSvg
});
export const jobsIcon = new LabIcon({
  name: 'jupyter-studio:jobs',
  svgstr: jobsSvg
});
export const endpointsIcon = new LabIcon({
  name: 'jupyter-studio:endpoints',
  svgstr: endpointsSvg
});
export const spaceIcon = new LabIcon({
  name: 'jupyter-studio:space',
  svgstr: spaceSvg
});
export const sharedSpaceIcon = new LabIcon({
  name: 'jupyter-studio:shared-space',
  svgstr: sharedSpaceSvg
});
