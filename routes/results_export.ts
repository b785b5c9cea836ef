/**
 * The results export, for the creator and the operators (404 to anyone
 * else, signed in or not): `GET /api/competitions/:id/results.csv`, the
 * board, and `GET /api/competitions/:id/orders.csv`, every store's orders
 * with what each adds and why. Downloads (`Content-Disposition:
 * attachment`), UTF-8 CSV with a header row; the data is
 * `lib/competitions/results_export.ts`, the text `components/results_csv.ts`.
 */
import { type Context, Hono } from "hono";
import type { AppDeps, AppEnv } from "./_env.ts";
import { competitionForCreator } from "../lib/competitions/competitions.ts";
import { exportedBoard, exportedOrders } from "../lib/competitions/results_export.ts";
import { boardCsv, type CsvFile, ordersCsv } from "../components/results_csv.ts";

function download(c: Context, file: CsvFile): Response {
  return c.body(file.csv, 200, {
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": `attachment; filename="${file.filename}"`,
    "Cache-Control": "private, no-store",
  });
}

/** Routes: `GET /api/competitions/:id/results.csv`, `GET /api/competitions/:id/orders.csv`. */
export function resultsExportRoutes(deps: AppDeps): Hono<AppEnv> {
  const load = (c: Context<AppEnv>) =>
    competitionForCreator(deps.kv, c.req.param("id")!, c.var.userId, c.var.isOperator === true);
  return new Hono<AppEnv>()
    .get("/api/competitions/:id/results.csv", async (c) => {
      const competition = await load(c);
      return download(c, boardCsv(competition, await exportedBoard(deps.kv, competition)));
    })
    .get("/api/competitions/:id/orders.csv", async (c) => {
      const competition = await load(c);
      return download(c, ordersCsv(competition, await exportedOrders(deps.kv, competition)));
    });
}
