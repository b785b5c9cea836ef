/**
 * CSV documents for download (RFC 4180): a header row, CRLF line ends,
 * every cell quoted where it holds a comma, a quote or a line break, and
 * text a spreadsheet would run as a formula defused. A cell that starts
 * with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with an
 * apostrophe (OWASP's advice against CSV injection): a store named
 * `=HYPERLINK(…)` reads as that text in Excel, LibreOffice and Sheets, never
 * as a formula. Numbers the app writes (amounts, counts) never start so.
 */

/** One cell: text or a number; null and undefined are empty. */
export type CsvCell = string | number | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/**
 * One cell as CSV: defused, then quoted when needed (quotes doubled).
 * @example csvCell('=1+1') // "'=1+1"
 * @example csvCell('Cara, "Goods"') // '"Cara, ""Goods"""'
 */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * A CSV document: the header row, then one line per row, each ended by CRLF.
 * @example csvDocument(["Store", "Revenue"], [["Cara Goods", "120.00"]]) // "Store,Revenue\r\nCara Goods,120.00\r\n"
 */
export function csvDocument(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(",") + "\r\n").join("");
}
