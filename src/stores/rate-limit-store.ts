import { RedisStore } from 'rate-limit-redis';
import type { ClientRateLimitInfo } from 'express-rate-limit';

/**
 * rate-limit-redis's store, recovering from a Redis outage at start-up: the library loads its Lua
 * scripts once, in `init()`, and keeps the (rejected) promise forever when Redis was not reachable
 * then. Before each use we reload a script whose load failed, so limits work again as soon as
 * Redis answers. (A script flushed later is already reloaded by the library on `NOSCRIPT`.)
 */
export class RecoveringRedisRateLimitStore extends RedisStore {
  override async increment(key: string): Promise<ClientRateLimitInfo> {
    if (await failed(this.incrementScriptSha)) this.incrementScriptSha = this.loadIncrementScript();
    return super.increment(key);
  }

  override async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    if (await failed(this.getScriptSha)) this.getScriptSha = this.loadGetScript();
    return super.get(key);
  }
}

function failed(promise: Promise<unknown> | undefined): Promise<boolean> {
  return promise
    ? promise.then(
        () => false,
        () => true,
      )
    : Promise.resolve(true);
}
