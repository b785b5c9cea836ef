/** The manage page's share card: the public page's link, ready to copy. */
import { CopyButtonIsland } from "./island_wrappers.ts";
import { Card } from "./card.tsx";

/** `<ShareLinkCard url={publicUrl} folded />` */
export function ShareLinkCard(props: { url: string; folded?: boolean }) {
  return (
    <Card id="share-heading" title="Share" folded={props.folded}>
      <p class="muted">Anyone with the link can follow the race; store owners join from it.</p>
      <div class="copy-row">
        <label class="visually-hidden" for="share-link">Public link</label>
        <input id="share-link" readOnly value={props.url} />
        <CopyButtonIsland text={props.url} label="Copy link" />
      </div>
    </Card>
  );
}
