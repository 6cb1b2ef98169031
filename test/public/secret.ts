/** The `public` project's VISITOR_KEY_SECRET: a deployment's, at least 32 bytes. */
export const PUBLIC_SECRET = "a-deployment-secret-of-forty-bytes-00000";
