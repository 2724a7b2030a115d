// @ts-check
/**
 * One-off HTTP requests of the bench (outside the measured autocannon windows).
 * @module
 */
'use strict';

const http = require('node:http');

/**
 * GET `url` without following redirects.
 * @param {string} url
 * @param {{ agent?: http.Agent, headers?: Record<string, string> }} [options]
 * @returns {Promise<{ status: number, headers: http.IncomingHttpHeaders, body: string }>}
 */
function get(url, options = {}) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: options.agent, headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
  });
}

/**
 * POST JSON and parse the JSON answer.
 * @param {string} url
 * @param {unknown} body
 * @returns {Promise<any>}
 */
async function postJson(url, body) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${url}: ${res.status}`);
  return res.json();
}

/**
 * The `name=value` pair of cookie `name` in a response's Set-Cookie headers.
 * @param {http.IncomingHttpHeaders} headers
 * @param {string} name
 */
function cookiePair(headers, name) {
  for (const line of headers['set-cookie'] ?? []) {
    const pair = line.split(';')[0] ?? '';
    if (pair.startsWith(`${name}=`)) return pair;
  }
  throw new Error(`no ${name} cookie in the response`);
}

module.exports = { get, postJson, cookiePair };
