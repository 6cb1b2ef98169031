import type { Bindings } from "../config";

/**
 * Whose a share page is: `share:<shareId>` names the visitor whose Durable Object decides (that Object, never
 * this copy, says whether it is still shared), so a public page finds its video without a key.
 */
const shareKey = (shareId: string) => `share:${shareId}`;

export const rememberShare = (env: Bindings, shareId: string, visitorId: string) => env.KV.put(shareKey(shareId), visitorId);
export const forgetShare = (env: Bindings, shareId: string) => env.KV.delete(shareKey(shareId));
export const ownerOfShare = (env: Bindings, shareId: string) => env.KV.get(shareKey(shareId));
