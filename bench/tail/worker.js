/**
 * A streaming tail Worker for the cost benchmark: each invocation of the relay (a Worker request, a Durable Object
 * RPC call or alarm) and each of its spans (KV, R2, SQL, fetch) becomes one line on wrangler's output, prefixed
 * `bench-tail`, which bench/cost.mjs counts. Locally workerd reports no CPU time, so none is printed.
 */
export default {
  tailStream(onset) {
    const { event } = onset;
    const line = (fields) => console.log(`bench-tail ${JSON.stringify({ i: onset.invocationId, t: Date.now(), ...fields })}`);
    line({ k: "onset", model: event.executionModel, type: event.info?.type, object: event.durableObjectId, at: +new Date(onset.timestamp) });
    return (tail) => {
      const e = tail.event;
      if (e.type === "spanOpen") line({ k: "span", name: e.name, at: +new Date(tail.timestamp) });
      else if (e.type === "attributes") line({ k: "attrs", attrs: e.info?.map((a) => [a.name, a.value]) });
      else if (e.type === "outcome") line({ k: "outcome", outcome: e.outcome, at: +new Date(tail.timestamp) });
    };
  },
};
