import type { Scope } from "../scope";
import type { UploadedPart, UploadRecord } from "./schema";
import { UploadTable } from "./table";

/**
 * The visitor's large uploads, inside its Durable Object: which parts of each have arrived in R2 (R2 does not
 * list a multipart upload's parts for us). The bytes never pass through here; the Worker streams them to R2.
 */
export class Uploads {
  private readonly table: UploadTable;

  constructor(scope: Scope) {
    this.table = new UploadTable(scope.sql);
  }

  add(upload: UploadRecord): void {
    this.table.add(upload);
  }

  find(id: string): (UploadRecord & { parts: UploadedPart[] }) | null {
    return this.table.find(id);
  }

  /** Idempotent: a part sent again replaces the one before. */
  recordPart(id: string, part: UploadedPart): void {
    this.table.recordPart(id, part);
  }

  remove(id: string): void {
    this.table.remove(id);
  }
}
