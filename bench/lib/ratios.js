// @ts-check
/**
 * The ratios the bench reports and their targets (issue 16 "Targets"; the sidecar's from issue 11).
 * Each divides a figure of one row by the same figure of another row of the same round.
 * @module
 */
'use strict';

/** @type {readonly import('./stats').RatioDefinition[]} */
const RATIOS = [
  {
    id: 'login-cpu',
    area: 'login',
    name: 'login CPU per op: memory store / baseline',
    numerator: 'login-memory',
    denominator: 'login-baseline',
    figure: 'cpuPerOpMs',
    target: { op: '<=', value: 2 },
  },
  {
    id: 'login-rate',
    area: 'login',
    name: 'logins/s: memory store / baseline',
    numerator: 'login-memory',
    denominator: 'login-baseline',
    figure: 'rate',
    target: { op: '>=', value: 0.5 },
  },
  {
    id: 'login-redis',
    area: 'login',
    name: 'logins/s: Redis / memory store',
    numerator: 'login-redis',
    denominator: 'login-memory',
    figure: 'rate',
    target: { op: '>=', value: 0.7 },
  },
  {
    id: 'signed-in-verify',
    area: 'signed-in',
    name: 'signed-in req/s: memory store / verify-every-request',
    numerator: 'signed-in-memory',
    denominator: 'verify-every-request',
    figure: 'rate',
    target: { op: '>=', value: 1 },
  },
  {
    id: 'signed-in-peer',
    area: 'signed-in',
    name: 'signed-in req/s: memory store / express-openid-connect',
    numerator: 'signed-in-memory',
    denominator: 'express-openid-connect',
    figure: 'rate',
    target: { op: '>=', value: 1 },
  },
  {
    id: 'signed-in-express',
    area: 'signed-in',
    name: 'signed-in req/s: memory store / bare express',
    numerator: 'signed-in-memory',
    denominator: 'express',
    figure: 'rate',
    target: { op: '>=', value: 0.5 },
  },
  {
    id: 'signed-in-redis',
    area: 'signed-in',
    name: 'signed-in req/s: Redis / memory store',
    numerator: 'signed-in-redis',
    denominator: 'signed-in-memory',
    figure: 'rate',
    target: { op: '>=', value: 0.7 },
  },
  {
    id: 'sidecar-auth',
    area: 'sidecar',
    name: 'sidecar /_sso/auth checks/s / bare express',
    numerator: 'sidecar-auth',
    denominator: 'express',
    figure: 'rate',
    target: { op: '>=', value: 0.6 },
  },
  {
    id: 'sidecar-nginx',
    area: 'sidecar',
    name: 'nginx auth_request → sidecar / nginx without auth',
    numerator: 'nginx-auth',
    denominator: 'nginx-plain',
    figure: 'rate',
    target: { op: '>=', value: 0.5 },
  },
  {
    id: 'sidecar-upstream',
    area: 'sidecar',
    name: 'sidecar upstream mode / the upstream direct',
    numerator: 'upstream-mode',
    denominator: 'express',
    figure: 'rate',
    target: { op: '>=', value: 0.5 },
  },
];

module.exports = { RATIOS };
