// @ts-check
/**
 * The Redis the bench uses (REDIS_URL, default redis://127.0.0.1:6379): reachability, version,
 * and deleting the keys of one run's prefix.
 * @module
 */
'use strict';

const { createClient } = require('redis');

const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

/**
 * @returns {Promise<{ url: string, version: string } | { url: string, error: string }>}
 */
async function probeRedis() {
  const client = createClient({
    url: REDIS_URL,
    socket: { connectTimeout: 1000, reconnectStrategy: false },
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const info = await client.info('server');
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
    return { url: REDIS_URL, version };
  } catch (error) {
    return { url: REDIS_URL, error: /** @type {Error} */ (error).message || String(error) };
  } finally {
    try {
      await client.close();
    } catch {
      client.destroy();
    }
  }
}

/**
 * Delete every key starting with `prefix`.
 * @param {string} prefix
 * @returns {Promise<number>} keys deleted
 */
async function deletePrefix(prefix) {
  const client = createClient({
    url: REDIS_URL,
    socket: { connectTimeout: 1000, reconnectStrategy: false },
  });
  client.on('error', () => undefined);
  await client.connect();
  let deleted = 0;
  try {
    /** @type {string[]} */
    let batch = [];
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) {
      batch.push(...keys);
      if (batch.length >= 1000) {
        deleted += await client.unlink(batch);
        batch = [];
      }
    }
    if (batch.length > 0) deleted += await client.unlink(batch);
  } finally {
    await client.close();
  }
  return deleted;
}

module.exports = { probeRedis, deletePrefix, REDIS_URL };
