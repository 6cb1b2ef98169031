import { app, type routes } from "./app";

export { AccountBudget, NetworkAllowance } from "./budget/budget";
export { Measurements } from "./measurements/measurements";
export { Visitor } from "./visitor/visitor";

/** The API's type, for the page's typed client (`hc<AppType>`). */
export type AppType = typeof routes;
export default app;
