// Words for the cloud API's limits and metering's budgets, shared by the create and limits pages.

export const LIMIT_NAMES = {
  count: 'Machines',
  ram: 'Memory (MiB)',
  quota: 'Disk (GiB)',
  vcpus: 'vCPUs',
};

export const METRIC_NAMES = {
  cpu_hours: 'CPU hours',
  instance_hours: 'Instance hours',
  memory_gib_hours: 'Memory GiB-hours',
  disk_gib_hours: 'Disk GiB-hours',
  network_in_gb: 'Network in (GB)',
  network_out_gb: 'Network out (GB)',
  network_gb: 'Network in + out (GB)',
};

export const POLICY_WORDS = {
  notify: 'you are notified (audit entry)',
  throttle: 'your machines are slowed down',
  stop: 'your machines are stopped',
};

/** Provisioning limits only (the limits answer also lists budgets, which carry a "budget" field). */
export function provisioningLimits(entries) {
  return (entries || []).filter((e) => !e.budget);
}

export function limitName(l) {
  const base = LIMIT_NAMES[l.by] || l.by;
  return l.check ? `${base} for ${l.check} ${l[l.check]}` : base;
}

/** "unlimited", "none allowed" or the number. */
export function limitValue(v) {
  if (v === 0) return 'unlimited';
  if (v === -1) return 'none allowed';
  return String(v);
}

/** What a package adds to each limit. */
export function packageNeeds(pkg) {
  return { count: 1, ram: pkg.memory, quota: Math.ceil(pkg.disk / 1024), vcpus: pkg.vcpus };
}

/** The first limit a package would break, as a sentence, or null when it fits. */
export function whyNotFits(pkg, limits) {
  const needs = packageNeeds(pkg);
  for (const l of provisioningLimits(limits)) {
    if (l.check) {
      continue; // limits over one image, brand or os: the cloud API decides
    }
    const need = needs[l.by];
    if (need === undefined) continue;
    if (l.value === -1) return `Your account may not have any more ${limitName(l).toLowerCase()}.`;
    if (l.value > 0 && l.used + need > l.value) {
      return `${pkg.name} needs ${need} of ${limitName(l).toLowerCase()} but only ${Math.max(0, l.value - l.used)} remain.`;
    }
  }
  return null;
}

/**
 * A budget from GET /api/budgets (or an entry of GET /api/limits), which lists it as the limits do
 * ({by: metric, value: limit, budget: name, ...}), as {name, metric, limit, used, period, policy, state, ...}.
 */
export function budgetOf(b) {
  return {
    ...b,
    name: b.budget ?? b.name,
    metric: b.by ?? b.metric,
    limit: b.value ?? b.limit,
  };
}
