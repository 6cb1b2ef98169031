import { t } from "../i18n";

/** The visitor's available credits. */
export function Credits({ available }: { available?: number }) {
  if (available === undefined) return null;
  return (
    <p class="credits" role="status">
      {t.credits(available)}
    </p>
  );
}
