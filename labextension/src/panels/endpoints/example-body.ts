/*
 * An example request body in a model's input columns.
 */
import type { InvocationContentType } from '../../api/endpoints';
import type { IInputColumn } from '../../api/models';

/** An example body for the model's columns. */
export function exampleBody(
  columns: readonly IInputColumn[],
  contentType: InvocationContentType
): string {
  const names = columns.map((c, i) => c.name ?? `col${i}`);
  const value = (c: IInputColumn) =>
    /int|long|double|float|number/.test(c.type)
      ? 0
      : c.type === 'boolean'
        ? false
        : '';
  if (contentType === 'application/json') {
    return JSON.stringify(
      { columns: names, data: [columns.map(value)] },
      null,
      2
    );
  }
  return `${names.join(',')}\n${columns.map(c => String(value(c))).join(',')}\n`;
}
