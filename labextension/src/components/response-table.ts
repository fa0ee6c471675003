/*
 * Turn an endpoint's answer into a table: JSON predictions (with class
 * probabilities), JSON records, or CSV with a header.
 */
import { parseCsv } from '../utils/csv';

/** A table to show: column names and rows of cells. */
export interface ITable {
  columns: string[];
  rows: unknown[][];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Columns of a list of objects, in first-seen order. */
function keysOf(items: Record<string, unknown>[]): string[] {
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    for (const key of Object.keys(item)) {
      if (!seen.has(key)) {
        seen.add(key);
        keys.push(key);
      }
    }
  }
  return keys;
}

/** A list of predictions: scalars, arrays (several outputs) or objects. */
function predictionColumns(predictions: unknown[]): {
  columns: string[];
  cells: (item: unknown) => unknown[];
} {
  if (predictions.every(isRecord)) {
    const keys = keysOf(predictions as Record<string, unknown>[]);
    return {
      columns: keys,
      cells: item => keys.map(k => (item as Record<string, unknown>)[k])
    };
  }
  const width = Math.max(
    0,
    ...predictions.map(p => (Array.isArray(p) ? p.length : 0))
  );
  if (width > 0 && predictions.every(Array.isArray)) {
    const columns = Array.from({ length: width }, (_, i) => `prediction_${i}`);
    return {
      columns,
      cells: item => columns.map((_, i) => (item as unknown[])[i])
    };
  }
  return { columns: ['prediction'], cells: item => [item] };
}

/**
 * The table of a JSON answer, or `null` when it is not a list of rows:
 * `{"predictions": [...], "probabilities": [{class: p}, ...]}`, a list of
 * records, or a list of values.
 */
export function jsonTable(value: unknown): ITable | null {
  let predictions: unknown[] | null = null;
  let probabilities: unknown[] | null = null;
  if (Array.isArray(value)) {
    predictions = value;
  } else if (isRecord(value) && Array.isArray(value.predictions)) {
    predictions = value.predictions;
    if (Array.isArray(value.probabilities)) {
      probabilities = value.probabilities;
    }
  } else if (isRecord(value) && isRecord(value.predictions)) {
    // A dataframe answered as `{"predictions": {"column": [values]}}`.
    const byColumn = value.predictions;
    const columns = Object.keys(byColumn);
    if (columns.every(c => Array.isArray(byColumn[c]))) {
      const length = Math.max(
        0,
        ...columns.map(c => (byColumn[c] as unknown[]).length)
      );
      return {
        columns,
        rows: Array.from({ length }, (_, i) =>
          columns.map(c => (byColumn[c] as unknown[])[i])
        )
      };
    }
  }
  if (!predictions) {
    return null;
  }
  const { columns, cells } = predictionColumns(predictions);
  let classes: string[] = [];
  if (probabilities) {
    if (probabilities.every(isRecord)) {
      classes = keysOf(probabilities as Record<string, unknown>[]);
    } else if (probabilities.every(Array.isArray)) {
      const width = Math.max(
        0,
        ...(probabilities as unknown[][]).map(p => p.length)
      );
      classes = Array.from({ length: width }, (_, i) => String(i));
    }
  }
  const probability = (row: number, cls: string, index: number): unknown => {
    const item = probabilities?.[row];
    if (isRecord(item)) {
      return item[cls];
    }
    return Array.isArray(item) ? item[index] : undefined;
  };
  return {
    columns: [...columns, ...classes.map(c => `probability_${c}`)],
    rows: predictions.map((item, row) => [
      ...cells(item),
      ...classes.map((cls, index) => probability(row, cls, index))
    ])
  };
}

/** The table of a CSV answer (its first line is the header). */
export function csvTable(text: string): ITable | null {
  const records = parseCsv(text);
  if (records.length === 0) {
    return null;
  }
  const [columns, ...rows] = records;
  return { columns, rows };
}

/** The table of an answer by its content type, or `null` to show the text. */
export function responseTable(
  contentType: string,
  body: string
): ITable | null {
  const type = contentType.toLowerCase();
  if (type.includes('json')) {
    try {
      return jsonTable(JSON.parse(body));
    } catch {
      return null;
    }
  }
  if (type.includes('csv')) {
    return csvTable(body);
  }
  return null;
}

/** A cell for display: numbers to at most 6 significant digits. */
export function formatCell(value: unknown): string {
  if (value === null || value === undefined) {
    return '';
  }
  if (typeof value === 'number') {
    if (Number.isInteger(value)) {
      return String(value);
    }
    return String(Number(value.toPrecision(6)));
  }
  if (typeof value === 'string') {
    const number = Number(value);
    if (value.trim() !== '' && isFinite(number) && /[.eE]/.test(value)) {
      return String(Number(number.toPrecision(6)));
    }
    return value;
  }
  return JSON.stringify(value);
}

/** A latency in ms for tables. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !isFinite(ms)) {
    return '—';
  }
  return ms < 10 ? `${ms.toFixed(2)} ms` : `${ms.toFixed(1)} ms`;
}
