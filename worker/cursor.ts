import { z } from "@hono/zod-openapi";
import { AppError } from "./errors";

/** Where a page of a list starts: after the item made at `at` with id `id` (newest first, ties by id). */
export interface Keyset {
  at: number;
  id: string;
}

/** A page's ask, as a table's statement takes it: at most `limit` items, after `after` when given. */
export interface PageAsk {
  limit: number;
  after?: Keyset;
}

const forged = () => new AppError("invalid_request", "The request is not valid (after: not a cursor this API gave; start again without it).");

/** An opaque cursor: base64url of the last item's (createdAt, id). */
export const cursorOf = ({ at, id }: Keyset) => btoa(JSON.stringify([at, id])).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");

/** The keyset a cursor names; a 400 in our words for anything this API did not give. */
export function readCursor(cursor: string): Keyset {
  try {
    const [at, id] = JSON.parse(atob(cursor.replaceAll("-", "+").replaceAll("_", "/")));
    if (Number.isSafeInteger(at) && typeof id === "string" && id.length <= 64) return { at, id };
  } catch {}
  throw forged();
}

/** The query of every list: `limit` 1–100 (20 when not given) and `after`, a `nextCursor` from the page before. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ description: "Items on a page: 1 to 100 (20 when not given)." }),
  after: z.string().max(200).optional().openapi({ description: "The `nextCursor` of the page before: the page after it." }),
});

export const pageAsk = (query: z.infer<typeof PageQuery>): PageAsk => ({
  limit: query.limit,
  ...(query.after ? { after: readCursor(query.after) } : {}),
});

/** The field every list answers beside its items. */
export const NextCursor = z
  .string()
  .nullable()
  .openapi({ description: "The `after` of the next page; null on the last page.", example: "WzE3OTYyODczNzAwMDAsImV4cF82ZjFjMmE5ZTRiN2Q0YzBlIl0" });

/**
 * A page from rows a statement read with `LIMIT limit + 1` (newest first): the first `limit`, and a cursor after
 * the last of them when there was one more.
 * @example const { items, nextCursor } = pageOf(table.withFiles(ask), ask.limit, (row) => ({ at: row.createdAt, id: row.id }));
 */
export function pageOf<T>(rows: T[], limit: number, key: (row: T) => Keyset): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? cursorOf(key(items.at(-1)!)) : null };
}

/** The SQL of a keyset page over `created_at` and `id`, newest first; its values follow `keysetValues`. */
export const KEYSET_SQL = "(? IS NULL OR created_at < ? OR (created_at = ? AND id < ?)) ORDER BY created_at DESC, id DESC LIMIT ?";
export const keysetValues = ({ limit, after }: PageAsk) => [after?.at ?? null, after?.at ?? null, after?.at ?? null, after?.id ?? null, limit + 1];
