/**
 * How long a message to the assistant (and a generation's prompt) may be, in characters after trimming. Free of
 * zod, so that the page's prompt box refuses the same length the API's schema does, before any request.
 */
export const MESSAGE_MAX_CHARS = 4000;
