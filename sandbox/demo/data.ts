/**
 * The demo world's cast and plans: the store owners and their stores, the
 * Whop community, and what each seeded competition is (title, prize, dates,
 * stores, split). Data only, and the functions that date it: the seeding
 * (`seeding.ts`) makes it real through the app's HTTP API (`driver.ts`).
 */
import { DEFAULT_DEMO_USERS, type DemoUser, type SandboxExperience } from "../whop/mod.ts";

/**
 * A demo user who owns one demo store, and the store's sales over the 30 days
 * before the demo starts (`salesBefore`: that many orders around that many
 * cents each), which place it in the live competition's divisions and give
 * its spikes a measure.
 */
export type DemoStoreOwner = DemoUser & {
  shop: string;
  storeName: string;
  salesBefore: [orders: number, cents: number];
};

/** The demo's store owners (besides the simulated Whop's default cast), one store each. */
export const DEMO_STORE_OWNERS: readonly DemoStoreOwner[] = ([
  ["user_DemoMayaK3c8", "maya_makes", "Maya Lin", "maya-candles", "Maya's Candles", [120, 70_000]],
  ["user_DemoOmarV7d2", "omar_outdoors", "Omar Haddad", "northwind-outfitters", "Northwind Outfitters", [180, 110_000]],
  ["user_DemoPriyaX4f6", "priya_pets", "Priya Raman", "pixel-pet-supply", "Pixel Pet Supply", [140, 65_000]],
  ["user_DemoSamB9g1", "sam_bakes", "Sam Okafor", "golden-crumb-bakery", "Golden Crumb Bakery", [160, 90_000]],
  ["user_DemoTessN5h3", "tess_surf", "Tess Moreau", "tidewater-surf", "Tidewater Surf Co.", [150, 80_000]],
] as const).map(([id, username, name, handle, storeName, salesBefore]) => ({
  id,
  username,
  name,
  email: `${username}@stores.example`,
  role: "store_owner" as const,
  shop: `${handle}.myshopify.com`,
  storeName,
  salesBefore: [...salesBefore],
}));

/** Every user the sandbox's simulated Whop knows: its default cast and the demo's store owners. */
export const SANDBOX_USERS: readonly DemoUser[] = [
  ...DEFAULT_DEMO_USERS,
  ...DEMO_STORE_OWNERS.map(({ shop: _shop, storeName: _name, salesBefore: _sales, ...user }) => user),
];

const [AVA, BEN, CARA] = DEFAULT_DEMO_USERS;

/**
 * The demo's Whop community: Ben Builder is its admin; Cara, Maya and Omar are
 * members; everyone else (Ava, Dev, Eli, Priya, Sam, Tess) is not, so its
 * competitions answer them 404. Open `/experiences/exp_DemoBuildersClub` as a member.
 */
export const DEMO_COMMUNITY: SandboxExperience = {
  id: "exp_DemoBuildersClub",
  name: "Store Builders Club",
  members: {
    [BEN.id]: "admin",
    [CARA.id]: "customer",
    [DEMO_STORE_OWNERS[0].id]: "customer",
    [DEMO_STORE_OWNERS[1].id]: "customer",
  },
};

/** What a seeded competition is. */
export interface CompetitionPlan {
  creatorId: string;
  title: string;
  description: string;
  prize: string;
  startMs: number;
  endMs: number;
  /** The stores that join it while it is seeded. */
  stores: readonly DemoStoreOwner[];
  /** The Whop experience it belongs to, if any. */
  experienceId?: string;
  prizeSplit?: number[];
  metric?: "revenue" | "orders" | "growth";
  /** Divisions as the API takes them (the prize is then their total). */
  divisions?: { name: string; upTo?: string; prize: string; prizeSplit?: number[] }[];
}

const DAY = 86_400_000;

const LIVE_TITLES = ["Winter Sales Brawl", "New Year Rush", "Spring Clearance Clash", "Summer Sizzle Showdown"];

/**
 * The live competition of round `round` (0 for the first, then one more each
 * time the last one ended), in two divisions: Maya's Candles and Pixel Pet
 * Supply sold under $100,000 in the 30 days before (`salesBefore`), so they
 * race each other in Rising; the other three race in Established.
 */
export function livePlan(startMs: number, round: number): CompetitionPlan {
  const title = LIVE_TITLES[round % LIVE_TITLES.length] + (round >= LIVE_TITLES.length ? ` ${round + 1}` : "");
  return {
    creatorId: AVA.id,
    title,
    description: "A week-long revenue race between five demo stores in two divisions by size, so the smaller " +
      "stores race each other. Simulated customers keep ordering; refunds and cancellations count against a store.",
    prize: "500.00",
    startMs,
    endMs: startMs + 7 * DAY,
    stores: DEMO_STORE_OWNERS,
    divisions: [
      { name: "Rising", upTo: "100000.00", prize: "200.00", prizeSplit: [70, 30] },
      { name: "Established", prize: "300.00", prizeSplit: [60, 30, 10] },
    ],
  };
}

/** What the seeded season is: the body of `POST /api/seasons`, and the stores that join it. */
export interface SeasonPlan {
  creatorId: string;
  body: {
    title: string;
    description: string;
    rounds: number;
    every: "day" | "week" | "month";
    startDate: string;
    template: { currency: string; divisions: NonNullable<CompetitionPlan["divisions"]> };
    seasonPrize: string;
    seasonPrizeSplit: number[];
  };
  stores: readonly DemoStoreOwner[];
}

/**
 * The demo season: four weekly rounds from `startMs` in the live
 * competition's two divisions (the same stores race in both, so round 1's
 * boards move with the customers' orders), points per division, and a
 * season prize in each division's standings.
 */
export function seasonPlan(startMs: number): SeasonPlan {
  return {
    creatorId: AVA.id,
    body: {
      title: "Demo League",
      description: "Four weekly rounds in two divisions by size: every round's places earn points in their " +
        "division, and the top of each division's standings wins the season prize.",
      rounds: 4,
      every: "week",
      startDate: new Date(startMs).toISOString(),
      template: {
        currency: "USD",
        divisions: [
          { name: "Rising", upTo: "100000.00", prize: "50.00" },
          { name: "Established", prize: "100.00", prizeSplit: [70, 30] },
        ],
      },
      seasonPrize: "200.00",
      seasonPrizeSplit: [60, 40],
    },
    stores: DEMO_STORE_OWNERS,
  };
}

/** The first world's competitions besides the live one. */
export interface WorldPlans {
  live: CompetitionPlan;
  /** A short sprint, started with the live one and ended at once after `SPRINT_SALES`: it shows a paid winner. */
  completed: CompetitionPlan;
  /** Funded, starting in three days, ranked by growth. */
  upcoming: CompetitionPlan;
  /** The community's (`DEMO_COMMUNITY`), funded, with no store yet. */
  community: CompetitionPlan;
}

/** The first world, its short-lead competitions starting at `startMs`, the others three days after `now`. */
export function worldPlans(startMs: number, now: number): WorldPlans {
  const upcomingStart = Math.ceil((now + 3 * DAY) / 3_600_000) * 3_600_000;
  return {
    live: livePlan(startMs, 0),
    completed: {
      creatorId: AVA.id,
      title: "Autumn Sprint",
      description: "A short sprint between three demo stores, already decided: see the winner and the prize payout.",
      prize: "250.00",
      startMs,
      endMs: startMs + DAY,
      stores: DEMO_STORE_OWNERS.slice(0, 3),
    },
    upcoming: {
      creatorId: BEN.id,
      title: "Holiday Cup",
      description: "Two weeks of holiday trading, ranked by growth over each store's own two weeks before: " +
        "small stores stand a chance. Funded and open: sign in as a store owner and join.",
      prize: "1000.00",
      startMs: upcomingStart,
      endMs: upcomingStart + 14 * DAY,
      stores: DEMO_STORE_OWNERS.slice(3),
      metric: "growth",
    },
    community: {
      creatorId: BEN.id,
      title: "Builders Club Cup",
      description: "Only for members of the Store Builders Club (a Whop community): its members see it and may join.",
      prize: "300.00",
      startMs: upcomingStart,
      endMs: upcomingStart + 7 * DAY,
      stores: [],
      experienceId: DEMO_COMMUNITY.id,
    },
  };
}

/**
 * The sprint's few sales, `[store index in its plan, amount]`. They count in
 * the live competition too: same stores, same window.
 */
export const SPRINT_SALES: readonly (readonly [number, string])[] = [
  [0, "129.00"],
  [1, "212.40"],
  [0, "64.50"],
  [2, "48.00"],
  [2, "35.99"],
];
