import { z } from "@hono/zod-openapi";

export const Handle = z.object({
  handle: z.string().min(1).max(100).openapi({ description: "From the consent page's address (`/authorize?consent=…`)." }),
});

export const ConsentRequest = z
  .object({
    client: z.object({
      name: z.string().openapi({ example: "Claude", description: "As the app names itself: unverified unless `domain` is given." }),
      uri: z.string().optional().openapi({ example: "https://claude.ai", description: "The app's home page, as it gave it." }),
      domain: z.string().optional().openapi({ example: "claude.ai", description: "For an app known by its metadata document's https address: that address's host, which the app controls." }),
    }),
    redirectHost: z.string().openapi({ example: "claude.ai", description: "Where the app sends the person back to, and the access with them." }),
    local: z.boolean().openapi({ example: false, description: "The app sends the person back to this computer (localhost): any program here could be listening." }),
    scopes: z.array(z.string()).openapi({ example: [], description: "The scopes it asked for (PromptReel has none: an app may do what the visitor may)." }),
    expiresAt: z.number().openapi({ example: 1796204720415, description: "When the request lapses (epoch milliseconds): 10 minutes after it was made." }),
  })
  .openapi("ConsentRequest");

export const Decision = z
  .object({ redirectTo: z.string().openapi({ example: "https://claude.ai/api/mcp/auth_callback?code=a1b2c3&state=xyz&iss=https%3A%2F%2Fpromptreel.example", description: "Where the page sends the browser next: back to the app, with a code or `error=access_denied`." }) })
  .openapi("ConsentDecision");

export const ConnectedApp = z
  .object({
    id: z.string().openapi({ example: "H4kq2ZrT9xWb", description: "The grant's id." }),
    name: z.string().openapi({ example: "Claude" }),
    redirectHost: z.string().optional().openapi({ example: "claude.ai" }),
    createdAt: z.number().openapi({ example: 1796204120415, description: "When the visitor allowed it (epoch milliseconds)." }),
  })
  .openapi("ConnectedApp");

export const ConnectedApps = z.object({ apps: z.array(ConnectedApp) }).openapi("ConnectedApps");

export const AppId = z.object({ id: z.string().min(1).max(200) });
