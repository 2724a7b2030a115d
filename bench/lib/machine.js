// @ts-check
/**
 * What the bench ran on: cores, CPU model, Node and Redis versions, load average.
 * @module
 */
'use strict';

const fs = require('node:fs');
const os = require('node:os');

/** @param {string | undefined} redisVersion */
function machineInfo(redisVersion) {
  let cpuModel = os.cpus()[0]?.model ?? 'unknown';
  try {
    cpuModel =
      /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ??
      cpuModel;
  } catch {
    // not Linux: keep os.cpus()
  }
  return {
    nproc: os.availableParallelism(),
    cpuModel,
    node: process.version,
    redis: redisVersion ?? 'not reachable',
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

/** 1-minute load average. */
function loadAverage() {
  return os.loadavg()[0] ?? NaN;
}

module.exports = { machineInfo, loadAverage };
