/**
 * What text people write (titles, store names, reasons) may hold. It is
 * drawn into SVG (the share card), sent to Whop and shown beside the app's
 * own words, so two kinds of character are kept out: those XML does not
 * allow (control characters, lone surrogates, U+FFFE/U+FFFF; C1 controls
 * too), which make an SVG unreadable, and the bidirectional embedding,
 * override and isolate characters, which make text display in another order
 * than it is stored (a name that reads as someone else's, a title that
 * reverses the words after it). Input refuses them ({@link textProblem});
 * text stored before, or from outside (a Shopify store's name), has them
 * removed where it is shown ({@link plainText}).
 */

/** Characters XML 1.0 does not allow (lone surrogates aside: `isWellFormed`), and C1 controls; not tab, LF, CR. */
// deno-lint-ignore no-control-regex -- finding control characters is this pattern's purpose
const CONTROL = /[\0-\b\v\f\x0E-\x1F\x7F-\x9F\uFFFE\uFFFF]/g;
/** Tab, line feed and carriage return: allowed in XML, but not on one line. */
const LINE_BREAKS = /[\t\n\r]/g;
/** Bidirectional embeddings and overrides (U+202A–U+202E) and isolates (U+2066–U+2069). */
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/g;

/** What is wrong with a piece of text, if anything. */
export type TextProblem = "control" | "direction";

/** Whether `pattern` (global, so stateful) occurs in `text`. */
const has = (pattern: RegExp, text: string) => text.search(pattern) >= 0;

/**
 * Why `text` cannot be taken as written: a control character (on one line,
 * tabs and line breaks count as such), or a character that changes the
 * direction text is shown in.
 * @example textProblem("Cup\u202Epuc") // "direction"
 */
export function textProblem(text: string, options: { multiline?: boolean } = {}): TextProblem | undefined {
  if (has(CONTROL, text) || !text.isWellFormed() || (!options.multiline && has(LINE_BREAKS, text))) return "control";
  return has(BIDI_CONTROL, text) ? "direction" : undefined;
}

/**
 * `text` for one line of display: control and direction characters removed
 * (a lone surrogate becomes U+FFFD), tabs and line breaks as spaces.
 * @example plainText("Holiday\u0007 Cup\n") // "Holiday Cup "
 */
export function plainText(text: string): string {
  return text.toWellFormed().replace(CONTROL, "").replace(BIDI_CONTROL, "").replace(LINE_BREAKS, " ");
}
