/** An export's statuses; the last three are final. Free of zod, so that the page can read them too. */
export const EXPORT_STATUSES = ["pending", "processing", "completed", "failed", "cancelled"] as const;
export type ExportStatus = (typeof EXPORT_STATUSES)[number];
export const FINAL_EXPORT_STATUSES: readonly ExportStatus[] = ["completed", "failed", "cancelled"];
export const isFinalExport = (status: ExportStatus) => FINAL_EXPORT_STATUSES.includes(status);
