/**
 * The header inside Whop's frame (the community view): no site navigation
 * that would lead out of the community (browse, other people's stores, the
 * app's own sign-in and sign-out, which Whop's frame does for it; Whop shows
 * who is looking), only the way back to the community's competitions, on
 * one line even on a phone.
 */

/** `<CommunityNav community="exp_…" path={path} />`: `community` unknown on pages outside one (then nothing). */
export function CommunityNav(props: { community?: string; path: string }) {
  const home = props.community && `/experiences/${props.community}`;
  return home ? <a href={home} aria-current={props.path === home ? "page" : undefined}>Competitions</a> : null;
}
