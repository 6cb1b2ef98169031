/** The OpenAPI document's head; the paths come from the routes' zod schemas. */
export const openApiInfo = {
  openapi: "3.1.0",
  info: {
    title: "PromptReel API",
    version: "1.0.0",
    description:
      "Text to video through NemoVideo's cloud API. Create a visitor, open a session, chat (server-sent events), upload media, and export. Errors are `{\"error\":{\"code\",\"message\"}}`. No answer ever carries a NemoVideo token.",
  },
  servers: [{ url: "/api/v1" }],
};
