import { t } from "../i18n";

/**
 * The visitor's available credits. Before they are known the chip holds its place, unseen, so that the header
 * does not move when they arrive.
 */
export function Credits({ available }: { available?: number }) {
  return (
    <p class="credits" role="status" style={available === undefined ? { visibility: "hidden" } : undefined}>
      {t.credits(available ?? 100)}
    </p>
  );
}
