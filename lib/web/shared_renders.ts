/**
 * Renderings shared by readers who see the same thing. When a competition
 * ends or a store is disqualified, every open page asks for its regions again
 * within a second (`islands/live_page.tsx`), and a shared link brings
 * thousands of first visits within minutes; a render costs milliseconds, so
 * ten thousand readers would cost tens of CPU-seconds, at the moment the
 * settlement and the payouts need the cores. Readers without a stake in the
 * page (signed out, or signed in with no store in it and not its creator)
 * see the same regions for the same version, time zone and query: the first
 * asks for the rendering, the others wait for it or reuse it while it is
 * fresh. In memory, per process: instances share nothing but the KV file.
 */

/** How long a rendering answers later readers of the same version. */
export const SHARED_FOR_MS = 2000;

/** How many renderings are kept (the oldest go first). */
export const SHARED_RENDERS_KEPT = 512;

/** What a render answers: the version it found, and whatever it rendered of it. */
export interface VersionedRendering {
  version: string;
}

interface SharedRender<T extends VersionedRendering> {
  version: string;
  renderedAt: number;
  rendering: Promise<T>;
}

/** Where the renderer's answer came from: this reader's own rendering, or one another reader asked for. */
export type SharedRenderSource = "rendered" | "shared";

/**
 * Renderings by reader kind, each answering for {@link SHARED_FOR_MS} the
 * readers who ask for the version it rendered. Renders run once per key and
 * version at a time (the readers arriving meanwhile wait for it); a render
 * that fails is forgotten and its waiters see the same failure.
 */
export class SharedRenders<T extends VersionedRendering> {
  #renders = new Map<string, SharedRender<T>>();

  /**
   * The rendering for `key` at `version`: a fresh one of that version, or
   * `render()`'s (which answers the version it found, kept for the readers
   * who ask for that one next).
   * @example await renders.rendering("c_1|stranger|Europe/Paris|", "SETTLING:", now, () => renderRegions());
   */
  async rendering(
    key: string,
    version: string,
    now: number,
    render: () => Promise<T>,
  ): Promise<{ rendering: T; source: SharedRenderSource }> {
    const kept = this.#renders.get(key);
    const age = kept ? now - kept.renderedAt : Infinity;
    // A clock that moved back (the sandbox's time travel) makes no rendering fresh for longer.
    if (kept && kept.version === version && age >= 0 && age < SHARED_FOR_MS) {
      return { rendering: await kept.rendering, source: "shared" };
    }
    const pending: SharedRender<T> = { version, renderedAt: now, rendering: render() };
    this.#keep(key, pending);
    try {
      const done = await pending.rendering;
      // Kept under the version it found: the readers who heard of that one reuse it.
      pending.version = done.version;
      return { rendering: done, source: "rendered" };
    } catch (error) {
      if (this.#renders.get(key) === pending) this.#renders.delete(key);
      throw error;
    }
  }

  #keep(key: string, render: SharedRender<T>): void {
    this.#renders.delete(key);
    this.#renders.set(key, render);
    if (this.#renders.size > SHARED_RENDERS_KEPT) this.#renders.delete(this.#renders.keys().next().value!);
  }
}
