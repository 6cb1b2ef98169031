/** KV refuses expirations less than 60 s ahead. */
export const kvExpiration = (atMs: number) => Math.max(Math.floor(atMs / 1000), Math.floor(Date.now() / 1000) + 60);
