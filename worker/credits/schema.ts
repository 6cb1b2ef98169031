import { z } from "@hono/zod-openapi";

export const Credits = z
  .object({
    available: z.number().openapi({ example: 100 }),
    frozen: z.number().openapi({ example: 0, description: "Reserved by work that is running." }),
    total: z.number().openapi({ example: 100 }),
  })
  .openapi("Credits");
export type Credits = z.infer<typeof Credits>;

/** What things cost, in the words the API and the MCP tools both use. */
export const COSTS_SENTENCE = "A generated clip costs about 100 credits, an editing turn about 50; export is free.";
