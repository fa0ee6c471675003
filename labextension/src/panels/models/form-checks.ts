/*
 * The checks of the Deploy and Register forms, as the user types.
 */
import type { IRegisterModel } from '../../api/models';
import { nameProblem } from '../../utils/names';

/** The most model-server workers an endpoint may have (`MAX_INSTANCES`). */
export const MAX_INSTANCES = 8;

/** The Deploy form's values, as typed. */
export interface IDeployValues {
  endpoint_name: string;
  model_version: number;
  instance_count: string;
  capture_percent: string;
}

/** Problems of the Deploy form by field. */
export function deployProblems(values: IDeployValues): Record<string, string> {
  const problems: Record<string, string> = {};
  const name = nameProblem(values.endpoint_name, 'Endpoint name');
  if (name) {
    problems.endpoint_name = name;
  }
  const count = Number(values.instance_count);
  if (
    !values.instance_count.trim() ||
    !Number.isInteger(count) ||
    count < 1 ||
    count > MAX_INSTANCES
  ) {
    problems.instance_count = `A whole number from 1 to ${MAX_INSTANCES}.`;
  }
  const capture = Number(values.capture_percent);
  if (
    !values.capture_percent.trim() ||
    !isFinite(capture) ||
    capture < 0 ||
    capture > 100
  ) {
    problems.capture_percent = 'A percentage from 0 to 100.';
  }
  return problems;
}

/** The Register form's values, as typed. */
export interface IRegisterValues {
  path: string;
  name: string;
  training_data_path: string;
  space_id: string;
}

/** Problems of the Register form by field. */
export function registerProblems(
  values: IRegisterValues
): Record<string, string> {
  const problems: Record<string, string> = {};
  if (!values.path.trim()) {
    problems.path = 'Enter the path of a folder with an MLmodel file.';
  }
  const name = nameProblem(values.name, 'Model name');
  if (name) {
    problems.name = name;
  }
  return problems;
}

/** The request body of the Register form's values. */
export function registerBody(values: IRegisterValues): IRegisterModel {
  const body: IRegisterModel = {
    path: values.path.trim().replace(/\/+$/, ''),
    name: values.name,
    space_id: values.space_id || null
  };
  if (values.training_data_path.trim()) {
    body.training_data_path = values.training_data_path.trim();
  }
  return body;
}
