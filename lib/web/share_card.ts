/**
 * Share cards: the image social sites show for a competition link (Open
 * Graph / Twitter `summary_large_image`), the current top three drawn as SVG
 * and converted to PNG on the server with resvg (WebAssembly, offline) and
 * the Inter font (SIL Open Font License) from its npm package. Rendering
 * costs tens of milliseconds, so each PNG is kept in memory by the hash of its
 * SVG: one render per leaderboard version, however often the link is fetched.
 */
import { readBundledFile } from "../core/bundled_files.ts";
import { plainText } from "../core/text.ts";
import { initWasm, Resvg } from "@resvg/resvg-wasm";

/** The card's width, pixels (Open Graph and Twitter large images are 1200×630). */
export const CARD_WIDTH = 1200;
/** The card's height, pixels. */
export const CARD_HEIGHT = 630;

/** One place on the card: a figure when the board shows one, else the share of the leader (privacy mode). */
export interface CardPlace {
  rank: number;
  name: string;
  /** Formatted, e.g. "$1,234.50". */
  figure?: string;
  /** 0–1 of the leader. */
  share?: number;
}

/** What a card shows. */
export interface ShareCardData {
  title: string;
  /** e.g. "$500.00 prize · Live now". */
  subtitle: string;
  /** The top three (or fewer). */
  places: CardPlace[];
}

/** A rendered card and its strong validator. */
export interface ShareCardImage {
  png: Uint8Array<ArrayBuffer>;
  /** A strong ETag: the hash of the SVG the PNG was rendered from. */
  etag: string;
}

const MEDALS = ["#f5c542", "#c7ccd6", "#d4894a"];
const MAX_CACHED = 64;
const cache = new Map<string, Uint8Array<ArrayBuffer>>();
let fonts: Promise<Uint8Array[]> | undefined;

/**
 * `text` safe inside SVG text and attributes: characters XML does not allow
 * (a control character in a title stored before input refused them) and
 * direction controls removed, markup characters escaped.
 */
function escapeXml(text: string): string {
  return plainText(text).replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** `text` cut to `max` characters with an ellipsis. */
function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : text;
}

/**
 * The card as SVG (text in Inter, the names as text so they can be read back).
 * @example shareCardSvg({ title: "Holiday Cup", subtitle: "$500.00 prize", places: [{ rank: 1, name: "Store A", figure: "$12.00" }] })
 */
export function shareCardSvg(card: ShareCardData): string {
  const rows = card.places.slice(0, 3).map((place, i) => {
    const y = 300 + i * 100;
    const medal = MEDALS[place.rank - 1] ?? "#8b93a3";
    const right = place.figure !== undefined
      ? `<text x="1100" y="${y + 12}" text-anchor="end" font-size="40" font-weight="700" fill="#ffffff">${
        escapeXml(place.figure)
      }</text>`
      : `<rect x="800" y="${y - 14}" width="300" height="28" rx="14" fill="#2b303b"/>` +
        `<rect x="800" y="${y - 14}" width="${Math.round(300 * Math.min(1, Math.max(0, place.share ?? 0)))}" ` +
        `height="28" rx="14" fill="#818cf8"/>`;
    return `<circle cx="130" cy="${y}" r="32" fill="${medal}"/>` +
      `<text x="130" y="${
        y + 13
      }" text-anchor="middle" font-size="36" font-weight="700" fill="#12141a">${place.rank}</text>` +
      `<text x="190" y="${y + 13}" font-size="40" fill="#eef0f4">${escapeXml(clip(place.name, 30))}</text>` +
      right;
  }).join("");
  const empty = card.places.length === 0
    ? `<text x="100" y="330" font-size="40" fill="#a4abb8">No stores yet: join the race.</text>`
    : "";
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${CARD_WIDTH}" height="${CARD_HEIGHT}" ` +
    `viewBox="0 0 ${CARD_WIDTH} ${CARD_HEIGHT}" font-family="Inter">` +
    `<rect width="${CARD_WIDTH}" height="${CARD_HEIGHT}" fill="#12141a"/>` +
    `<rect width="${CARD_WIDTH}" height="12" fill="#4338ca"/>` +
    `<text x="100" y="110" font-size="30" font-weight="700" fill="#a5b4fc">CartBrawl</text>` +
    `<text x="100" y="180" font-size="60" font-weight="700" fill="#ffffff">${escapeXml(clip(card.title, 32))}</text>` +
    `<text x="100" y="230" font-size="32" fill="#a4abb8">${escapeXml(clip(card.subtitle, 60))}</text>` +
    rows + empty + `</svg>`;
}

/** The renderer and fonts a card needs: their names among a release's data files, and their npm sources. */
export const SHARE_CARD_FILES = {
  "resvg.wasm": "@resvg/resvg-wasm/index_bg.wasm",
  "Inter_400Regular.ttf": "@expo-google-fonts/inter/400Regular/Inter_400Regular.ttf",
  "Inter_700Bold.ttf": "@expo-google-fonts/inter/700Bold/Inter_700Bold.ttf",
} as const;

/** resvg initialised once, with Inter regular and bold. */
function loadFonts(): Promise<Uint8Array[]> {
  fonts ??= (async () => {
    const read = (name: keyof typeof SHARE_CARD_FILES) =>
      readBundledFile(name, () => new URL(import.meta.resolve(SHARE_CARD_FILES[name])));
    await initWasm(await read("resvg.wasm"));
    return await Promise.all([read("Inter_400Regular.ttf"), read("Inter_700Bold.ttf")]);
  })().catch((error) => {
    fonts = undefined; // the next card tries again
    throw error;
  });
  return fonts;
}

/**
 * The card as PNG, rendered once per distinct SVG (kept in memory, the
 * newest {@link MAX_CACHED}).
 * @example const { png, etag } = await shareCardImage(shareCardSvg(card));
 */
export async function shareCardImage(svg: string): Promise<ShareCardImage> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(svg));
  const hash = [...new Uint8Array(digest)].slice(0, 16).map((byte) => byte.toString(16).padStart(2, "0")).join("");
  const etag = `"${hash}"`;
  const cached = cache.get(hash);
  if (cached) return { png: cached, etag };
  const fontBuffers = await loadFonts();
  const resvg = new Resvg(svg, { font: { fontBuffers, loadSystemFonts: false, defaultFontFamily: "Inter" } });
  try {
    const image = resvg.render();
    const png = new Uint8Array(image.asPng());
    image.free();
    cache.set(hash, png);
    if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
    return { png, etag };
  } finally {
    resvg.free();
  }
}
