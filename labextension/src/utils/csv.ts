/*
 * A small CSV reader and writer (RFC 4180: quotes, doubled quotes, CRLF),
 * and the "pick rows from a file" logic of the invoke box.
 */

/**
 * Parse CSV text into records of fields. A trailing newline adds no record.
 *
 * @param maxRecords - stop after this many records (the rest is not read).
 */
export function parseCsv(text: string, maxRecords = Infinity): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const endField = () => {
    record.push(field);
    field = '';
  };
  const endRecord = () => {
    endField();
    // Blank lines are not records.
    if (!(record.length === 1 && record[0] === '')) {
      records.push(record);
    }
    record = [];
  };
  while (i < text.length && records.length < maxRecords) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += ch;
      }
      i++;
      continue;
    }
    if (ch === '"' && field === '') {
      quoted = true;
    } else if (ch === ',') {
      endField();
    } else if (ch === '\n' || ch === '\r') {
      endRecord();
      if (ch === '\r' && text[i + 1] === '\n') {
        i++;
      }
    } else {
      field += ch;
    }
    i++;
  }
  if (
    records.length < maxRecords &&
    (field !== '' || record.length > 0 || quoted)
  ) {
    endRecord();
  }
  return records;
}

/** One CSV field, quoted when it needs to be. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) || value !== value.trim()
    ? `"${value.replace(/"/g, '""')}"`
    : value;
}

/** Write records as CSV text, one line each, ending with a newline. */
export function toCsv(records: string[][]): string {
  return records.map(r => r.map(csvField).join(',') + '\n').join('');
}

/** Whether a field reads as a number. */
function isNumeric(value: string): boolean {
  const text = value.trim();
  return text !== '' && isFinite(Number(text));
}

/**
 * Whether the first record of a CSV is a header: it names the model's
 * columns when they are known, else it has a non-numeric field where the
 * next record has a number.
 */
export function hasHeader(
  records: string[][],
  columns: readonly string[] = []
): boolean {
  const first = records[0];
  if (!first) {
    return false;
  }
  const names = new Set(columns);
  if (names.size && first.some(field => names.has(field.trim()))) {
    return true;
  }
  const second = records[1];
  if (!second) {
    return first.every(field => !isNumeric(field));
  }
  return first.some(
    (field, i) => !isNumeric(field) && isNumeric(second[i] ?? '')
  );
}

/** The rows picked from a file for an invocation. */
export interface IPickedRows {
  /** The CSV text to send (with a header when the file had one). */
  csv: string;
  /** Data rows taken. */
  rows: number;
  /** Whether the file has more data rows than were taken. */
  more: boolean;
  /** Header columns dropped because the model does not take them. */
  dropped: string[];
  /** Model columns the file does not have. */
  missing: string[];
}

/**
 * The first `count` data rows of a CSV file, with its header. When the
 * model's input columns are known and the file has a header, only those
 * columns are kept, in the model's order (a training file usually also has
 * the target column, which the model would refuse).
 */
export function pickRows(
  text: string,
  count: number,
  columns: readonly string[] = []
): IPickedRows {
  const wanted = Math.max(0, Math.floor(count));
  // Two more records than needed: a header, and one to tell if there are more.
  const records = parseCsv(text, wanted + 2);
  const header = hasHeader(records, columns) ? records[0] : null;
  const data = header ? records.slice(1) : records;
  const taken = data.slice(0, wanted);
  const more = data.length > wanted;
  if (!header) {
    return {
      csv: toCsv(taken),
      rows: taken.length,
      more,
      dropped: [],
      missing: []
    };
  }
  const names = header.map(h => h.trim());
  if (!columns.length) {
    return {
      csv: toCsv([header, ...taken]),
      rows: taken.length,
      more,
      dropped: [],
      missing: []
    };
  }
  const kept = columns.filter(c => names.includes(c));
  const indexes = kept.map(c => names.indexOf(c));
  return {
    csv: toCsv([kept, ...taken.map(r => indexes.map(i => r[i] ?? ''))]),
    rows: taken.length,
    more,
    dropped: names.filter(n => !columns.includes(n)),
    missing: columns.filter(c => !names.includes(c))
  };
}
