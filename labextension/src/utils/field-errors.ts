/*
 * The field errors of a 400 response (`detail: [{loc, msg, type}]`), sorted
 * to the form fields they belong to.
 */
import type { IErrorDetail } from '../api/request';

/** Field errors by where a form shows them. */
export interface ISortedErrors {
  /** Errors of job parameters, by parameter name (`loc` `parameters.<name>...`). */
  parameters: Record<string, string>;
  /** Errors of the form's own fields, by field name (`loc` `<name>...`). */
  fields: Record<string, string>;
  /** Errors no field shows, as `loc: msg` lines. */
  other: string[];
}

function describe(loc: string[], msg: string): string {
  return loc.length ? `${loc.join('.')}: ${msg}` : msg;
}

/**
 * Sort `detail` by field.
 *
 * @param fields - names of the form's own fields (e.g. `name`, `space_id`).
 */
export function sortErrorDetail(
  detail: IErrorDetail[] | null | undefined,
  fields: readonly string[]
): ISortedErrors {
  const sorted: ISortedErrors = { parameters: {}, fields: {}, other: [] };
  for (const item of detail ?? []) {
    let loc = (item.loc ?? []).map(String);
    if (loc[0] === 'body') {
      loc = loc.slice(1);
    }
    const msg = item.msg ?? '';
    if (loc[0] === 'parameters' && loc.length >= 2) {
      const name = loc[1];
      sorted.parameters[name] ??= describe(loc.slice(2), msg);
    } else if (loc.length && fields.includes(loc[0])) {
      sorted.fields[loc[0]] ??= describe(loc.slice(1), msg);
    } else {
      sorted.other.push(describe(loc, msg));
    }
  }
  return sorted;
}
