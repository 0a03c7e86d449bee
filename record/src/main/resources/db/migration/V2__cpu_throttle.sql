-- Set by metering while a throttle budget of the machine's account is exceeded: the CPU cap (percent
-- of one CPU) the zone runs under instead of its package's. Null when the machine is not throttled.
alter table machines add column cpu_throttle int;
