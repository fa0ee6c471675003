export { filterKey, isEmptyFilter, JobList, NO_FILTER } from './job-list';
export { studioModelPlugin } from './plugin';
export { StudioModel } from './studio-model';
