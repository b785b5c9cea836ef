/**
 * Server side of islands: `island()` wraps a component from `islands/` so that
 * server rendering emits it inside a marker carrying its name and props, and
 * records on the page's own render scope that the page needs it.
 */
import { type ComponentType, createContext, h, isValidElement } from "preact";
import { useContext } from "preact/hooks";

/** Tag name of the element wrapping each island's server-rendered HTML. */
export const ISLAND_MARKER = "cartbrawl-island";

/** The islands one page render used, by name; one per render, never shared. */
export type IslandScope = Set<string>;

/**
 * Carries the current render's scope down the tree. `null` (outside
 * `renderPage`, or inside another island) renders islands as plain components.
 */
export const IslandScopeContext = /* @__PURE__ */ createContext<
  IslandScope | null
>(null);

/**
 * Makes a component from `islands/<name>.tsx` hydrate in the browser. Its
 * props must be JSON-serialisable (no functions, no JSX children).
 * @example
 * import Countdown from "../../islands/countdown.tsx";
 * export const CountdownIsland = island(Countdown, "countdown");
 * // in a page: <CountdownIsland to={competition.endDate} />
 */
export function island<P extends object>(
  Component: ComponentType<P>,
  name: string,
): ComponentType<P> {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) {
    throw new Error(`island names are snake_case file names, got "${name}"`);
  }
  function Island(props: P) {
    const scope = useContext(IslandScopeContext);
    if (!scope) return h(Component, props);
    scope.add(name);
    return h(
      ISLAND_MARKER,
      { "data-island": name, "data-props": serializeIslandProps(props) },
      h(IslandScopeContext.Provider, { value: null }, h(Component, props)),
    );
  }
  Island.displayName = `Island(${name})`;
  return Island;
}

/**
 * JSON for island props that is safe anywhere in HTML: `<`, `>`, `&`, U+2028
 * and U+2029 are written as `\uXXXX` escapes, so `</script>` cannot appear.
 * @example serializeIslandProps({ to: "</script>" }) // '{"to":"\\u003c/script\\u003e"}'
 */
export function serializeIslandProps(props: object): string {
  const json = JSON.stringify(props, (key, value) => {
    if (typeof value === "function" || isValidElement(value)) {
      throw new TypeError(
        `island prop "${key}" cannot be sent to the browser (functions and JSX are not JSON)`,
      );
    }
    return value;
  });
  return json.replace(
    /[<>&\u2028\u2029]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
