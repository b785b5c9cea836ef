/**
 * Open Graph and Twitter tags of a competition page, so a shared link shows
 * the title and the share card (`/competitions/:id/card.png`) of the race.
 */
import { CARD_HEIGHT, CARD_WIDTH } from "../lib/web/share_card.ts";

/** Props: the page's absolute URL, what to say and the card's absolute URL. */
export interface ShareMetaProps {
  url: string;
  title: string;
  description: string;
  image: string;
}

/** `<ShareMeta url=… title=… description=… image=… />`, inside `<head>`. */
export function ShareMeta(props: ShareMetaProps) {
  return (
    <>
      <meta name="description" content={props.description} />
      <meta property="og:type" content="website" />
      <meta property="og:site_name" content="CartBrawl" />
      <meta property="og:url" content={props.url} />
      <meta property="og:title" content={props.title} />
      <meta property="og:description" content={props.description} />
      <meta property="og:image" content={props.image} />
      <meta property="og:image:width" content={String(CARD_WIDTH)} />
      <meta property="og:image:height" content={String(CARD_HEIGHT)} />
      <meta property="og:image:alt" content={`${props.title}: the top three stores`} />
      <meta name="twitter:card" content="summary_large_image" />
      <meta name="twitter:title" content={props.title} />
      <meta name="twitter:description" content={props.description} />
      <meta name="twitter:image" content={props.image} />
    </>
  );
}
