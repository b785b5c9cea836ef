/** The Whop users the sandbox knows, and the default cast for demos and tests. */

/** A simulated Whop user. */
export interface DemoUser {
  /** Whop user id, `user_…`. */
  id: string;
  /** Whop username (no spaces). */
  username: string;
  /** Display name. */
  name: string;
  /** E-mail address returned by OAuth userinfo. */
  email: string;
  /** What the user does in CartBrawl demos. */
  role: "creator" | "store_owner";
  /** Opening wallet balances in decimal API units by currency, e.g. `{ usd: 5000 }`. */
  balances?: Record<string, number>;
}

/** Two creators and three store owners; creators start with $10,000 to fund prizes. */
export const DEFAULT_DEMO_USERS: readonly DemoUser[] = [
  {
    id: "user_CreatorAvaQ7m2x",
    username: "ava_creates",
    name: "Ava Creator",
    email: "ava@creators.example",
    role: "creator",
    balances: { usd: 10_000 },
  },
  {
    id: "user_CreatorBenR4k9p",
    username: "ben_builds",
    name: "Ben Builder",
    email: "ben@creators.example",
    role: "creator",
    balances: { usd: 10_000, eur: 10_000 },
  },
  {
    id: "user_OwnerCaraT8w3n",
    username: "cara_shop",
    name: "Cara Shopkeeper",
    email: "cara@stores.example",
    role: "store_owner",
  },
  {
    id: "user_OwnerDevS2j6v",
    username: "dev_store",
    name: "Dev Storeowner",
    email: "dev@stores.example",
    role: "store_owner",
  },
  {
    id: "user_OwnerEliP5h1z",
    username: "eli_goods",
    name: "Eli Goods",
    email: "eli@stores.example",
    role: "store_owner",
  },
];

/** "creator" or "store owner", for pages. */
export function roleLabel(user: DemoUser): string {
  return user.role === "creator" ? "creator" : "store owner";
}
