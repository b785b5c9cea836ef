/** The competition page's list of the stores the creator disqualified, each with the public reason. */

/** The stores the creator took out of the ranking, each with the public reason. */
export function DisqualifiedList(
  props: { stores: { participantId: string; displayName: string; shop: string; reason: string }[] },
) {
  if (props.stores.length === 0) return null;
  return (
    <section class="card disqualified" aria-labelledby="disqualified-heading">
      <h2 id="disqualified-heading">Disqualified</h2>
      <ul>
        {props.stores.map((store) => (
          <li key={store.participantId}>
            <strong>{store.displayName}</strong> {store.shop && <span class="muted">{store.shop}</span>}: {store.reason}
          </li>
        ))}
      </ul>
    </section>
  );
}
