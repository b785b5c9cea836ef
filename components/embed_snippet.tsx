/**
 * The manage page's "Put the board on your site" card: the iframe snippet of
 * the embeddable live board, ready to copy.
 */

/**
 * The HTML a creator pastes into their site to show the live board.
 * @example embedSnippet("https://cartbrawl.example", "abc123", "Holiday Cup")
 */
export function embedSnippet(appUrl: string, competitionId: string, title: string): string {
  const src = new URL(`/embed/competitions/${competitionId}`, appUrl).href;
  const label = title.replace(/[&"<>]/g, (char) => `&#${char.charCodeAt(0)};`);
  return `<iframe src="${src}" title="${label}: live leaderboard" width="360" height="330" loading="lazy"></iframe>`;
}

/** `<EmbedSnippet appUrl={config.appUrl} competitionId={id} title={title} divisions={2} />` (`divisions`: how many) */
export function EmbedSnippet(props: { appUrl: string; competitionId: string; title: string; divisions?: number }) {
  return (
    <section class="card embed-snippet" aria-labelledby="embed-heading">
      <h2 id="embed-heading">Put the board on your site</h2>
      <p class="muted">
        Paste this into any web page: it shows the top places, live, in the reader's light or dark colours (add{" "}
        <code>?theme=dark</code> or <code>?theme=light</code> to the address to choose; <code>?places=3</code>{" "}
        for fewer places{props.divisions
          ? (
            <>
              ; it shows the first division, <code>?division=2</code> another
            </>
          )
          : null}).
      </p>
      <label for="embed-code">Embed code</label>
      <textarea id="embed-code" readOnly rows={3}>
        {embedSnippet(props.appUrl, props.competitionId, props.title)}
      </textarea>
    </section>
  );
}
