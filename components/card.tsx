/**
 * A page's card with its heading: a `<section>`, or, folded, a native
 * `<details>` whose summary is the heading. Pages fold what the reader does
 * not need at this stage (the manage page's audit log, embed code, the
 * stores once the race is over), so a phone's page stays short and nothing
 * needs JavaScript to open.
 */
import type { ComponentChildren } from "preact";

/** `<Card id="audit-heading" title="Audit log" folded>…</Card>`: `id` is the heading's, `anchor` the card's. */
export function Card(
  props: {
    id: string;
    title: ComponentChildren;
    folded?: boolean;
    class?: string;
    anchor?: string;
    children: ComponentChildren;
  },
) {
  const heading = <h2 id={props.id}>{props.title}</h2>;
  const classes = ["card", props.class].filter(Boolean).join(" ");
  if (props.folded) {
    return (
      <details class={`${classes} card-fold`} id={props.anchor} aria-labelledby={props.id}>
        <summary>{heading}</summary>
        {props.children}
      </details>
    );
  }
  return (
    <section class={classes} id={props.anchor} aria-labelledby={props.id}>
      {heading}
      {props.children}
    </section>
  );
}
