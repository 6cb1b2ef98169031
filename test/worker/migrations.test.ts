// The tables' versions (worker/migrations.ts): a Durable Object made by the last release, which kept no versions,
// opens with every table brought up to date and nothing it held lost; each step runs once, in order, however often
// the Object starts.
import { describe, expect, it } from "vitest";
import { runInDurableObject } from "cloudflare:test";
import { migrate } from "../../worker/migrations";
import { call, newSession, restartVisitor, useEmulator, visitorStub } from "../helpers";

useEmulator();

describe("the tables' versions", () => {
  it("a visitor whose tables the last release made (no versions, columns missing) opens with each brought up to date, its data kept", async () => {
    const { key, visitorId, sessionId } = await newSession();
    await runInDurableObject(visitorStub(visitorId), (_instance, state) => {
      const sql = state.storage.sql;
      // The account as it was before networks were counted, and a generation from before edits and variations.
      sql.exec("CREATE TABLE old AS SELECT id, refused_until, forgotten_at FROM account; DROP TABLE account; ALTER TABLE old RENAME TO account");
      sql.exec(`DROP TABLE generations; CREATE TABLE generations (id TEXT PRIMARY KEY, visitor_id TEXT NOT NULL,
        origin TEXT NOT NULL, prompt TEXT NOT NULL, language TEXT, webhook_url TEXT, status TEXT NOT NULL,
        session_id TEXT, turn_id TEXT, export_id TEXT, error TEXT, created_at INTEGER NOT NULL, completed_at INTEGER,
        webhook_status TEXT, webhook_attempts INTEGER NOT NULL DEFAULT 0, webhook_last_status INTEGER)`);
      sql.exec(
        "INSERT INTO generations (id, visitor_id, origin, prompt, status, created_at) VALUES ('gen_old', ?, 'http://localhost', 'a fox', 'failed', 1)",
        visitorId,
      );
      sql.exec("DROP TABLE migrations");
    });
    const fresh = await restartVisitor(visitorId);
    const seen = await runInDurableObject(fresh, (_instance, state) => {
      const sql = state.storage.sql;
      const columns = (table: string) => sql.exec(`SELECT name FROM pragma_table_info('${table}')`).toArray().map((row) => row.name);
      return {
        versions: Object.fromEntries(sql.exec("SELECT feature, version FROM migrations").toArray().map((row) => [row.feature, row.version])),
        account: columns("account"),
        generations: columns("generations"),
        old: sql.exec("SELECT prompt, edit_of, conversation_id FROM generations WHERE id = 'gen_old'").toArray(),
      };
    });
    expect(seen.versions).toMatchObject({ account: 1, generations: 1, exports: 1, chat: 1, sessions: 1, schedule: 1 });
    expect(seen.account).toContain("network");
    expect(seen.generations).toEqual(expect.arrayContaining(["edit_of", "conversation_id"]));
    expect(seen.old).toEqual([{ prompt: "a fox", edit_of: null, conversation_id: null }]);
    // The session made before the restart is still there and works.
    expect((await call(`/sessions/${sessionId}`, { key })).status).toBe(200);
  });

  it("each step runs once, in order: a second start runs none, a step added later runs alone", async () => {
    const { visitorId } = await newSession();
    const ran = await runInDurableObject(visitorStub(visitorId), (_instance, state) => {
      const sql = state.storage.sql;
      const log: string[] = [];
      const steps = [
        "CREATE TABLE drill (n INTEGER)",
        () => void log.push("fill"),
        "INSERT INTO drill VALUES (1)",
      ];
      migrate(sql, "drill", steps);
      migrate(sql, "drill", steps);
      migrate(sql, "drill", [...steps, "INSERT INTO drill VALUES (2)"]);
      return {
        log,
        rows: sql.exec("SELECT n FROM drill").toArray().map((row) => row.n),
        version: sql.exec("SELECT version FROM migrations WHERE feature = 'drill'").one().version,
      };
    });
    expect(ran).toEqual({ log: ["fill"], rows: [1, 2], version: 4 });
  });
});
